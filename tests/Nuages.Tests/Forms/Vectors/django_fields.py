#!/usr/bin/python3
"""Django's form fields cleaning values, for FieldTests.

Run with Debian's python3-django (3.2.25): `/usr/bin/python3 django_fields.py > django_fields.json`.
Django 3.2 cleans these cases as Django 5.2 does: the fields' to_python and validate, the validators and every
message below are unchanged since 3.2 (Debian's 3.2.25 carries the security fixes that gave EmailField its 320
characters and GenericIPAddressField its 39). Left out because they differ: URLField without a scheme (5.x
assumes http with a warning, 6.0 https) and IntegerField's step_size (4.1+).
Each case: the field (its class and options), the value given, and either the clean value (typed) or the errors
(message and code, in order).
"""
import datetime
import decimal
import json
import uuid

import django
from django.conf import settings

settings.configure(USE_TZ=True, TIME_ZONE="UTC", USE_I18N=False)
django.setup()

from django import forms  # noqa: E402
from django.core.exceptions import ValidationError  # noqa: E402


def typed(value):
    if value is None:
        return {"type": "none"}
    if isinstance(value, bool):
        return {"type": "bool", "value": value}
    if isinstance(value, int):
        return {"type": "int", "value": value}
    if isinstance(value, float):
        return {"type": "float", "value": repr(value)}
    if isinstance(value, decimal.Decimal):
        return {"type": "decimal", "value": str(value)}
    if isinstance(value, datetime.datetime):
        return {"type": "datetime", "value": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"type": "date", "value": value.isoformat()}
    if isinstance(value, datetime.time):
        return {"type": "time", "value": value.isoformat()}
    if isinstance(value, datetime.timedelta):
        return {"type": "duration", "value": str(value.total_seconds())}
    if isinstance(value, uuid.UUID):
        return {"type": "uuid", "value": str(value)}
    if isinstance(value, list):
        return {"type": "list", "value": value}
    if isinstance(value, str) and not isinstance(value, forms.fields.JSONString) if hasattr(forms.fields, "JSONString") else isinstance(value, str):
        return {"type": "str", "value": value}
    return {"type": "json", "value": json.dumps(value)}


CHOICES = [("r", "Red"), ("g", "Green"), ("Shades", [("dk", "Dark"), ("lt", "Light")]), (1, "One")]

CASES = [
    ("CharField", {}, ["hello", "  padded  ", "", None, "a\x00b", 42]),
    ("CharField", {"required": False}, ["", None, "  "]),
    ("CharField", {"max_length": 5, "min_length": 2}, ["abcde", "abcdef", "a", "  ab  "]),
    ("CharField", {"max_length": 1}, ["ab"]),
    ("CharField", {"min_length": 1, "required": False}, ["", "x"]),
    ("CharField", {"strip": False}, ["  x  "]),
    ("CharField", {"required": False, "empty_value": None}, ["", "  "]),
    ("EmailField", {}, ["user@example.com", "  user@example.com ", "user@localhost", "user@[127.0.0.1]", "user@[::1]", "a@b", "a@b.c",
                        "not-an-email", "@example.com", "user@", "user@exa_mple.com", "user@-example.com", "\"quoted user\"@example.com",
                        "us..er@example.com", "user@bücher.de", "x" * 310 + "@example.com", "user@example.com\n"]),
    ("URLField", {}, ["http://example.com", "https://example.com/path?q=1#frag", "ftp://files.example.com/", "http://localhost:8000/",
                      "http://127.0.0.1/", "http://[::1]:8080/", "http://[::zz]/", "mailto:x@example.com", "http://", "http://-bad.com",
                      "http://bücher.de/", "http://user:pass@example.com/", "http://example.com/a b", "http://exa mple.com", "http://[::1"]),
    ("SlugField", {}, ["a-slug_1", "not a slug", "ünicode"]),
    ("SlugField", {"allow_unicode": True}, ["ünicode-slug", "not a slug"]),
    ("RegexField", {"regex": r"^\d{3}-\d{4}$"}, ["555-1234", "5551234", " 555-1234"]),
    ("IntegerField", {}, ["42", " 42 ", "-7", "+3", "42.0", "42.5", "4_2", "abc", "", None, "1e3", 42]),
    ("IntegerField", {"max_value": 10, "min_value": 1}, ["10", "11", "0", "5"]),
    ("FloatField", {}, ["1.5", " 2 ", "1e3", "abc", "inf", "nan", "-0.5", "1_000.5", ""]),
    ("FloatField", {"max_value": 1.5}, ["1.5", "1.6"]),
    ("DecimalField", {"max_digits": 5, "decimal_places": 2}, ["123.45", "1234.5", "123.456", "0.05", "1e2", "abc", "NaN", "Infinity", "-1.50", "0.001", "00123.45"]),
    ("DecimalField", {"max_digits": 3, "decimal_places": 0}, ["123", "1234", "1.5"]),
    ("DecimalField", {"min_value": decimal.Decimal("0.5")}, ["0.4", "0.5"]),
    ("BooleanField", {}, ["on", "true", "True", "false", "False", "0", "1", "", None, True, False]),
    ("BooleanField", {"required": False}, ["false", "", "yes"]),
    ("NullBooleanField", {}, ["true", "True", "1", "false", "0", "2", "3", "", None, "maybe"]),
    ("ChoiceField", {"choices": CHOICES}, ["r", "dk", "1", "x", "", None]),
    ("ChoiceField", {"choices": CHOICES, "required": False}, ["", "zz"]),
    ("TypedChoiceField", {"choices": [(1, "One"), (2, "Two")], "coerce": int}, ["1", "2", "3", ""]),
    ("TypedChoiceField", {"choices": [("1", "One"), ("x", "Bad")], "coerce": int, "required": False, "empty_value": None}, ["", "x", "1"]),
    ("MultipleChoiceField", {"choices": CHOICES}, [["r", "g"], ["r", "x"], [], "r", None, ["1", "lt"]]),
    ("MultipleChoiceField", {"choices": CHOICES, "required": False}, [[], None]),
    ("DateField", {}, ["2006-10-25", "10/25/2006", "10/25/06", "Oct 25 2006", "Oct 25, 2006", "25 Oct 2006", "25 October, 2006",
                       "October 25 2006", " 2006-10-25 ", "2006-13-01", "2006-02-30", "25/10/2006", "", "2006-10-25 14:30"]),
    ("TimeField", {}, ["14:30", "14:30:59", "14:30:59.5", "14:30:59.123456", "2:30", "25:00", "14:30 PM", ""]),
    ("DateTimeField", {}, ["2006-10-25 14:30:59", "2006-10-25 14:30", "2006-10-25T14:30:59", "2006-10-25T14:30:59Z", "2006-10-25T14:30:59+02:00",
                           "2006-10-25 14:30:59.000200", "10/25/2006 14:30", "10/25/06 14:30:59", "2006-10-25", "10/25/2006",
                           "2006-10-25 25:00", "garbage", ""]),
    ("DurationField", {}, ["30", "15:30", "10:15:30", "1 10:15:30", "1 day, 10:15:30", "-1 day, 10:15:30", "2 days", "P4DT1H15M20S", "-P1D",
                           "PT5M", "1 10:15:30.5", "3 days 04:05:06", "abc", "1000000000 00:00:00", ""]),
    ("UUIDField", {}, ["550e8400-e29b-41d4-a716-446655440000", "550E8400E29B41D4A716446655440000", "{550e8400-e29b-41d4-a716-446655440000}",
                       "urn:uuid:550e8400-e29b-41d4-a716-446655440000", "550e8400", "zz0e8400-e29b-41d4-a716-446655440000", ""]),
    ("JSONField", {}, ['{"a": 1}', "[1, 2]", "3", '"text"', "null", "true", "{bad", "", " "]),
    ("JSONField", {"required": False}, ["", "null"]),
    ("GenericIPAddressField", {}, ["127.0.0.1", " 10.0.0.1 ", "256.1.1.1", "01.2.3.4", "::1", "2001:0DB8::0001", "::ffff:10.10.10.10", "fe80::1%eth0",
                                   "1:2:3:4:5:6:7:8:9", "abc", "", "2001:db8:" + "0:" * 20 + "1"]),
    ("GenericIPAddressField", {"protocol": "IPv4"}, ["127.0.0.1", "::1"]),
    ("GenericIPAddressField", {"protocol": "IPv6"}, ["::1", "127.0.0.1"]),
    ("GenericIPAddressField", {"unpack_ipv4": True}, ["::ffff:10.10.10.10"]),
]


def run(kind, options, value):
    field = getattr(forms, kind)(**options)
    try:
        return {"clean": typed(field.clean(value))}
    except ValidationError as e:
        return {"errors": [{"message": m, "code": x.code} for x in e.error_list for m in x]}


cases = []
for kind, options, values in CASES:
    shown = {k: (v if not callable(v) else v.__name__) for k, v in options.items()}
    if "choices" in shown:
        shown["choices"] = [[c[0], c[1]] for c in options["choices"]]
    if "min_value" in shown and isinstance(shown["min_value"], decimal.Decimal):
        shown["min_value"] = str(shown["min_value"])
    for value in values:
        cases.append({"field": kind, "options": shown, "value": value, **run(kind, options, value)})

print(json.dumps(cases, indent=1, ensure_ascii=False))
