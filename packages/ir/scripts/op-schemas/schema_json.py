"""Shared helpers for the op-schema data files: the entry format, canonical ordering and JSON writing.

An entry describes one version of one operator (`since` is its since_version):

    {"domain": "", "op": "Resize", "since": 13, "deprecated": false,
     "min_input": 1, "max_input": 4, "min_output": 1, "max_output": 1,
     "inputs": [["X", "T1", "single"], ["roi", "T2", "optional"], ...],
     "outputs": [["Y", "T1", "single"]],
     "type_constraints": [["T1", ["tensor(uint8)", ...]], ["T2", [...]]],
     "attributes": [["mode", "STRING", false, "nearest"], ["axes", "INTS", false]]}

A formal parameter is [name, typeStr, option] with option one of single, optional, variadic
(homogeneous) or variadic-heterogeneous. An attribute is [name, TYPE, required] plus its default
when the schema has a simple one (INT, FLOAT, STRING, INTS, FLOATS, STRINGS). FLOAT defaults are
written as the shortest decimal that rounds to the same float32. max_input/max_output use
2147483647 for "unbounded" as ONNX does.
"""
from __future__ import annotations

import json
import struct
from typing import Any

UNBOUNDED = 2147483647
OPTIONS = ("single", "optional", "variadic", "variadic-heterogeneous")
ATTR_TYPES = (
    "FLOAT", "INT", "STRING", "TENSOR", "GRAPH", "SPARSE_TENSOR", "TYPE_PROTO",
    "FLOATS", "INTS", "STRINGS", "TENSORS", "GRAPHS", "SPARSE_TENSORS", "TYPE_PROTOS",
)
KEYS = (
    "domain", "op", "since", "deprecated", "min_input", "max_input", "min_output", "max_output",
    "inputs", "outputs", "type_constraints", "attributes",
)


def float32_text(value: float) -> float:
    """The shortest decimal that reads back as the same float32 (1.6732000112 -> 1.6732)."""
    bits = struct.unpack("<f", struct.pack("<f", value))[0]
    for digits in range(1, 18):
        candidate = float(f"{bits:.{digits}g}")
        try:
            if struct.unpack("<f", struct.pack("<f", candidate))[0] == bits:
                return candidate
        except OverflowError:  # rounds past FLT_MAX at this precision
            continue
    return bits


def sort_key(entry: dict[str, Any]) -> tuple[str, str, int]:
    return (entry["domain"], entry["op"], entry["since"])


def check_entry(e: dict[str, Any]) -> None:
    """Raises ValueError when an entry is malformed (used by every script before writing)."""
    where = f"{e.get('domain')}:{e.get('op')}-{e.get('since')}"
    if tuple(e.keys()) != KEYS:
        raise ValueError(f"{where}: keys must be {KEYS}, got {tuple(e.keys())}")
    params = {name for name, _ in e["type_constraints"]}
    for kind in ("inputs", "outputs"):
        for name, type_str, option in e[kind]:
            if option not in OPTIONS:
                raise ValueError(f"{where}: {kind} {name} has option {option!r}")
            if "(" not in type_str and type_str not in params:
                raise ValueError(f"{where}: {kind} {name} uses type param {type_str!r} with no constraint")
    for attr in e["attributes"]:
        if attr[1] not in ATTR_TYPES or len(attr) not in (3, 4):
            raise ValueError(f"{where}: bad attribute {attr!r}")


def dumps_entry(e: dict[str, Any]) -> str:
    """One entry as readable JSON: scalars on the first lines, one parameter per line."""
    d = lambda v: json.dumps(v, ensure_ascii=False)  # noqa: E731
    head = ", ".join(f"{d(k)}: {d(e[k])}" for k in KEYS[:4])
    arity = ", ".join(f"{d(k)}: {d(e[k])}" for k in KEYS[4:8])

    def block(key: str) -> str:
        items = e[key]
        if not items:
            return f'  {d(key)}: []'
        return f'  {d(key)}: [\n' + ",\n".join(f"    {d(x)}" for x in items) + "\n  ]"

    parts = [f"  {head},", f"  {arity},"] + [block(k) + ("," if k != KEYS[-1] else "") for k in KEYS[8:]]
    return "{\n" + "\n".join(parts) + "\n}"


def write_entries(path: str, header: dict[str, Any], entries: list[dict[str, Any]], compact: bool = False) -> None:
    """Writes {"about": header, "schemas": [...]} sorted by (domain, op, since): one line per entry
    when compact, else one readable block per entry."""
    entries = sorted(entries, key=sort_key)
    seen: set[tuple[str, str, int]] = set()
    for e in entries:
        check_entry(e)
        if sort_key(e) in seen:
            raise ValueError(f"duplicate entry {sort_key(e)}")
        seen.add(sort_key(e))
    one = (lambda e: json.dumps(e, ensure_ascii=False, separators=(",", ":"))) if compact else dumps_entry
    body = ",\n".join(one(e) for e in entries)
    text = '{\n"about": ' + json.dumps(header, ensure_ascii=False, indent=1) + ',\n"schemas": [\n' + body + "\n]\n}\n"
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def read_entries(path: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    for e in data["schemas"]:
        check_entry(e)
    return data["about"], data["schemas"]
