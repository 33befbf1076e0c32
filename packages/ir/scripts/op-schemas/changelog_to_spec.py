#!/usr/bin/env python3
"""Reads operator schemas out of the ONNX spec's Changelog.md / Changelog-ml.md (the files that
onnx's gen_doc.py writes: one section per operator version with Attributes, Inputs, Outputs and
Type Constraints as <dt> lines) and prints them in the entry format of schema_json.py.

This is the tool behind onnx-spec-opset18plus.json, the hand-maintained list of operator versions
that the onnx 1.12 Python package does not know. Typical uses:

  # entries from opset 18 on (default domain) and ai.onnx.ml 4 on, as a readable JSON file:
  python3 changelog_to_spec.py --changelog Changelog.md --changelog-ml Changelog-ml.md \\
      --spec-version 1.22.0 --out new.json
  # self-check of this parser: compare every version both know with the onnx 1.12 dump:
  python3 changelog_to_spec.py --changelog Changelog.md --all --compare onnx-defs-1.12.json

A deprecated version is printed by gen_doc.py without its signature; give --older-changelog
(a Changelog.md of a release from before the deprecation) to take the signature from there.
Float defaults are printed rounded to 5 decimals; when the previous version of the operator has
a default that prints the same, its exact value is kept (see --base).
"""
from __future__ import annotations

import argparse
import ast
import html
import re
import sys
from typing import Any

from schema_json import UNBOUNDED, float32_text, read_entries, sort_key, write_entries

# Where the onnx 1.12 table stops; the spec file starts after these.
FIRST_NEW = {"": 18, "ai.onnx.ml": 4, "ai.onnx.preview.training": 2, "ai.onnx.training": 1, "ai.onnx.preview": 1}

# Changelog.md: "## Version 18 of the default ONNX operator set", "### <a name="Pad-18"></a>**Pad-18**</a>".
# Operators.md (newest version of each operator only): "## ai.onnx.ml", "### <a name="Pad"></a>...".
RE_DOMAIN = re.compile(r"^## Version (\d+) of (?:the default ONNX operator set|the '([^']+)' operator set)")
RE_OP = re.compile(r'^### <a name="([^"]+)-(\d+)"></a>\*\*([^*]+)\*\*(?: \(deprecated\))?</a>')
RE_DOMAIN_OPS = re.compile(r"^## (ai\.onnx(?:\.[a-z.]+)?)(?: \(default\))?\s*$")
RE_OP_OPS = re.compile(r'^### (?:<sub>experimental</sub> )?<a name="([^"]+)"></a><a name="[^"]*">\*\*[^*]+\*\*(?: \(deprecated\))?</a>')
RE_SECTION = re.compile(r"^#### (Version|Attributes|Inputs|Outputs|Type Constraints)(?: \((\S+) - (\S+)\))?\s*$")
RE_SINCE = re.compile(r"has been (available|deprecated) since version (\d+) of")
RE_DT = re.compile(r"^<dt><tt>([^<]+)</tt>(?: \(([^)]*)\))? : (.*)</dt>$")
RE_ATTR = re.compile(r"^(list of )?([a-z_]+?)(?: \((required|default is (.*))\))?$")


def split_top(text: str) -> list[str]:
    """Splits 'tensor(a), map(string, int64)' at commas outside parentheses."""
    out, depth, cur = [], 0, ""
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        out.append(cur.strip())
    return out


def arity(text: str) -> int:
    text = html.unescape(text)
    return UNBOUNDED if text in ("∞", "&#8734;", "inf") else int(text)


def option_of(tags: str | None, where: str) -> str:
    parts = [t.strip() for t in (tags or "").split(",") if t.strip()]
    parts = [t for t in parts if t not in ("differentiable", "non-differentiable")]
    if not parts:
        return "single"
    if parts == ["optional"]:
        return "optional"
    if parts == ["variadic"]:
        return "variadic"
    if parts == ["variadic", "heterogeneous"]:
        return "variadic-heterogeneous"
    raise ValueError(f"{where}: unknown parameter tags {tags!r}")


def parse_float_text(text: str) -> float:
    return float32_text(float(text.strip().strip("()")))


def doc_float_text(value: float) -> str:
    """A float default as gen_doc.py prints it (5 decimals, or exponent form when long)."""
    text = str(round(value, 5))
    return f"({value:e})" if len(text) > 10 else text


def parse_default(kind: str, text: str, where: str) -> Any:
    if kind == "INT":
        return int(text)
    if kind == "FLOAT":
        return parse_float_text(text)
    if kind == "STRING":
        return text
    if kind in ("INTS", "FLOATS", "STRINGS"):
        items = ast.literal_eval(text)
        if not isinstance(items, list):
            raise ValueError(f"{where}: list default {text!r}")
        if kind == "INTS":
            return [int(x) for x in items]
        if kind == "FLOATS":
            return [parse_float_text(str(x)) for x in items]
        return [str(x) for x in items]
    raise ValueError(f"{where}: default for {kind} attribute: {text!r}")


def parse_attr(name: str, rest: str, where: str) -> list[Any]:
    m = RE_ATTR.match(rest)
    if not m:
        raise ValueError(f"{where}: attribute line {rest!r}")
    plural, base, opt, default = m.groups()
    if bool(plural) != base.endswith("s"):  # gen_doc prints INTS as "list of ints", INT as "int"
        raise ValueError(f"{where}: attribute type {rest!r}")
    kind = base.upper()
    row: list[Any] = [name, kind, opt == "required"]
    if default is not None:
        row.append(parse_default(kind, default, f"{where} attribute {name}"))
    return row


def parse(path: str) -> list[dict[str, Any]]:
    """Every operator version in a Changelog.md or Operators.md file. A deprecated version printed
    without its signature is returned with empty lists and signature_missing set."""
    entries: list[dict[str, Any]] = []
    domain: str | None = None
    cur: dict[str, Any] | None = None
    section = ""
    counts: dict[str, tuple[int, int] | None] = {}

    def finish() -> None:
        if cur is None:
            return
        where = f"{cur['domain']}:{cur['op']}-{cur['since']}"
        for kind in ("input", "output"):
            params = cur[kind + "s"]
            rng = counts.get(kind)
            if rng is None:
                n = len(params)
                cur[f"min_{kind}"], cur[f"max_{kind}"] = n, n
            else:
                cur[f"min_{kind}"], cur[f"max_{kind}"] = rng
        if cur["deprecated"] and not cur["type_constraints"] and not cur["inputs"]:
            cur["signature_missing"] = True
        if cur.get("version_seen") is None:
            raise ValueError(f"{where}: no Version section")
        entries.append(cur)

    with open(path, encoding="utf-8") as f:
        for lineno, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            m = RE_DOMAIN.match(line)
            m2 = RE_DOMAIN_OPS.match(line) if m is None else None
            if m or m2:
                finish()
                cur = None
                domain = (m.group(2) or "") if m else ("" if m2.group(1) == "ai.onnx" else m2.group(1))
                continue
            m = RE_OP.match(line)
            m2 = RE_OP_OPS.match(line) if m is None else None
            if m or m2:
                finish()
                if domain is None:
                    raise ValueError(f"{path}:{lineno}: operator before any opset heading")
                # In Operators.md the since version comes from the Version text (0 until then).
                full, since = (m.group(1), int(m.group(2))) if m else (m2.group(1), 0)
                op = full[len(domain) + 1:] if domain and full.startswith(domain + ".") else full
                cur = {
                    "domain": domain, "op": op, "since": since, "deprecated": "(deprecated)" in line,
                    "min_input": 0, "max_input": 0, "min_output": 0, "max_output": 0,
                    "inputs": [], "outputs": [], "type_constraints": [], "attributes": [],
                }
                counts = {}
                section = ""
                continue
            if cur is None:
                continue
            where = f"{path}:{lineno} ({cur['op']}-{cur['since']})"
            if line.startswith("#### "):
                m = RE_SECTION.match(line)
                section = m.group(1) if m else ""  # Examples and the like: nothing to read
                if not m:
                    continue
                if section in ("Inputs", "Outputs") and m.group(2) is not None:
                    counts[section[:-1].lower()] = (arity(m.group(2)), arity(m.group(3)))
                continue
            if section == "Version":
                m = RE_SINCE.search(line)
                if m:
                    if cur["since"] == 0:
                        cur["since"] = int(m.group(2))
                    if int(m.group(2)) != cur["since"]:
                        raise ValueError(f"{where}: since {m.group(2)} != heading {cur['since']}")
                    if (m.group(1) == "deprecated") != cur["deprecated"]:
                        raise ValueError(f"{where}: deprecation mark disagrees with the Version text")
                    cur["version_seen"] = True
                elif "No versioning maintained for experimental ops" in line:
                    cur["version_seen"] = True
                    cur["since"] = cur["since"] or 1
                continue
            if not line.startswith("<dt>"):
                continue
            m = RE_DT.match(line)
            if not m:
                raise ValueError(f"{where}: unparsed line {line!r}")
            name, tags, rest = html.unescape(m.group(1)), m.group(2), html.unescape(m.group(3)).strip()
            if section == "Attributes":
                if tags is not None:
                    raise ValueError(f"{where}: attribute with tags {line!r}")
                cur["attributes"].append(parse_attr(name, rest, where))
            elif section in ("Inputs", "Outputs"):
                cur[section.lower()].append([name, rest, option_of(tags, where)])
            elif section == "Type Constraints":
                cur["type_constraints"].append([name, split_top(rest)])
            else:
                raise ValueError(f"{where}: <dt> outside a known section")
    finish()
    for e in entries:
        e.pop("version_seen", None)
    return entries


SIGNATURE = ("min_input", "max_input", "min_output", "max_output", "inputs", "outputs", "type_constraints")


def strip(e: dict[str, Any]) -> dict[str, Any]:
    keys = ("domain", "op", "since", "deprecated", "min_input", "max_input", "min_output", "max_output",
            "inputs", "outputs", "type_constraints", "attributes")
    return {k: e[k] for k in keys}


def keep_exact_floats(e: dict[str, Any], prev: dict[str, Any] | None) -> None:
    """Replaces a doc-rounded FLOAT default by the previous version's exact one when they print alike."""
    if prev is None:
        return
    old = {a[0]: a for a in prev["attributes"]}
    for a in e["attributes"]:
        o = old.get(a[0])
        if a[1] == "FLOAT" and len(a) == 4 and o is not None and o[1] == "FLOAT" and len(o) == 4:
            if o[3] != a[3] and parse_float_text(doc_float_text(o[3])) == a[3]:
                a[3] = o[3]


def diff(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    out = []
    for k in a:
        if k in ("type_constraints",):
            da = {n: sorted(t) for n, t in a[k]}
            db = {n: sorted(t) for n, t in b[k]}
            if da != db:
                out.append(f"{k}: {da} != {db}")
        elif a[k] != b[k]:
            out.append(f"{k}: {a[k]} != {b[k]}")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--changelog", required=True)
    ap.add_argument("--changelog-ml")
    ap.add_argument("--older-changelog", action="append", default=[],
                    help="Changelog.md of an older release, for signatures of deprecated versions")
    ap.add_argument("--all", action="store_true", help="every version, not only the ones after onnx 1.12")
    ap.add_argument("--base", help="onnx-defs-1.12.json: the versions the spec file need not repeat (errata aside), "
                    "exact float defaults and signatures of deprecated versions")
    ap.add_argument("--compare", help="onnx-defs JSON to compare the overlapping versions with")
    ap.add_argument("--spec-version", default="unknown")
    ap.add_argument("--out")
    args = ap.parse_args()

    entries = parse(args.changelog)
    if args.changelog_ml:
        entries += parse(args.changelog_ml)
    known: list[dict[str, Any]] = []
    if args.base:
        known = read_entries(args.base)[1]
    older: dict[tuple[str, str, int], dict[str, Any]] = {sort_key(e): e for e in known}
    for path in args.older_changelog:
        for e in parse(path):
            if not e.get("signature_missing"):
                older.setdefault(sort_key(e), e)
    fixed = []
    for e in entries:
        if e.get("signature_missing"):
            o = older.get(sort_key(e))
            if o is None:
                # Deprecated on arrival (ai.onnx.ml TreeEnsemble{Classifier,Regressor}-5): the defs keep the
                # previous version's signature, so take that one.
                prev = [x for x in list(older.values()) + entries
                        if x["domain"] == e["domain"] and x["op"] == e["op"] and x["since"] < e["since"]
                        and not x.get("signature_missing")]
                if not prev:
                    raise SystemExit(f"{sort_key(e)} is deprecated without signature; pass --older-changelog or --base")
                o = max(prev, key=lambda x: x["since"])
                print(f"note: {sort_key(e)} has no signature in the Changelog; copied from since {o['since']}",
                      file=sys.stderr)
            e = dict(o, deprecated=True, since=e["since"])
        fixed.append(strip(e))
    entries = fixed
    errata: list[str] = []
    if not args.all:
        base = {sort_key(e): e for e in known}
        kept = []
        for e in entries:
            b = base.get(sort_key(e))
            if e["since"] >= FIRST_NEW.get(e["domain"], 1):
                kept.append(e)
            elif b is not None and diff({k: e[k] for k in SIGNATURE}, b):
                # The spec fixed an old version after onnx 1.12: keep the fix as an erratum.
                kept.append(e)
                errata.append(f"{e['domain'] or 'ai.onnx'}:{e['op']}-{e['since']}")
        entries = kept

    history = sorted(known + entries, key=sort_key)
    for i, e in enumerate(history):
        prev = history[i - 1] if i > 0 and history[i - 1]["op"] == e["op"] and history[i - 1]["domain"] == e["domain"] else None
        if any(e is x for x in entries):
            keep_exact_floats(e, prev)

    if args.compare:
        ref = {sort_key(e): e for e in read_entries(args.compare)[1]}
        same = differ = 0
        for e in entries:
            r = ref.get(sort_key(e))
            if r is None:
                continue
            d = diff(e, r)
            if d:
                differ += 1
                print(f"DIFF {sort_key(e)}:\n  " + "\n  ".join(d))
            else:
                same += 1
        missing = sorted(set(ref) - {sort_key(e) for e in entries})
        print(f"compared {same + differ}: {same} equal, {differ} differ; in reference only: {missing}")
    if args.out:
        header = {
            "source": f"ONNX spec {args.spec_version}: docs/Changelog.md and docs/Changelog-ml.md",
            "note": "Hand-maintained. Operator versions that the onnx 1.12 Python package lacks "
                    "(ai.onnx opset >= 18, ai.onnx.ml >= 4, ai.onnx.preview). Edit, then rebuild the table "
                    "with build_table.py.",
        }
        if errata:
            header["errata"] = ("Versions older than opset 18 whose signature the spec corrected after onnx 1.12; "
                                "these entries replace the onnx 1.12 ones: " + ", ".join(errata))
        write_entries(args.out, header, entries)
        print(f"wrote {len(entries)} schemas to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
