#!/usr/bin/python3
"""Django's signed values, for SigningTests, SessionTests and MessagesTests.

Run with Debian's python3-django (3.2.x): `/usr/bin/python3 django_signing.py > django_signing.json`.
Django 3.2 signs as Django 5.2 does wherever these cases go: Signer and TimestampSigner default to SHA-256 (3.2's
DEFAULT_HASHING_ALGORITHM is 'sha256' unless set; 4.0 removed the setting and kept the value), sign_object/dumps,
base 62 timestamps, the cookie signer's key ("django.http.cookies" + SECRET_KEY), the session encoding
(signing.dumps with salt "django.contrib.sessions.SessionStore", compress=True) and the messages cookie
(get_cookie_signer(salt="django.contrib.messages").sign_object(..., compress=True)) are unchanged since 3.1.
3.2's legacy SHA-1 fallback in unsign is not used here: every value is checked with the 5.x algorithm.
The clock is fixed so that timestamps are reproducible.
"""
import json
import time

import django
from django.conf import settings

SECRET = "django-insecure-s3cr3t-k3y-for-v3ct0rs"
NOW = 1767225600  # 2026-01-01T00:00:00Z

settings.configure(
    SECRET_KEY=SECRET,
    INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.sessions", "django.contrib.messages"],
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
    USE_TZ=True,
)
django.setup()

from django.core import signing  # noqa: E402

time.time = lambda: NOW + 0.25  # TimestampSigner reads time.time()

from django.contrib.messages.storage.base import Message  # noqa: E402
from django.contrib.messages.storage.cookie import CookieStorage  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore as DbStore  # noqa: E402
from django.contrib.sessions.backends.signed_cookies import SessionStore as CookieStore  # noqa: E402
from django.http import HttpRequest  # noqa: E402
from django.utils.safestring import mark_safe  # noqa: E402

cases = {"secret": SECRET, "now": NOW, "signer": [], "timestamp": [], "dumps": [], "cookies": [], "sessions": [], "messages": []}

for key, salt, sep, algorithm, value in [
    (SECRET, None, ":", None, "hello"),
    (SECRET, "my.salt", ":", None, "hello"),
    (SECRET, None, "/", None, "a:b:c"),
    (SECRET, None, ":", "sha1", "hello"),
    (SECRET, None, ":", "sha512", "hello"),
    ("another key", None, ":", None, "café ☕ 😀"),
    (SECRET, None, ":", None, ""),
]:
    signer = signing.Signer(key, sep=sep, salt=salt, algorithm=algorithm)
    cases["signer"].append({"key": key, "salt": salt, "sep": sep, "algorithm": algorithm or "sha256", "value": value, "signed": signer.sign(value)})

for salt, value in [(None, "hello"), ("other", "x:y")]:
    cases["timestamp"].append({"salt": salt, "value": value, "signed": signing.TimestampSigner(SECRET, salt=salt).sign(value)})

for obj, salt, compress in [
    ({"a": 1, "b": [1, 2, 3], "c": None, "d": True, "e": "x"}, "django.core.signing", False),
    ({"name": "Zoë", "emoji": "😀", "quote": "\"<&>'"}, "django.core.signing", False),
    ([1, 2.5, "three"], "my.salt", False),
    ({"long": "spam " * 40, "n": list(range(30))}, "django.core.signing", True),
    ({"short": 1}, "django.core.signing", True),
    ("just a string", "django.core.signing", False),
]:
    cases["dumps"].append({"value": obj, "salt": salt, "compress": compress, "signed": signing.dumps(obj, salt=salt, compress=compress)})

for name, value, salt in [("color", "blue", ""), ("color", "blue", "extra"), ("user", "42:admin", "")]:
    cases["cookies"].append({"name": name, "value": value, "salt": salt, "signed": signing.get_cookie_signer(salt=name + salt).sign(value)})

for data in [
    {"count": 3, "cart": [1, 2, 3], "user": {"name": "Zoë", "admin": False}},
    {"_session_expiry": 600, "note": "x" * 300},
    {},
]:
    cases["sessions"].append({
        "data": data,
        "db": DbStore().encode(data),
        "signed_cookies": signing.dumps(data, compress=True, salt="django.contrib.sessions.backends.signed_cookies", serializer=CookieStore().serializer),
    })

request = HttpRequest()
request.COOKIES = {}
storage = CookieStorage(request)
for messages in [
    [Message(25, "Saved."), Message(40, "Oops", extra_tags="urgent")],
    [Message(20, mark_safe("<b>bold</b>")), Message(30, "Zoë ☕")],
    [Message(20, "Repeated message %d" % i) for i in range(20)],
]:
    cases["messages"].append({
        "messages": [[m.level, str(m.message), m.extra_tags or "", 1 if hasattr(m.message, "__html__") else 0] for m in messages],
        "cookie": storage._encode(messages),
    })

print(json.dumps(cases, indent=1, ensure_ascii=False))
