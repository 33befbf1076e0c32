#!/usr/bin/env python3
"""Dumps the operator schemas that the installed `onnx` Python package knows (with their full
version history) into the entry format of schema_json.py, without docs.

Used with Debian's python3-onnx 1.12 (ai.onnx opsets 1-17, ai.onnx.ml 1-3,
ai.onnx.preview.training 1). Opsets after that come from onnx-spec-opset18plus.json.

    /usr/bin/python3 packages/ir/scripts/op-schemas/dump_onnx_defs.py \\
        packages/ir/scripts/op-schemas/data/onnx-defs-1.12.json
"""
from __future__ import annotations

import sys
from typing import Any

import onnx
import onnx.defs
from onnx import helper

from schema_json import UNBOUNDED, float32_text, write_entries

DOMAINS = ("", "ai.onnx.ml", "ai.onnx.training", "ai.onnx.preview.training")


def option_of(p: Any) -> str:
    opt = p.option
    if opt == onnx.defs.OpSchema.FormalParameterOption.Single:
        return "single"
    if opt == onnx.defs.OpSchema.FormalParameterOption.Optional:
        return "optional"
    return "variadic" if p.isHomogeneous else "variadic-heterogeneous"


def default_of(attr: Any) -> tuple[bool, Any]:
    """(has a simple default, value)."""
    proto = attr.default_value
    if not proto.name:
        return False, None
    value = helper.get_attribute_value(proto)
    kind = attr.type.name
    if kind == "FLOAT":
        return True, float32_text(value)
    if kind == "INT":
        return True, int(value)
    if kind == "STRING":
        return True, value.decode("utf-8")
    if kind == "FLOATS":
        return True, [float32_text(v) for v in value]
    if kind == "INTS":
        return True, [int(v) for v in value]
    if kind == "STRINGS":
        return True, [v.decode("utf-8") for v in value]
    return False, None  # tensors, graphs: not simple


def entry_of(s: Any) -> dict[str, Any]:
    attrs = []
    for name in sorted(s.attributes):
        a = s.attributes[name]
        row: list[Any] = [name, a.type.name, bool(a.required)]
        has, value = default_of(a)
        if has:
            row.append(value)
        attrs.append(row)
    return {
        "domain": s.domain,
        "op": s.name,
        "since": s.since_version,
        "deprecated": bool(s.deprecated),
        "min_input": s.min_input,
        "max_input": min(s.max_input, UNBOUNDED),
        "min_output": s.min_output,
        "max_output": min(s.max_output, UNBOUNDED),
        "inputs": [[p.name, p.typeStr, option_of(p)] for p in s.inputs],
        "outputs": [[p.name, p.typeStr, option_of(p)] for p in s.outputs],
        "type_constraints": [[c.type_param_str, list(c.allowed_type_strs)] for c in s.type_constraints],
        "attributes": attrs,
    }


def main(out_path: str) -> None:
    entries = [entry_of(s) for s in onnx.defs.get_all_schemas_with_history() if s.domain in DOMAINS]
    opsets = {d: max([e["since"] for e in entries if e["domain"] == d], default=0) for d in DOMAINS}
    header = {
        "source": f"onnx {onnx.__version__} Python package, onnx.defs.get_all_schemas_with_history()",
        "generated_by": "packages/ir/scripts/op-schemas/dump_onnx_defs.py (do not edit by hand)",
        "max_since_version": opsets,
    }
    write_entries(out_path, header, entries, compact=True)
    print(f"wrote {len(entries)} schemas to {out_path}", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: dump_onnx_defs.py OUT.json")
    main(sys.argv[1])
