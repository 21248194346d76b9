#!/usr/bin/python3
"""Django's answers for database functions, ordering with NULLs and negation, for FunctionTests.

Run with Debian's python3-django (3.2.x): `/usr/bin/python3 django_functions.py > django_functions.json`.
Django 3.2 and 5.2 give the same values for every case here (the functions and their SQLite implementations are
unchanged in what these cases touch). The answers are Django's on SQLite; each case here also holds on PostgreSQL,
where the engines agree — cases where Django's own answers differ by engine (case folding of non-ASCII text,
Greatest with NULL) are asserted separately in the tests. Decimals are written as text, datetimes in ISO 8601.
"""
import datetime
import decimal
import json

import django
from django.conf import settings

settings.configure(
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
    # The model joins an installed app so that Django sets it up fully.
    INSTALLED_APPS=["django.contrib.contenttypes"],
    USE_TZ=True,
    TIME_ZONE="UTC",
)
django.setup()

from django.db import connection, models  # noqa: E402
from django.db.models import F, Value, CharField, FloatField  # noqa: E402
from django.db.models.functions import (  # noqa: E402
    Abs, Cast, Ceil, Coalesce, Concat, ExtractDay, ExtractHour, ExtractIsoWeekDay, ExtractIsoYear, ExtractMonth,
    ExtractQuarter, ExtractWeek, ExtractWeekDay, ExtractYear, Floor, Greatest, Least, Left, Length, Lower, LPad, LTrim,
    Mod, NullIf, Power, Replace, Right, Round, RPad, RTrim, Sqrt, StrIndex, Substr, Trim, TruncDate, TruncDay, TruncHour,
    TruncMonth, TruncQuarter, TruncWeek, TruncYear, Upper,
)


class FnRow(models.Model):
    name = models.CharField(max_length=50)
    nick = models.CharField(max_length=50, null=True)
    pages = models.IntegerField()
    rating = models.FloatField(null=True)
    price = models.DecimalField(max_digits=6, decimal_places=2)
    born = models.DateField()
    joined = models.DateTimeField()

    class Meta:
        app_label = "contenttypes"


with connection.schema_editor() as editor:
    editor.create_model(FnRow)

UTC = datetime.timezone.utc
# FunctionTests.Seed makes the same rows in the same order.
FnRow.objects.create(name="Émile Zola", nick=None, pages=120, rating=4.5, price=decimal.Decimal("12.50"),
                     born=datetime.date(1840, 4, 2), joined=datetime.datetime(2021, 3, 15, 10, 30, 45, tzinfo=UTC))
FnRow.objects.create(name="ada lovelace", nick="Ada", pages=7, rating=None, price=decimal.Decimal("3.00"),
                     born=datetime.date(1815, 12, 10), joined=datetime.datetime(2022, 12, 31, 23, 59, 59, tzinfo=UTC))
FnRow.objects.create(name="  Grace  ", nick="", pages=-15, rating=2.25, price=decimal.Decimal("99.99"),
                     born=datetime.date(1906, 12, 9), joined=datetime.datetime(2020, 2, 29, 0, 0, 0, tzinfo=UTC))

R = FnRow.objects


def plain(value):
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def column(expression):
    return [plain(v) for v in R.annotate(v=expression).order_by("id").values_list("v", flat=True)]


cases = {
    "length": column(Length("name")),
    "concat": column(Concat("name", Value("/"), "nick")),
    "substr": column(Substr("name", 2, 3)),
    "substr_to_end": column(Substr("name", 4)),
    "left": column(Left("name", 3)),
    "right": column(Right("name", 4)),
    "trim": column(Trim("name")),
    "ltrim": column(LTrim("name")),
    "rtrim": column(RTrim("name")),
    "replace": column(Replace("name", Value("a"), Value("4"))),
    "replace_remove": column(Replace("name", Value(" "))),
    "strindex": column(StrIndex("name", Value("a"))),
    "lpad": column(LPad("nick", 5, Value("*"))),
    "rpad_cut": column(RPad("name", 4)),
    "lower_ascii": column(Lower("nick")),
    "upper_ascii": column(Upper("nick")),
    "coalesce_fields": column(Coalesce("nick", "name")),
    "nullif": column(NullIf("nick", Value(""))),
    "greatest": column(Greatest("pages", Value(10))),
    "least": column(Least("pages", Value(10))),
    "abs": column(Abs("pages")),
    "ceil": column(Ceil("rating")),
    "floor": column(Floor("rating")),
    "round": column(Round("rating")),
    "mod": column(Mod("pages", Value(4))),
    "power": column(Power("pages", Value(2))),
    "sqrt": column(Sqrt(Abs("pages"))),
    "negate": column(-F("pages")),
    "cast_text": column(Cast("pages", CharField())),
    "cast_float": column(Cast("price", FloatField())),
    "extract_year": column(ExtractYear("born")),
    "extract_month": column(ExtractMonth("joined")),
    "extract_quarter": column(ExtractQuarter("joined")),
    "extract_week": column(ExtractWeek("joined")),
    "extract_week_day": column(ExtractWeekDay("joined")),
    "extract_iso_week_day": column(ExtractIsoWeekDay("joined")),
    "extract_iso_year": column(ExtractIsoYear("joined")),
    "extract_day": column(ExtractDay("born")),
    "extract_hour": column(ExtractHour("joined")),
    "trunc_month": column(TruncMonth("joined")),
    "trunc_year_date": column(TruncYear("born")),
    "trunc_quarter": column(TruncQuarter("joined")),
    "trunc_week": column(TruncWeek("joined")),
    "trunc_day": column(TruncDay("joined")),
    "trunc_hour": column(TruncHour("joined")),
    "trunc_date": column(TruncDate("joined")),
    "order_nulls_first": list(R.order_by(F("rating").asc(nulls_first=True)).values_list("pages", flat=True)),
    "order_nulls_last": list(R.order_by(F("rating").desc(nulls_last=True)).values_list("pages", flat=True)),
    "order_by_function": list(R.order_by(Length("name").desc()).values_list("pages", flat=True)),
    "filter_on_function": list(R.alias(n=Length("name")).filter(n__gt=9).order_by("id").values_list("pages", flat=True)),
    "values_function": [[v["name"], v["n"]] for v in R.values("name").annotate(n=Length("name")).order_by("id")],
    "update_function": R.filter(nick="Ada").update(nick=Upper("nick"), pages=Abs(F("pages") - 100)),
    "after_update": [list(r) for r in R.order_by("id").values_list("nick", "pages")],
}

print(json.dumps(cases, indent=1, sort_keys=True, ensure_ascii=False))
