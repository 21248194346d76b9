#!/usr/bin/python3
"""The Django peer of bench/sessions.sh (Debian's python3-django 3.2): `manage.py migrate` makes django_session."""
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchsite.settings")
from django.core.management import execute_from_command_line  # noqa: E402

execute_from_command_line(sys.argv)
