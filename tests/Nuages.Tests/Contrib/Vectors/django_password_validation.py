#!/usr/bin/python3
"""Django's four password validators on a table of passwords, for PasswordValidationTests.

Run with Debian's python3-django (3.2.25): `/usr/bin/python3 django_password_validation.py > django_password_validation.json`.
The validators' rules and messages are 5.2's (quick_ratio similarity with the length-ratio shortcut, the
singular/plural minimum-length message); the common-password list is the one Django 3.2 ships, which Nuages embeds.
"""
import json

import django
from django.conf import settings

settings.configure(
    USE_I18N=False,
    INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth"],
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
    AUTH_PASSWORD_VALIDATORS=[
        {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
        {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
        {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
        {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    ],
)
django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.contrib.auth.password_validation import (  # noqa: E402
    MinimumLengthValidator, password_validators_help_texts, validate_password,
)
from django.core.exceptions import ValidationError  # noqa: E402

user = User(username="ann.lee", first_name="Ann", last_name="Lee-Smith", email="ann.lee@example.com")
PASSWORDS = ["short", "12345678", "password", "Password1", "ann.lee", "annlee2024", "examplecom", "leesmith",
             "correct horse battery staple", "1234", "ANN.LEE", "qwertyuiop", "zx8!Pq#m2Lw9", "é", "a" * 100, "ann", "smithlee99"]

rows = []
for password in PASSWORDS:
    for with_user in (True, False):
        try:
            validate_password(password, user if with_user else None)
            errors = []
        except ValidationError as e:
            errors = [{"message": m, "code": d.code} for m, d in zip(e.messages, e.error_list)]
        rows.append({"password": password, "with_user": with_user, "errors": errors})

try:
    MinimumLengthValidator(1).validate("")
    one = None
except ValidationError as e:
    one = e.messages[0]
print(json.dumps({"rows": rows, "help_texts": password_validators_help_texts(), "min_length_one": one,
                  "min_length_one_help": MinimumLengthValidator(1).get_help_text()}, indent=1, ensure_ascii=False))
