#!/usr/bin/python3
"""Django's forms validating whole submissions, for FormTests.

Run with Debian's python3-django (3.2.25): `/usr/bin/python3 django_forms.py > django_forms.json`.
Django 3.2's full_clean, add_error, clean_<name> hooks, errors.as_json(), changed_data, prefixes and
empty_permitted are Django 5.2's for these cases.
"""
import json

import django
from django.conf import settings

settings.configure(USE_TZ=True, TIME_ZONE="UTC", USE_I18N=False)
django.setup()

from django import forms  # noqa: E402
from django.core.exceptions import ValidationError  # noqa: E402


class SignupForm(forms.Form):
    username = forms.CharField(max_length=12)
    email = forms.EmailField(required=False)
    age = forms.IntegerField(min_value=13, required=False)
    password = forms.CharField(min_length=4)
    confirm = forms.CharField()
    newsletter = forms.BooleanField(required=False)

    def clean_username(self):
        name = self.cleaned_data["username"]
        if name.lower() == "admin":
            raise ValidationError("That name is taken.", code="taken")
        return name.lower()

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("confirm") and data["password"] != data["confirm"]:
            self.add_error("confirm", "The passwords differ.")
            raise ValidationError("Please check the form.", code="check")
        if data.get("newsletter") and not data.get("email"):
            self.add_error(None, ValidationError({"email": ["An email is needed for the newsletter."]}))
        return data


SUBMISSIONS = [
    {"username": "Ann", "email": "ann@example.com", "age": "30", "password": "secret", "confirm": "secret", "newsletter": "on"},
    {"username": "admin", "password": "abc", "confirm": "abd", "age": "12", "email": "nope"},
    {},
    {"username": "  Bob  ", "password": "secret", "confirm": "other", "newsletter": "on"},
    {"username": "averyveryverylongname", "password": "secret", "confirm": "secret", "age": "x"},
]


def describe(form):
    valid = form.is_valid()
    cleaned = {k: v for k, v in getattr(form, "cleaned_data", {}).items()}
    return {
        "valid": valid,
        "errors_json": form.errors.as_json(),
        "errors_text": form.errors.as_text(),
        "non_field": list(form.non_field_errors()),
        "cleaned": cleaned,
        "changed": form.changed_data,
    }


out = {"signup": [dict(data=s, **describe(SignupForm(s))) for s in SUBMISSIONS]}

initial = {"username": "ann", "age": 30, "newsletter": True}
out["changed"] = [
    dict(data=d, changed=SignupForm(d, initial=initial).changed_data, has_changed=SignupForm(d, initial=initial).has_changed())
    for d in [
        {"username": "ann", "age": "30", "newsletter": "on"},
        {"username": "ann", "age": "31", "newsletter": "on"},
        {"username": "ann", "age": "30"},
        {"username": "bob", "age": "", "email": "x@example.com", "newsletter": "on"},
    ]
]

prefixed = SignupForm({"s-username": "Cy", "s-password": "pass", "s-confirm": "pass", "username": "ignored"}, prefix="s")
out["prefixed"] = describe(prefixed)
empty = SignupForm({}, empty_permitted=True, use_required_attribute=False)
out["empty_permitted"] = describe(empty)
print(json.dumps(out, indent=1, ensure_ascii=False))
