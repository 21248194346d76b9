#!/usr/bin/python3
"""The tables Django makes for the models of the Shelf test app's 0001_initial (Author; Book with a reference), on
SQLite: Django's own makemigrations and sqlmigrate, from Debian's python3-django (3.2.25 here; its SQLite DDL for these
fields — varchar, integer, AUTOINCREMENT keys, deferred references, the reference's index — is Django 5.2's too, with
DEFAULT_AUTO_FIELD = BigAutoField, which is "integer" on SQLite as AutoField is).

Run: /usr/bin/python3 django_shelf_ddl.py > django_shelf_ddl.sqlite.sql"""
import io
import os
import sys
import tempfile

root = tempfile.mkdtemp()
os.makedirs(os.path.join(root, "shelf", "migrations"))
open(os.path.join(root, "shelf", "__init__.py"), "w").close()
open(os.path.join(root, "shelf", "migrations", "__init__.py"), "w").close()
with open(os.path.join(root, "shelf", "models.py"), "w") as f:
    f.write(
        "from django.db import models\n\n"
        "class Author(models.Model):\n    name = models.CharField(max_length=100)\n\n"
        "class Book(models.Model):\n    title = models.CharField(max_length=200)\n"
        "    author = models.ForeignKey(Author, on_delete=models.CASCADE)\n    pages = models.IntegerField(null=True)\n")
sys.path.insert(0, root)

import django  # noqa: E402
from django.conf import settings  # noqa: E402

settings.configure(INSTALLED_APPS=["shelf"], DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
                   DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.path.join(root, "db.sqlite3")}})
django.setup()

from django.core.management import call_command  # noqa: E402

call_command("makemigrations", "shelf", verbosity=0)
out = io.StringIO()
call_command("sqlmigrate", "shelf", "0001", stdout=out)
statements = [line for line in out.getvalue().splitlines() if line and not line.startswith("--") and line not in ("BEGIN;", "COMMIT;")]
print("\n".join(statements))
