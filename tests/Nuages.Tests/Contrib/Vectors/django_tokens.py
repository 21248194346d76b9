#!/usr/bin/python3
"""Password reset tokens as Django makes them, for TokenTests.

Run with Debian's python3-django (3.2.25): `/usr/bin/python3 django_tokens.py > django_tokens.json`.
Django 3.2's PasswordResetTokenGenerator with its default algorithm (sha256) makes 5.2's tokens: base36 seconds since
2001-01-01 (the server's local time, TIME_ZONE), a dash, every other hex digit of a salted HMAC-SHA256 of the user's
pk, stored password, last login (seconds, naive) and email. The clock is fixed here so the vectors are stable.
"""
import datetime
import json

import django
from django.conf import settings

settings.configure(SECRET_KEY="token-secret", USE_TZ=True, TIME_ZONE="UTC",
                   INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth"],
                   DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}})
django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.contrib.auth.tokens import PasswordResetTokenGenerator  # noqa: E402

NOW = datetime.datetime(2026, 12, 4, 1, 2, 3)


class Fixed(PasswordResetTokenGenerator):
    def _now(self):
        return NOW


users = [
    User(pk=1, username="ann", password="pbkdf2_sha256$1000000$seasalt$abc=", email="ann@example.com",
         last_login=datetime.datetime(2026, 12, 3, 22, 15, 30, 123456, tzinfo=datetime.timezone.utc)),
    User(pk=42, username="bob", password="md5$salt$0123", email="", last_login=None),
]
generator = Fixed()
out = {"now": NOW.isoformat(), "secret": "token-secret", "tokens": []}
for user in users:
    out["tokens"].append({
        "pk": user.pk, "password": user.password, "email": user.email,
        "last_login": user.last_login.isoformat() if user.last_login else None,
        "token": generator.make_token(user),
        "hash_value": generator._make_hash_value(user, generator._num_seconds(NOW)),
    })
print(json.dumps(out, indent=1))
