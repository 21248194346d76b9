#!/usr/bin/env python3
"""Rewrites the table of docs/settings.md from the XML docs of src/Nuages/Conf/Settings.cs.

Run from the repository root: `python3 docs/make_settings_reference.py`. A test checks the table names every setting.
"""
import re

source = open("src/Nuages/Conf/Settings.cs", encoding="utf-8").read()
rows = []
for m in re.finditer(r"((?:    ///.*\n)+)    public (.+?) (\w+) \{ get; set; \}(?: = ([^;]+);)?", source):
    doc = " ".join(line.strip()[3:].strip() for line in m.group(1).splitlines())
    doc = re.sub(r"</?summary>", "", doc).strip()
    doc = re.sub(r'<see cref="(?:[A-Za-z.]*\.)?([A-Za-z]+)"\s*/>', r"`\1`", doc)
    doc = re.sub(r"<c>(.*?)</c>", r"`\1`", doc)
    doc = re.sub(r"<[^>]+>", "", doc).replace("|", "\\|")
    kind = m.group(2)
    default = (m.group(4) or "").strip() or {"bool": "false", "int": "0"}.get(kind, "null")
    if "TimeSpan.From" in default:
        default = default.replace("TimeSpan.FromSeconds(", "").replace(")", " s")
    if re.match(r"^[0-9_]+$", default):
        default = default.replace("_", ",")
    rows.append(f"| `{m.group(3)}` | `{kind.replace('Db.', '')}` | `{default}` | {doc} |")

path = "docs/settings.md"
text = open(path, encoding="utf-8").read()
head = text[: text.index("| Setting | Type | Default | What it does |")]
open(path, "w", encoding="utf-8").write(head + "| Setting | Type | Default | What it does |\n|---|---|---|---|\n" + "\n".join(rows) + "\n")
