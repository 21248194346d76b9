#!/usr/bin/python3
"""Which `next` URLs Django lets a login redirect to, for RedirectSafetyTests.

Run with Debian's python3-django (3.2.25) on Debian's Python 3.11: `/usr/bin/python3 django_redirects.py > django_redirects.json`.
django.utils.http.url_has_allowed_host_and_scheme is 5.2's in 3.2 but for one thing: 3.2 parses with a copy of an old
urllib.parse.urlsplit (django.utils.http._urlsplit), 5.2 with Python's own, which drops tabs and newlines and
strips leading control characters as browsers do. The script gives 3.2 Python's urlsplit, so the answers are 5.2's.
"""
import json

import django
from django.conf import settings

settings.configure(USE_I18N=False)
django.setup()

import urllib.parse  # noqa: E402

import django.utils.http  # noqa: E402
from django.utils.http import url_has_allowed_host_and_scheme  # noqa: E402

django.utils.http._urlparse = urllib.parse.urlsplit  # what 5.2 calls (its result has the scheme and netloc 3.2 reads)

URLS = [
    "/", "/accounts/profile/", "/path?next=http://evil.com", "path/relative", "?q=1", "#frag",
    "http://testserver/ok/", "https://testserver/ok/", "//testserver/ok/", "http://testserver:80/", "HTTP://testserver/",
    "http://evil.com", "https://evil.com/", "//evil.com", "///evil.com", "////evil.com", "/\\evil.com", "\\\\evil.com",
    "\\/evil.com", "/\\/evil.com", "http:evil.com", "http:/evil.com", "http:///evil.com", "https:///testserver/",
    "ftp://testserver/", "javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)", "\x08//evil.com",
    "\x01javascript:alert(1)", "\u0000//evil.com", "\t//evil.com", "\n//evil.com", " //evil.com", "/\t/evil.com",
    "/\n/evil.com", "http://evil.com@testserver/", "http://testserver@evil.com/", "http://testserver\\@evil.com/",
    "http://[::1]/", "http://[", "http://]/", "//[evil.com", "data:text/html,<script>", "mailto:x@testserver",
    "/%2F/evil.com", "/%5Cevil.com", "\u200b//evil.com", "\ufeff//evil.com", "http://testserver.evil.com/",
    "http://TESTSERVER/", "http://testserver./", "", "   ", "http://", "https:", "//", "/ /evil.com", "http://evil.com\\@testserver",
]

rows = []
for url in URLS:
    rows.append({
        "url": url,
        "allowed": url_has_allowed_host_and_scheme(url, allowed_hosts={"testserver"}),
        "allowed_https": url_has_allowed_host_and_scheme(url, allowed_hosts={"testserver"}, require_https=True),
    })
print(json.dumps(rows, indent=1))
