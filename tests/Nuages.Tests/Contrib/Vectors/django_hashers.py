#!/usr/bin/python3
"""Password hashes made by Django, and Nuages' hashes checked by Django, for HasherTests.

Needs Debian's python3-django (3.2.25), python3-argon2 and python3-bcrypt (apt-get install python3-django
python3-argon2 python3-bcrypt). Run: `/usr/bin/python3 django_hashers.py > django_hashers.json`.

Django 3.2's hashers write the strings Django 5.2's write: the same formats, the same argon2 parameters
(time 2, memory 102400 KiB, parallelism 8) and bcrypt_sha256 (sha256 hex, 12 rounds); only PBKDF2's default
iteration count differs (3.2: 260000; 5.2: 1000000), so the PBKDF2 vectors name their counts, one of them 5.2's.
`nuages_hashes.json` (beside this script) holds hashes Nuages made; each is checked here with Django's
check_password and the answer written under "nuages_checked_by_django".
"""
import json
import os

import django
from django.conf import settings

settings.configure(
    USE_I18N=False,
    PASSWORD_HASHERS=[
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ],
)
django.setup()

from django.contrib.auth.hashers import (  # noqa: E402
    Argon2PasswordHasher, BCryptSHA256PasswordHasher, MD5PasswordHasher, PBKDF2PasswordHasher,
    PBKDF2SHA1PasswordHasher, check_password, identify_hasher, is_password_usable, make_password,
)

PASSWORDS = ["letmein", "", "correct horse battery staple", "pässwörd ✓ 密码", "x" * 100]

vectors = []
for password in PASSWORDS:
    for iterations in (1000, 1000000):
        vectors.append({"password": password, "encoded": PBKDF2PasswordHasher().encode(password, "seasalt12345678901234", iterations)})
    vectors.append({"password": password, "encoded": PBKDF2SHA1PasswordHasher().encode(password, "seasalt12345678901234", 1000)})
    vectors.append({"password": password, "encoded": MD5PasswordHasher().encode(password, "seasalt12345678901234")})
    vectors.append({"password": password, "encoded": BCryptSHA256PasswordHasher().encode(password, BCryptSHA256PasswordHasher().salt())})
for password in PASSWORDS[:3]:
    vectors.append({"password": password, "encoded": Argon2PasswordHasher().encode(password, "seasalt12345678901234")})
# Django's own make_password, with a random salt and its 3.2 defaults
vectors.append({"password": "letmein", "encoded": make_password("letmein")})

for vector in vectors:
    vector["wrong_matches"] = check_password(vector["password"] + "!", vector["encoded"])
    assert check_password(vector["password"], vector["encoded"])

here = os.path.dirname(os.path.abspath(__file__))
checked = []
if os.path.exists(os.path.join(here, "nuages_hashes.json")):
    with open(os.path.join(here, "nuages_hashes.json")) as f:
        for item in json.load(f):
            checked.append({
                "encoded": item["encoded"],
                "password": item["password"],
                "django_accepts": check_password(item["password"], item["encoded"]),
                "django_accepts_wrong": check_password(item["password"] + "!", item["encoded"]),
                "algorithm": identify_hasher(item["encoded"]).algorithm if is_password_usable(item["encoded"]) else None,
            })

print(json.dumps({
    "vectors": vectors,
    "unusable": {"none": is_password_usable(make_password(None)), "prefix": make_password(None)[0], "length": len(make_password(None))},
    "nuages_checked_by_django": checked,
}, indent=1, ensure_ascii=False))
