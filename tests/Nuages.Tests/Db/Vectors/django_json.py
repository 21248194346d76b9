#!/usr/bin/python3
"""Django's answers for JSONField key transforms and lookups, for JsonFieldTests.

Run with Debian's python3-django (3.2.x): `/usr/bin/python3 django_json.py > django_json.json`. The lookups here
answer the same in Django 3.2 and 5.2 (KeyTransform and its lookups in django/db/models/fields/json.py); values avoid
the SQLite cases later versions changed (booleans, text that looks like a number). Answers are Django's on SQLite;
they hold on PostgreSQL too (jsonb), where contains/contained_by, which Django refuses on SQLite, are asserted apart.
"""
import json

import django
from django.conf import settings

settings.configure(
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
    # The model joins an installed app so that Django sets it up fully.
    INSTALLED_APPS=["django.contrib.contenttypes"],
)
django.setup()

from django.db import connection, models  # noqa: E402


class Doc(models.Model):
    name = models.CharField(max_length=10)
    meta = models.JSONField(null=True)

    class Meta:
        app_label = "contenttypes"


with connection.schema_editor() as editor:
    editor.create_model(Doc)

# JsonFieldTests.Seed makes the same rows in the same order.
Doc.objects.create(name="a", meta={"genre": "fantasy", "awards": ["hugo", "nebula"], "edition": 2, "info": {"pages": 300}, "nick": None})
Doc.objects.create(name="b", meta={"genre": "scifi", "awards": [], "edition": 10})
Doc.objects.create(name="c", meta={"genre": "Fantasy", "edition": 1, "info": {"pages": 120}})
Doc.objects.create(name="d", meta=None)
Doc.objects.create(name="e", meta={})
Doc.objects.create(name="f", meta={"nick": "z", "edition": 3.5})

D = Doc.objects


def names(qs):
    return list(qs.order_by("name").values_list("name", flat=True))


cases = {
    "key_exact": names(D.filter(meta__genre="fantasy")),
    "key_iexact": names(D.filter(meta__genre__iexact="fantasy")),
    "key_icontains": names(D.filter(meta__genre__icontains="ANT")),
    "key_startswith": names(D.filter(meta__genre__startswith="sci")),
    "key_gte": names(D.filter(meta__edition__gte=2)),
    "key_lt": names(D.filter(meta__edition__lt=3)),
    "index": names(D.filter(meta__awards__0="hugo")),
    "nested_gt": names(D.filter(meta__info__pages__gt=200)),
    "has_key": names(D.filter(meta__has_key="info")),
    "has_keys": names(D.filter(meta__has_keys=["genre", "edition"])),
    "has_any_keys": names(D.filter(meta__has_any_keys=["info", "nick"])),
    "nested_has_key": names(D.filter(meta__info__has_key="pages")),
    "key_isnull": names(D.filter(meta__nick__isnull=True)),
    "key_isnotnull": names(D.filter(meta__nick__isnull=False)),
    "key_json_null": names(D.filter(meta__nick=None)),
    "field_isnull": names(D.filter(meta__isnull=True)),
    "field_exact": names(D.filter(meta={})),
    "key_in": names(D.filter(meta__genre__in=["scifi", "Fantasy"])),
    "exclude_key": names(D.exclude(meta__genre="fantasy")),
    "values_key": list(D.order_by("name").values_list("meta__genre", flat=True)),
    "values_object": list(D.order_by("name").values_list("meta__info", flat=True)),
    "values_index": list(D.order_by("name").values_list("meta__awards__1", flat=True)),
    "order_by_key": list(D.filter(meta__has_key="edition").order_by("meta__edition").values_list("name", flat=True)),
}

print(json.dumps(cases, indent=1, sort_keys=True))
