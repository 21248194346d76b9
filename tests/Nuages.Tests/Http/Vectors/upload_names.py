#!/usr/bin/env python3
"""Writes upload_names.json: file names as Django keeps them from a multipart upload.

Run with Debian's python3-django (Django 3.2): `/usr/bin/python3 upload_names.py > upload_names.json`.
Django 3.2's MultiPartParser.sanitize_file_name lacks the step current Django (4.2 on, 5.2 included) added:
removing characters str.isprintable() refuses before the '', '.', '..' check. `sanitize_5x` is that
function as Django 5.2 ships it (django/http/multipartparser.py); `UploadedFile._set_name` (the 255
character cut, django/core/files/uploadedfile.py) is called from the installed Django itself.
"""
import html
import json
import sys

import django
from django.core.files.uploadedfile import UploadedFile


def sanitize_5x(file_name):
    file_name = html.unescape(file_name)
    file_name = file_name.rsplit("/")[-1]
    file_name = file_name.rsplit("\\")[-1]
    file_name = "".join([char for char in file_name if char.isprintable()])
    if file_name in {"", ".", ".."}:
        return None
    return file_name


def kept(name):
    name = sanitize_5x(name)
    if name is None:
        return None
    upload = UploadedFile(name=name)  # _set_name: basename, then at most 255 characters keeping the extension
    return upload.name


NAMES = [
    "report.pdf", "..", ".", "..\\..", "../..", "..&#x2F;", "..&#x2F;..&#x2F;etc&#x2F;passwd", "&#x2E;&#x2E;",
    "a\x00b.txt", "\x01\x02evil.sh", "tab\there.txt", "del\x7f.txt", "zero\u200bwidth.txt", "line\u2028sep.txt",
    "nbsp\u00a0name.txt", "dir/evil.txt", "C:\\Users\\x\\y.txt", "C:y.txt", "caf\u00e9 \u65e5\u672c.txt", "&amp;.txt",
    "&#0;x", "&#128;.txt", "&#x110000;.txt", "&#55296;.txt", "&lt;script&gt;.html", "emoji \U0001F600.png", " ", ". .",
    "a" * 300 + ".txt", "b" * 300, "." + "c" * 300, "name." + "e" * 300,
]

print(json.dumps({"django": django.get_version(), "cases": [[n, kept(n)] for n in NAMES]}, ensure_ascii=True, indent=1))
