#!/usr/bin/env python3
"""Cross-checks the merged op-schema table against the spec's Operators.md / Operators-ml.md, a
second document written by onnx's gen_doc.py: its index lists every operator with all its since
versions, and its body shows the newest version's signature. Prints the differences; exits 1
when there are any.

    python3 packages/ir/scripts/op-schemas/check_operators_md.py Operators.md Operators-ml.md
"""
from __future__ import annotations

import re
import sys
from typing import Any

from changelog_to_spec import diff, parse, strip
from schema_json import read_entries, sort_key
from build_table import DUMP, SPEC

RE_INDEX_DOMAIN = re.compile(r"^### (ai\.onnx(?:\.[a-z.]+)?)(?: \(default\))?\s*$")
RE_INDEX_ROW = re.compile(r'^\|(?:<sub>experimental</sub> )?<a href="#([^"]+)">[^<]+</a>[^|]*\|(.*)\|')
RE_VERSION_LINK = re.compile(r'<a href="Changelog[^"]*#[^"]*-(\d+)">(\d+)</a>')

# Known, explained differences between the table and the index.
EXPECTED_HISTORY = {
    ("", "Upsample"): [1, 7, 9, 10],  # Upsample-1 is experimental: in Changelog.md, not in the index
}


def merged_table() -> list[dict[str, Any]]:
    merged = {sort_key(e): e for e in read_entries(DUMP)[1]}
    for e in read_entries(SPEC)[1]:
        merged[sort_key(e)] = e
    return [merged[k] for k in sorted(merged)]


def index_versions(path: str) -> dict[tuple[str, str], list[int]]:
    out: dict[tuple[str, str], list[int]] = {}
    domain = None
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("## ") and domain is not None:
                break  # end of the index, start of the operator sections
            m = RE_INDEX_DOMAIN.match(line)
            if m:
                domain = "" if m.group(1) == "ai.onnx" else m.group(1)
                continue
            m = RE_INDEX_ROW.match(line)
            if m and domain is not None:
                name = m.group(1)
                op = name[len(domain) + 1:] if domain and name.startswith(domain + ".") else name
                versions = sorted(int(v) for v, _ in RE_VERSION_LINK.findall(m.group(2)))
                out[(domain, op)] = versions
    return out


def main(paths: list[str]) -> int:
    table = merged_table()
    history: dict[tuple[str, str], list[int]] = {}
    newest: dict[tuple[str, str], dict[str, Any]] = {}
    for e in table:
        key = (e["domain"], e["op"])
        history.setdefault(key, []).append(e["since"])
        newest[key] = e
    problems = 0
    checked_ops = checked_sigs = 0
    for path in paths:
        index = index_versions(path)
        domains = {d for d, _ in index}
        for key, versions in sorted(index.items()):
            checked_ops += 1
            if history.get(key) != versions and history.get(key) != EXPECTED_HISTORY.get(key):
                problems += 1
                print(f"versions of {key}: table {history.get(key)} vs {path} {versions}")
        for key in sorted(k for k in history if k[0] in domains and k not in index):
            problems += 1
            print(f"{key} is in the table but not in {path}")
        for e in parse(path):
            if e.get("signature_missing"):
                continue
            key = (e["domain"], e["op"])
            ref = newest.get(key)
            if ref is None:
                continue  # already reported above
            checked_sigs += 1
            d = diff(strip(e), ref)
            # The docs print float defaults rounded; those differences are expected.
            d = [x for x in d if not (x.startswith("attributes:") and rounded_only(strip(e), ref))]
            if d:
                problems += 1
                print(f"newest {key}:\n  " + "\n  ".join(d))
    print(f"checked {checked_ops} version histories and {checked_sigs} newest signatures: {problems} problems")
    return 1 if problems else 0


def rounded_only(a: dict[str, Any], b: dict[str, Any]) -> bool:
    if len(a["attributes"]) != len(b["attributes"]):
        return False
    for x, y in zip(a["attributes"], b["attributes"]):
        if x[:3] != y[:3] or len(x) != len(y):
            return False
        if len(x) == 4 and x[3] != y[3] and not (x[1] == "FLOAT" and abs(x[3] - y[3]) <= 1e-5 * max(1, abs(y[3]))):
            return False
    return True


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: check_operators_md.py Operators.md [Operators-ml.md]")
    sys.exit(main(sys.argv[1:]))
