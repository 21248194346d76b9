#!/usr/bin/python3
"""Django's page-cache and fragment-cache keys, for CacheKeysTests.

Run with Debian's python3-django (3.2.x): `/usr/bin/python3 django_cache_keys.py > django_cache_keys.json`.
Django 3.2 makes these keys as Django 5.2 does: django/utils/cache.py's _generate_cache_key,
_generate_cache_header_key, _i18n_cache_key_suffix and learn_cache_key (Accept-Language dropped from the header list
when USE_I18N), and django/core/cache/utils.py's make_template_fragment_key (md5 over each value and a colon, since
3.1) are unchanged between 3.2 and 5.2. Debian's 3.2.25 carries the 2026 security fixes of the page cache
(CVE-2026-113593: a header named by Vary but absent from the request hashes as the marker "-," so it never shares a
key with the same header sent empty), as the supported Django releases do.
"""
import json

import django
from django.conf import settings

settings.configure(
    SECRET_KEY="django-insecure-cache-keys",
    ALLOWED_HOSTS=["testserver", "example.com"],
    USE_TZ=True,
    USE_I18N=True,
    LANGUAGE_CODE="en-us",
    TIME_ZONE="UTC",
    CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
)
django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.cache.utils import make_template_fragment_key  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.utils.cache import get_cache_key, learn_cache_key  # noqa: E402

PAGE_CASES = [
    {"path": "/books/", "query": "", "headers": {}, "vary": None, "method": "GET", "prefix": None, "settings": {}},
    {"path": "/books/", "query": "page=2&q=caf%C3%A9", "headers": {}, "vary": None, "method": "GET", "prefix": None, "settings": {}},
    {"path": "/books/", "query": "", "headers": {"HTTP_ACCEPT_ENCODING": "gzip", "HTTP_COOKIE": "sessionid=abc"},
     "vary": "Cookie, Accept-Encoding", "method": "GET", "prefix": None, "settings": {}},
    {"path": "/books/", "query": "", "headers": {"HTTP_ACCEPT_LANGUAGE": "fr", "HTTP_X_VARIANT": "b"},
     "vary": "Accept-Language,X-Variant", "method": "GET", "prefix": "site1", "settings": {}},
    {"path": "/books/", "query": "", "headers": {"HTTP_ACCEPT_LANGUAGE": "fr"},
     "vary": "Accept-Language", "method": "GET", "prefix": "", "settings": {"USE_I18N": False}},
    {"path": "/books/", "query": "", "headers": {"HTTP_X_VARIANT": ""}, "vary": "X-Variant", "method": "GET", "prefix": "", "settings": {}},
    {"path": "/books/", "query": "", "headers": {}, "vary": "X-Variant", "method": "GET", "prefix": "", "settings": {}},
    {"path": "/caf\u00e9/", "query": "", "headers": {}, "vary": "*", "method": "HEAD", "prefix": "", "settings": {}},
    {"path": "/books/", "query": "", "headers": {"HTTP_HOST": "example.com"}, "vary": None, "method": "GET", "prefix": "",
     "settings": {"LANGUAGE_CODE": "fr", "TIME_ZONE": "Europe/Paris"}},
]

FRAGMENT_CASES = [
    ["sidebar", []],
    ["sidebar", ["alice"]],
    ["sidebar", ["alice", 42, None, True]],
    ["menu.top", ["caf\u00e9", "a:b"]],
]


def page(case):
    factory = RequestFactory()
    make = factory.head if case["method"] == "HEAD" else factory.get
    path = case["path"] + ("?" + case["query"] if case["query"] else "")
    with override_settings(**case["settings"]):
        cache.clear()
        request = make(path, **case["headers"])
        before = get_cache_key(request, key_prefix=case["prefix"])
        response = HttpResponse("page")
        if case["vary"] is not None:
            response["Vary"] = case["vary"]
        learned = learn_cache_key(request, response, 60, key_prefix=case["prefix"])
        header_key = [k for k in cache._cache.keys()][0].split(":", 2)[2]
        headers = cache.get(header_key)
        found = get_cache_key(request, key_prefix=case["prefix"], method=case["method"])
        return dict(case, absolute_uri=request.build_absolute_uri(), before=before, learned=learned,
                    header_key=header_key, header_list=headers, found=found)


print(json.dumps({
    "pages": [page(c) for c in PAGE_CASES],
    "fragments": [{"name": n, "vary_on": v, "key": make_template_fragment_key(n, v)} for n, v in FRAGMENT_CASES],
}, indent=1, ensure_ascii=False))
