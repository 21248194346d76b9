#!/usr/bin/python3
"""Django's ClearableFileInput (a FileField's widget) rendered and cleaned, for FileSystemStorageTests.

Run with Debian's python3-django (3.2.25): `/usr/bin/python3 django_clearable.py > django_clearable.json`.
The widget's template (django/forms/widgets/clearable_file_input.html), its value_from_datadict and FileField's
clean(data, initial) are Django 5.2's for these cases.
"""
import json

import django
from django.conf import settings

settings.configure(USE_I18N=False)
django.setup()

from django import forms  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.utils.datastructures import MultiValueDict  # noqa: E402


class Stored:
    """What a model's FileField gives a form: a name and a URL."""

    def __init__(self, name, url):
        self.name, self.url = name, url

    def __str__(self):
        return self.name


class Optional(forms.Form):
    doc = forms.FileField(required=False)


class Required(forms.Form):
    doc = forms.FileField()


class Locked(forms.Form):
    doc = forms.FileField(required=False, disabled=True)


STORED = Stored("avatars/ann <1>.png", "/media/avatars/ann%20%3C1%3E.png")


def cleaned(form):
    if form.is_valid():
        value = form.cleaned_data["doc"]
        return {"valid": True, "value": "false" if value is False else "none" if value is None else "initial" if value is STORED else "upload:" + value.name}
    return {"valid": False, "errors": form.errors["doc"]}


def upload():
    return MultiValueDict({"doc": [SimpleUploadedFile("new.txt", b"hello")]})


out = {
    "render": {
        "optional_initial": str(Optional(initial={"doc": STORED})["doc"]),
        "required_initial": str(Required(initial={"doc": STORED})["doc"]),
        "optional_empty": str(Optional()["doc"]),
        "required_empty": str(Required()["doc"]),
        "disabled_initial": str(Locked(initial={"doc": STORED})["doc"]),
        "prefixed_initial": str(Optional(prefix="p", initial={"doc": STORED})["doc"]),
    },
    "clean": {
        "optional_clear": cleaned(Optional({"doc-clear": "on"}, initial={"doc": STORED})),
        "optional_clear_and_upload": cleaned(Optional({"doc-clear": "on"}, upload(), initial={"doc": STORED})),
        "optional_nothing": cleaned(Optional({}, initial={"doc": STORED})),
        "optional_upload": cleaned(Optional({}, upload(), initial={"doc": STORED})),
        "required_clear": cleaned(Required({"doc-clear": "on"}, initial={"doc": STORED})),
        "required_clear_no_initial": cleaned(Required({"doc-clear": "on"})),
        "required_clear_and_upload": cleaned(Required({"doc-clear": "on"}, upload(), initial={"doc": STORED})),
    },
    "omitted": {
        "nothing": Optional.base_fields["doc"].widget.value_omitted_from_data({}, {}, "doc"),
        "clear_only": Optional.base_fields["doc"].widget.value_omitted_from_data({"doc-clear": "on"}, {}, "doc"),
    },
}
print(json.dumps(out, indent=1, sort_keys=True))
