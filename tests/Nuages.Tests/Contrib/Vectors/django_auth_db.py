#!/usr/bin/python3
"""A database Django made and used, for AuthInteropTests: a Nuages site pointed at it logs Django's users in.

Run with Debian's python3-django (3.2.25): `/usr/bin/python3 django_auth_db.py` writes django_auth_db.sql (the
SQLite database as SQL) and django_auth_db.json (the session cookie Django's test client got at login).
Django 3.2's auth, contenttypes and sessions migrations are 5.2's (auth 0001-0012, contenttypes 0001-0002,
sessions 0001); its session format and session auth hash (salted HMAC-SHA256 of the stored password) are 5.2's.
The session is made to last a century, so that the vectors stay valid. Its PBKDF2 default is 260,000 iterations (5.2: 1,000,000), so Nuages remakes ann's hash at her first login.
"""
import json
import os
import tempfile

import django
from django.conf import settings

here = os.path.dirname(os.path.abspath(__file__))
path = os.path.join(tempfile.mkdtemp(), "django.sqlite3")
settings.configure(
    SECRET_KEY="django-interop-secret",
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": path}},
    INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "django.contrib.sessions"],
    MIDDLEWARE=["django.contrib.sessions.middleware.SessionMiddleware", "django.contrib.auth.middleware.AuthenticationMiddleware"],
    ROOT_URLCONF=__name__,
    USE_TZ=True,
    ALLOWED_HOSTS=["testserver"],
    SESSION_COOKIE_AGE=100 * 365 * 86400,  # the session outlives the vectors: a century
)
urlpatterns = []
django.setup()

from django.contrib.auth.models import Group, Permission, User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

call_command("migrate", verbosity=0)
ann = User.objects.create_user("ann", "ann@example.com", "django pw", first_name="Ann")
User.objects.create_superuser("root", "root@example.com", "root pw")
User.objects.create_user("gone", password="gone pw", is_active=False)
editors = Group.objects.create(name="editors")
editors.permissions.add(Permission.objects.get(codename="change_group"))
ann.groups.add(editors)
ann.user_permissions.add(Permission.objects.get(codename="view_user"))
client = Client()
assert client.login(username="ann", password="django pw")

with open(os.path.join(here, "django_auth_db.sql"), "w") as f:
    for line in connection.connection.iterdump():
        f.write(line + "\n")
with open(os.path.join(here, "django_auth_db.json"), "w") as f:
    json.dump({"sessionid": client.cookies["sessionid"].value, "secret_key": settings.SECRET_KEY, "ann_id": ann.pk,
               "ann_password": User.objects.get(pk=ann.pk).password,
               "migrations": sorted(f"{app}.{name}" for app, name in connection.cursor().execute("SELECT app, name FROM django_migrations").fetchall())},
              f, indent=1)
