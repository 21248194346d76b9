#!/usr/bin/python3
"""Django's formsets, for FormSetTests.

Run with Debian's python3-django (3.2.25): `/usr/bin/python3 django_formsets.py > django_formsets.json`.
Django 3.2's counting (total/initial forms, extra, max_num, min_num, absolute_max), management form inputs,
empty extra forms, DELETE and ORDER fields and the missing-management-form message are 5.2's; the too-many and
too-few messages changed in 4.0 ("Please submit at most %d forms."), so the script records only their codes.
"""
import json

import django
from django.conf import settings

settings.configure(USE_I18N=False)
django.setup()

from django import forms  # noqa: E402


class ArticleForm(forms.Form):
    title = forms.CharField(max_length=20)
    pub_date = forms.DateField(required=False)


def describe(fs):
    valid = fs.is_valid()
    return {
        "valid": valid,
        "total": fs.total_form_count(),
        "initial": fs.initial_form_count(),
        "errors": [json.loads(e.as_json()) if hasattr(e, "as_json") else {} for e in fs.errors],
        "non_form": [{"message": e.message % (e.params or {}) if e.params else e.message, "code": e.code} for e in fs.non_form_errors().as_data()],
        "cleaned": [{k: str(v) for k, v in cd.items()} for cd in fs.cleaned_data] if valid else None,
        "deleted": [f.prefix for f in fs.deleted_forms] if valid and fs.can_delete else [],
    }


out = {}
Plain = forms.formset_factory(ArticleForm, extra=1)
unbound = Plain(initial=[{"title": "One"}, {"title": "Two"}])
out["unbound"] = {
    "total": unbound.total_form_count(), "initial": unbound.initial_form_count(),
    "management": [str(unbound.management_form[n]) for n in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS")],
    "first_title": str(unbound.forms[0]["title"]), "extra_title": str(unbound.forms[2]["title"]),
}
data = {"form-TOTAL_FORMS": "3", "form-INITIAL_FORMS": "2", "form-MIN_NUM_FORMS": "0", "form-MAX_NUM_FORMS": "1000",
        "form-0-title": "One", "form-0-pub_date": "2026-01-02", "form-1-title": "Two", "form-2-title": ""}
out["valid"] = describe(Plain(data))
bad = dict(data, **{"form-1-title": "", "form-2-pub_date": "nope"})
out["invalid"] = describe(Plain(bad))
out["missing_management"] = describe(Plain({"form-0-title": "x"}))
Deletable = forms.formset_factory(ArticleForm, extra=1, can_delete=True, can_order=True)
out["delete"] = describe(Deletable(dict(data, **{"form-1-title": "", "form-1-DELETE": "on", "form-0-ORDER": "2"})))
out["delete_fields"] = [str(Deletable().forms[0]["DELETE"]), str(Deletable().forms[0]["ORDER"])]
Limited = forms.formset_factory(ArticleForm, extra=0, max_num=1, validate_max=True, min_num=1, validate_min=True)
out["too_many"] = describe(Limited(dict(data)))
out["too_few"] = describe(Limited({"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0", "form-0-title": ""}))
out["limited_unbound_total"] = Limited().total_form_count()
print(json.dumps(out, indent=1, ensure_ascii=False))
