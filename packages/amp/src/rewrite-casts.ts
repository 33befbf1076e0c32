import {
  DataType, Node, Value, attr, dataTypeName, dataTypeText, parseDataType, tensorType, withElementDType, type Attr, type Dim,
  type Graph, type ValueType,
} from '@mixprec/ir';
import type { CastReason, RewriteLog } from './rewrite-log.js';

/** Name suffix of a dtype: `fp16`, `bf16`, `fp32`, else the ONNX text name. */
export function dtypeSuffix(d: DataType): string {
  switch (d) {
    case DataType.FLOAT16: return 'fp16';
    case DataType.BFLOAT16: return 'bf16';
    case DataType.FLOAT: return 'fp32';
    case DataType.DOUBLE: return 'fp64';
    default: return dataTypeText(d);
  }
}

/** A dimension no tensor can have: negative, or beyond 2^53 (where a double stops counting exactly). */
function hostileDim(d: Dim): boolean {
  return typeof d === 'number' && !(d >= 0 && d <= Number.MAX_SAFE_INTEGER);
}

/**
 * The type of a value converted to `d` (shape kept; a tensor of unknown rank when untyped).
 * Hostile dims of the source type (negative or beyond 2^53) become unknown: a runtime that
 * builds tensors of the annotated size while loading fails on them (found by fuzzing).
 */
export function typeAs(t: ValueType | undefined, d: DataType): ValueType {
  if (t === undefined) return tensorType(d);
  const out = withElementDType(t, d);
  if (out.kind !== 'tensor' || out.shape === undefined) return out;
  const shape = out.shape;
  for (let i = 0; i < shape.length; i++) {
    if (hostileDim(shape[i])) return { ...out, shape: shape.map((x) => (hostileDim(x) ? undefined : x)) };
  }
  return out;
}

/**
 * {@link typeAs} with one result per (type object, dtype) of a run: values that share a type
 * (a decoded model shares one object per distinct type) share the converted one too.
 */
export class TypeMemo {
  readonly #byDType = new Map<DataType, Map<ValueType, ValueType>>();

  as(t: ValueType | undefined, d: DataType): ValueType {
    if (t === undefined) return typeAs(t, d);
    let m = this.#byDType.get(d);
    if (m === undefined) this.#byDType.set(d, (m = new Map()));
    let out = m.get(t);
    if (out === undefined) m.set(t, (out = typeAs(t, d)));
    return out;
  }
}

/** Cast's `to`: the enum, or (Cast-1, ai.onnx opsets 1–5) the type's name as a string. */
export function castToAttr(to: DataType, legacy: boolean): Attr {
  return legacy ? attr.string(dataTypeName(to)) : attr.int(to);
}

/**
 * Inserts Casts: at most one per (value, dtype), placed right after the value's definition in
 * the graph that defines it (after earlier Casts of the same definition, so the order is
 * deterministic), named by the graph tree's name authority (`Cast_<v>_to_fp16` / `<v>_fp16`).
 */
export class CastInserter {
  readonly #cache = new Map<Value, Map<DataType, Value>>();
  /** Last node inserted after a producer, or at the start of a graph. */
  readonly #after = new Map<Node | Graph, Node>();

  constructor(
    readonly log: RewriteLog, readonly pathOf: (g: Graph) => string, readonly dtypeOf: (v: Value) => DataType | undefined,
    /** The model imports an ai.onnx opset below 6: Casts take a string `to`. */
    readonly legacyCast = false,
  ) {}

  /** Places `n` right after the definition of `v` (a producer, or the start of its graph). */
  placeAtDefinition(v: Value, n: Node): Graph {
    const p = v.producer();
    const g = v.graph()!;
    const key: Node | Graph = p ?? g;
    const last = this.#after.get(key);
    if (last !== undefined) g.insertAfter(last, n);
    else if (p !== undefined) g.insertAfter(p, n);
    else g.prepend(n);
    this.#after.set(key, n);
    return g;
  }

  /** A new Cast node of `input` to `to` (not inserted), with a fresh output named `<base>_<sfx>`. */
  makeCast(g: Graph, input: Value | undefined, base: string, type: ValueType | undefined, to: DataType): Node {
    const names = g.names;
    const sfx = dtypeSuffix(to);
    const out = new Value(names.freshValueName(`${base}_${sfx}`), typeAs(type, to));
    return new Node({
      opType: 'Cast', name: names.freshNodeName(`Cast_${base}_to_${sfx}`),
      inputs: [input], outputs: [out], attributes: { to: castToAttr(to, this.legacyCast) },
    });
  }

  /** A new Cast node with a given output value (not inserted). */
  makeNamedCast(g: Graph, input: Value | undefined, base: string, out: Value, to: DataType): Node {
    return new Node({
      opType: 'Cast', name: g.names.freshNodeName(`Cast_${base}_to_${dtypeSuffix(to)}`),
      inputs: [input], outputs: [out], attributes: { to: castToAttr(to, this.legacyCast) },
    });
  }

  record(g: Graph, n: Node, from: DataType | undefined, reason: CastReason): void {
    const to = elementDTypeOfCast(n);
    this.log.inserted.push({
      graph: this.pathOf(g), node: n.name, input: n.inputs[0]?.name ?? '', output: n.outputs[0]!.name,
      from: from === undefined ? '?' : dataTypeText(from), to: dataTypeText(to), reason,
    });
    this.log.castNodes.push(n);
    this.log.edits++;
  }

  /** The shared Cast of `v` to `to` (created on first request). */
  castOf(v: Value, to: DataType, reason: CastReason): Value {
    let byType = this.#cache.get(v);
    if (byType === undefined) {
      byType = new Map();
      this.#cache.set(v, byType);
    }
    const hit = byType.get(to);
    if (hit !== undefined) return hit;
    const g = v.graph();
    if (g === undefined) throw new Error(`Value '${v.name}' has no defining graph; cannot insert its Cast`);
    const n = this.makeCast(g, v, v.name, v.type, to);
    this.placeAtDefinition(v, n);
    this.record(g, n, this.dtypeOf(v), reason);
    const out = n.outputs[0]!;
    byType.set(to, out);
    return out;
  }

  /** Registers an existing value as the (value, dtype) Cast, e.g. a 16-bit copy of a constant. */
  remember(v: Value, to: DataType, copy: Value): void {
    let byType = this.#cache.get(v);
    if (byType === undefined) {
      byType = new Map();
      this.#cache.set(v, byType);
    }
    byType.set(to, copy);
  }

  /** Remembers `n` as the last node placed after `key`'s definition. */
  placed(key: Node | Graph, n: Node): void {
    this.#after.set(key, n);
  }
}

/** The target dtype of a Cast node (enum or Cast-1 string). */
export function elementDTypeOfCast(n: Node): DataType {
  const a = n.attributes.get('to');
  if (a?.type === 'INT') return Number(a.value) as DataType;
  if (a?.type === 'STRING') return parseDataType(typeof a.value === 'string' ? a.value : new TextDecoder().decode(a.value)) ?? DataType.UNDEFINED;
  return DataType.UNDEFINED;
}
