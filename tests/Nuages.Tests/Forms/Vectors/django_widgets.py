#!/usr/bin/python3
"""Django's widgets rendered, for RenderingTests.

Run with Debian's python3-django (3.2.25): `/usr/bin/python3 django_widgets.py > django_widgets.json`.
The widget templates these use (input, attrs, textarea, select, select_option, checkbox) and BoundField's label_tag
and ErrorList's <ul class="errorlist"> are unchanged from 3.2 to 5.2 for these cases: no help text (5.0 adds
aria-describedby for it) and no errors on the widget (5.0 adds aria-invalid), which the tests check apart.
"""
import datetime
import decimal
import json

import django
from django.conf import settings

settings.configure(USE_TZ=True, TIME_ZONE="UTC", USE_I18N=False)
django.setup()

from django import forms  # noqa: E402


class Everything(forms.Form):
    name = forms.CharField(max_length=100)
    nick = forms.CharField(required=False, min_length=2, widget=forms.TextInput(attrs={"class": "wide", "placeholder": "A & B"}))
    bio = forms.CharField(widget=forms.Textarea)
    email = forms.EmailField()
    site = forms.URLField(required=False)
    age = forms.IntegerField(min_value=0, max_value=150)
    ratio = forms.FloatField()
    price = forms.DecimalField(decimal_places=2)
    agree = forms.BooleanField()
    maybe = forms.NullBooleanField()
    color = forms.ChoiceField(choices=[("r", "Red"), ("g", "Green"), ("Shades", [("dk", "Dark"), ("lt", "Light")])])
    tags = forms.MultipleChoiceField(choices=[("a", "Alpha"), ("b", "Beta")], required=False)
    born = forms.DateField()
    at = forms.DateTimeField(required=False)
    alarm = forms.TimeField(required=False)
    secret = forms.CharField(widget=forms.PasswordInput)
    token = forms.CharField(widget=forms.HiddenInput, required=False)
    locked = forms.CharField(disabled=True, initial="fixed")


def render(form):
    return {name: {"widget": str(form[name]), "label_tag": form[name].label_tag()} for name in form.fields}


unbound = Everything(initial={"name": "Ann <b>", "age": 30, "color": "dk", "tags": ["a", "b"], "agree": True,
                              "born": datetime.date(2006, 10, 25), "at": datetime.datetime(2006, 10, 25, 14, 30, tzinfo=datetime.timezone.utc),
                              "price": decimal.Decimal("1.50"), "maybe": False, "alarm": datetime.time(7, 5)})
bound = Everything({"name": "Bob \"quoted\"", "nick": "x", "bio": "line 1\nline 2 <i>", "email": "bob@example.com", "age": "200", "ratio": "0.5",
                    "price": "3.333", "maybe": "true", "color": "g", "tags": ["b"], "born": "2006-10-25", "secret": "hunter2", "token": "t"})
bound.is_valid()
out = {
    "unbound": render(unbound),
    "bound": render(bound),
    "errors": {name: str(errors) for name, errors in bound.errors.items()},
    "unbound_no_required": render(Everything(use_required_attribute=False)),
    "prefixed": render(Everything(prefix="p", auto_id="f_%s")),
    "no_id": render(Everything(auto_id=False)),
}
print(json.dumps(out, indent=1, ensure_ascii=False))
