#!/usr/bin/python3
"""Django's own time for bench/TemplateBench's page: the same templates (templates/dtl), the same data, rendered by
Django's template engine (Debian's python3-django, 3.2 here; its template language is the one Nuages implements).
Run: /usr/bin/python3 bench/TemplateBench/django_render.py"""
import os
import timeit
from decimal import Decimal

import django
from django.conf import settings

here = os.path.dirname(os.path.abspath(__file__))
settings.configure(
    USE_L10N=True, USE_TZ=False, USE_I18N=False, ROOT_URLCONF=__name__, SECRET_KEY="benchmark-only",
    TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [os.path.join(here, "templates", "dtl")],
                "OPTIONS": {"loaders": [("django.template.loaders.cached.Loader", ["django.template.loaders.filesystem.Loader"])]}}])
django.setup()

from django.http import HttpResponse  # noqa: E402
from django.template.loader import get_template  # noqa: E402
from django.urls import path  # noqa: E402

urlpatterns = [path("items/<int:id>/", lambda request, id: HttpResponse(""), name="item")]

items = [{"id": i, "name": f"widget number {i}", "price": Decimal("9.5") + i * Decimal("1.25"), "in_stock": i % 3 != 0,
          "tags": ["blue", "small", f"t{i}"]} for i in range(1, 21)]
nav = [{"url": "/", "title": "Home"}, {"url": "/shop/", "title": "Shop"}, {"url": "/about/", "title": "About"}]
context = {"title": "Products & prices", "site_name": "nuages shop", "year": 2026, "items": items, "nav": nav, "note": "<prices include tax>"}
page = get_template("page.html")
output = page.render(context)
print(f"Django {django.get_version()} output: {len(output)} chars")
if os.environ.get("DJANGO_PAGE_OUT"):
    open(os.environ["DJANGO_PAGE_OUT"], "w").write(output)
n = 2000
for _ in range(2):
    page.render(context)
runs = sorted(timeit.repeat(lambda: page.render(context), number=n, repeat=3))
print(f"django   {runs[1] / n * 1e6:8.2f} µs/render")
