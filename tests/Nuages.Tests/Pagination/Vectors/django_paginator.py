#!/usr/bin/python3
"""Django's Paginator on lists, for PaginatorTests.

Run with Debian's python3-django (3.2.25): `/usr/bin/python3 django_paginator.py > django_paginator.json`.
Django 3.2's Paginator and Page (validate_number, page, get_page, orphans, allow_empty_first_page,
get_elided_page_range, start_index/end_index) answer these cases as Django 5.2's; 5.x only adds error_messages.
"""
import json

import django
from django.conf import settings

settings.configure(USE_I18N=False)
django.setup()

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator  # noqa: E402

NUMBERS = [1, 2, 3, "2", " 3 ", 0, -1, "x", 2.5, 2.0, 99, None, "1.0"]
SETUPS = [(23, 10, 0, True), (23, 10, 3, True), (21, 10, 1, True), (0, 10, 0, True), (0, 10, 0, False), (10, 10, 0, True), (1, 1, 0, True), (11, 10, 1, True)]


def attempt(call):
    try:
        return {"ok": call()}
    except PageNotAnInteger as e:
        return {"error": "PageNotAnInteger", "message": str(e)}
    except EmptyPage as e:
        return {"error": "EmptyPage", "message": str(e)}


def describe(page):
    return {
        "number": page.number, "items": list(page.object_list), "has_next": page.has_next(), "has_previous": page.has_previous(),
        "has_other_pages": page.has_other_pages(), "start_index": page.start_index(), "end_index": page.end_index(),
        "next": attempt(page.next_page_number), "previous": attempt(page.previous_page_number), "repr": repr(page),
    }


cases = []
for count, per_page, orphans, allow_empty in SETUPS:
    p = Paginator(list(range(1, count + 1)), per_page, orphans=orphans, allow_empty_first_page=allow_empty)
    cases.append({
        "count": count, "per_page": per_page, "orphans": orphans, "allow_empty_first_page": allow_empty,
        "num_pages": p.num_pages, "page_range": list(p.page_range),
        "pages": [{"number": n, "page": attempt(lambda: describe(p.page(n))), "get_page": attempt(lambda: p.get_page(n).number)} for n in NUMBERS],
    })

elided = []
for num_pages, number, on_each_side, on_ends in [(50, 43, 3, 2), (50, 1, 3, 2), (50, 50, 3, 2), (50, 7, 3, 2), (50, 8, 3, 2), (10, 5, 3, 2), (11, 6, 1, 1), (50, 25, 0, 0), (50, 25, 2, 0)]:
    p = Paginator(list(range(num_pages)), 1)
    elided.append({"num_pages": num_pages, "number": number, "on_each_side": on_each_side, "on_ends": on_ends,
                   "range": [x if isinstance(x, int) else str(x) for x in p.get_elided_page_range(number, on_each_side=on_each_side, on_ends=on_ends)]})

print(json.dumps({"cases": cases, "elided": elided}, indent=1, ensure_ascii=False))
