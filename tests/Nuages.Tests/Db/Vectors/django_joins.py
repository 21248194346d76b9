#!/usr/bin/python3
"""Django's answers to queries across multi-valued relations, for JoinSemanticsTests.

Run with Debian's python3-django (3.2.x): `/usr/bin/python3 django_joins.py > django_joins.json`. Django 3.2 and 5.2 give
the same rows for every case here: the join rules (one filter() call shares a multi-valued join, separate calls
join anew, annotate() reuses the filter's join, exclude() tests each lookup with a subquery, JoinPromoter) are
unchanged between them; 5.x only spells exclude's subquery as EXISTS instead of IN. Each case is ordered so that
the answer does not depend on where an engine sorts NULL.
"""
import json

import django
from django.conf import settings

settings.configure(
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
    # The models join an installed app so that Django sets up their reverse relations.
    INSTALLED_APPS=["django.contrib.contenttypes"],
    USE_TZ=True,
)
django.setup()

from django.db import connection, models  # noqa: E402
from django.db.models import Count, F, Q, Sum, Avg, Max  # noqa: E402
from django.db.models.functions import Coalesce  # noqa: E402


class Publisher(models.Model):
    name = models.CharField(max_length=50)
    country = models.CharField(max_length=2)

    class Meta:
        app_label = "contenttypes"


class Author(models.Model):
    name = models.CharField(max_length=50)
    email = models.CharField(max_length=100, null=True)
    publisher = models.ForeignKey(Publisher, models.SET_NULL, null=True, related_name="authors")

    class Meta:
        app_label = "contenttypes"


class Tag(models.Model):
    name = models.CharField(max_length=50)

    class Meta:
        app_label = "contenttypes"


class Book(models.Model):
    title = models.CharField(max_length=50)
    pages = models.IntegerField()
    in_print = models.BooleanField()
    author = models.ForeignKey(Author, models.CASCADE, related_name="books")
    tags = models.ManyToManyField(Tag, related_name="books")

    class Meta:
        app_label = "contenttypes"


class Review(models.Model):
    book = models.ForeignKey(Book, models.CASCADE, related_name="reviews")
    rating = models.IntegerField()

    class Meta:
        app_label = "contenttypes"


with connection.schema_editor() as editor:
    for model in (Publisher, Author, Tag, Book, Review):
        editor.create_model(model)

# The data set: JoinSemanticsTests.Seed makes the same rows in the same order.
ace = Publisher.objects.create(name="Ace", country="US")
gollancz = Publisher.objects.create(name="Gollancz", country="UK")
ursula = Author.objects.create(name="Ursula", email="ursula@example.com", publisher=ace)
octavia = Author.objects.create(name="Octavia", email=None, publisher=ace)
nobody = Author.objects.create(name="Nobody", email=None, publisher=None)
iain = Author.objects.create(name="Iain", email="iain@example.com", publisher=gollancz)
fantasy = Tag.objects.create(name="fantasy")
classic = Tag.objects.create(name="classic")
scifi = Tag.objects.create(name="scifi")
earthsea = Book.objects.create(title="Earthsea", pages=183, in_print=True, author=ursula)
lathe = Book.objects.create(title="Lathe", pages=184, in_print=False, author=ursula)
kindred = Book.objects.create(title="Kindred", pages=264, in_print=True, author=octavia)
dawn = Book.objects.create(title="Dawn", pages=248, in_print=False, author=octavia)
culture = Book.objects.create(title="Culture", pages=400, in_print=True, author=iain)
earthsea.tags.add(fantasy, classic)
lathe.tags.add(scifi)
kindred.tags.add(classic)
dawn.tags.add(scifi, classic)
for book, rating in [(earthsea, 5), (earthsea, 4), (lathe, 3), (kindred, 5), (culture, 2), (culture, 4), (culture, 5)]:
    Review.objects.create(book=book, rating=rating)

A, B, T, P = Author.objects, Book.objects, Tag.objects, Publisher.objects


def names(qs):
    return list(qs.values_list("name", flat=True))


def titles(qs):
    return list(qs.values_list("title", flat=True))


def rows(qs, *fields):
    return [list(r) for r in qs.values_list(*fields)]


cases = {
    # isnull across a reverse ForeignKey and a ManyToMany: LEFT OUTER JOIN, the related key IS NULL
    "reverse_isnull": names(A.filter(books__isnull=True).order_by("name")),
    "m2m_isnull": titles(B.filter(tags__isnull=True).order_by("title")),
    "exclude_reverse_isnull": names(A.exclude(books__isnull=True).order_by("name")),
    "reverse_isnull_false": names(A.filter(books__isnull=False).order_by("name")),
    # exclude on a nullable column keeps the NULL rows
    "exclude_nullable": names(A.exclude(email="iain@example.com").order_by("name")),
    "exclude_q_nullable": names(A.exclude(Q(email__startswith="u")).order_by("name")),
    "negated_q_nullable": names(A.filter(~Q(email__startswith="u")).order_by("name")),
    "exclude_forward_null": titles(B.exclude(author__email=None).order_by("title")),
    "filter_forward_null": titles(B.filter(author__email=None).order_by("title")),
    "exclude_forward_nullable_fk": names(A.exclude(publisher__name="Ace").order_by("name")),
    # aggregates through two multi-valued relations
    "count_two_levels": rows(A.annotate(n=Count("books__reviews")).order_by("name"), "name", "n"),
    "aggregate_two_levels": A.aggregate(n=Count("books__reviews"))["n"],
    "aggregate_reverse": A.aggregate(n=Count("books"))["n"],
    # one filter() call: the same related row; separate calls: any rows
    "same_row": names(A.filter(books__in_print=False, books__pages__gt=200).order_by("name")),
    "same_row_q": names(A.filter(Q(books__in_print=False) & Q(books__pages__gt=200)).order_by("name")),
    "separate_calls": names(A.filter(books__in_print=False).filter(books__pages__gt=200).order_by("name")),
    "same_row_none": names(A.filter(books__title="Earthsea", books__pages=184)),
    "separate_calls_both": names(A.filter(books__title="Earthsea").filter(books__pages=184)),
    # filter() before annotate() restricts what is counted; after, it does not
    "filter_then_count": rows(A.filter(books__in_print=False).annotate(n=Count("books")).order_by("name"), "name", "n"),
    "count_then_filter": rows(A.annotate(n=Count("books")).filter(books__in_print=False).order_by("name"), "name", "n"),
    # several aggregates over different multi-valued relations multiply; distinct is the remedy
    "inflation": rows(B.annotate(t=Count("tags"), r=Count("reviews")).order_by("title"), "title", "t", "r"),
    "inflation_distinct": rows(B.annotate(t=Count("tags", distinct=True), r=Count("reviews", distinct=True)).order_by("title"), "title", "t", "r"),
    "sum_inflated": rows(A.annotate(p=Sum("books__pages"), r=Count("books__reviews")).order_by("name"), "name", "p", "r"),
    # values() then annotate(): names are checked only against the values
    "values_annotate_same_name": rows(B.values("author__publisher__name").annotate(pages=Sum("pages")).order_by("pages"), "author__publisher__name", "pages"),
    # Coalesce around an aggregate, in aggregate()
    "coalesce_sum": B.aggregate(d=Coalesce(Sum("pages"), 0))["d"],
    "coalesce_sum_empty": B.filter(pages__gt=1000).aggregate(d=Coalesce(Sum("pages"), 0))["d"],
    # deeper paths, distinct, exclude across two multi-valued relations
    "two_levels_distinct": names(A.filter(books__reviews__rating=5).distinct().order_by("name")),
    "two_levels_rows": names(A.filter(books__reviews__rating=5).order_by("name")),
    "exclude_two_levels": names(A.exclude(books__reviews__rating=5).order_by("name")),
    "exclude_each_lookup_alone": names(A.exclude(books__title__startswith="D", books__pages__gt=250).order_by("name")),
    "reverse_then_m2m": names(A.filter(books__tags__name="classic").order_by("name")),
    "exclude_reverse_then_m2m": names(A.exclude(books__tags__name="classic").order_by("name")),
    "m2m_by_row": titles(B.filter(tags=classic).order_by("title")),
    "m2m_reverse_then_forward": names(T.filter(books__author__name="Octavia").distinct().order_by("name")),
    "m2m_count": rows(T.annotate(n=Count("books")).order_by("name"), "name", "n"),
    "publisher_two_levels": rows(P.annotate(n=Count("authors__books")).order_by("name"), "name", "n"),
    # OR promotes joins to LEFT OUTER so that rows without related rows can match the other branch
    "or_promotes": names(A.filter(Q(books__in_print=False) | Q(email__isnull=True)).distinct().order_by("name")),
    "or_forward_promotes": names(A.filter(Q(publisher__country="UK") | Q(email=None)).order_by("name")),
    # conditional aggregation across a relation
    "count_filtered": rows(A.annotate(n=Count("books", filter=Q(books__in_print=True))).order_by("name"), "name", "n"),
    "having": names(A.annotate(n=Count("books")).filter(n__gte=2).order_by("name")),
    "count_rows": A.filter(books__pages__gt=200).count(),
    # ordering and values across multi-valued relations: a row per related row
    "order_by_reverse": names(A.filter(books__isnull=False).order_by("books__pages")),
    "order_by_m2m": titles(B.filter(tags__isnull=False).order_by("tags__name", "title")),
    "values_reverse": rows(A.order_by("name", "books__title"), "name", "books__title"),
    "values_m2m": rows(B.order_by("title", "tags__name"), "title", "tags__name"),
    "max_across": rows(A.annotate(m=Max("books__reviews__rating")).filter(m__isnull=False).order_by("name"), "name", "m"),
    "f_across_same_call": titles(B.filter(reviews__rating__gt=F("pages") / 100).distinct().order_by("title")),
    "update_across": B.filter(author__name="Iain").update(pages=F("pages") + 1),
    "after_update": rows(B.order_by("title"), "title", "pages"),
    # delete() answers (total, per model label), ManyToMany links and cascades included
    "delete_m2m": list(B.filter(title="Dawn").delete()),
    "delete_cascade": list(A.filter(name="Iain").delete()),
    "delete_nothing": list(A.filter(name="Nobody at all").delete()),
    "links_left": Book.tags.through.objects.count(),
}

print(json.dumps(cases, indent=1, sort_keys=True))
