/**
 * A structural hash of a model: FNV-1a (64-bit) over a canonical, length-prefixed encoding of
 * everything a pass can change: names, op types and domains, attributes, types, initializer and
 * attribute tensor bytes, doc strings, metadata, and the order of nodes, inputs, outputs and
 * initializers. Values are identified by their definition order, so rewiring a use changes the
 * hash even when names collide. Pure TypeScript: runs in browsers too.
 *
 * Equal models (e.g. a model and its clone, or a model and `parseModel(printModel(model))` when
 * everything in it is printable) have equal hashes. Not hashed: `extras`, `trainingInfo`,
 * `TensorMeta.storage`/`extras`, the values of attributes that refer to function attributes
 * (`@name`), and the name of a function's body graph. Float attributes hash as float32 bits.
 */
import { attrGraphs, type Attr } from './attr.js';
import { DataType } from './data-type.js';
import { Graph } from './graph.js';
import type { FunctionDef, Model } from './model.js';
import type { SparseTensor } from './sparse-tensor.js';
import type { Tensor } from './tensor.js';
import { Fnv64 } from './structural-hash-fnv.js';
import type { Value } from './value.js';
import type { ValueType } from './value-type.js';

/** Options of {@link structuralHash}. */
export interface HashOptions {
  /** Hash the bytes of lazy tensors (reading them) instead of their source description and size. */
  readonly readLazyTensors?: boolean;
}

class Hasher {
  readonly h = new Fnv64();
  readonly #ids = new Map<Value, number>();
  readonly #f32 = new Float32Array(1);
  readonly #bits = new Uint32Array(this.#f32.buffer);

  constructor(readonly opts: HashOptions) {}

  id(v: Value): number {
    let id = this.#ids.get(v);
    if (id === undefined) {
      id = this.#ids.size;
      this.#ids.set(v, id);
    }
    return id;
  }

  pairs(entries: Iterable<readonly [string, string]> | undefined): void {
    const list = entries === undefined ? [] : [...entries];
    this.h.u32(list.length);
    for (const [k, v] of list) {
      this.h.str(k);
      this.h.str(v);
    }
  }

  type(t: ValueType | undefined): void {
    const h = this.h;
    if (t === undefined) return h.str('-');
    h.str(t.kind);
    h.optStr(t.denotation);
    switch (t.kind) {
      case 'tensor': case 'sparse_tensor':
        h.u32(t.dtype);
        if (t.shape === undefined) h.byte(0);
        else {
          h.byte(1);
          h.u32(t.shape.length);
          for (const d of t.shape) {
            if (d === undefined) h.byte(0);
            else if (typeof d === 'number') { h.byte(1); h.str(String(d)); }
            else { h.byte(2); h.str(d); }
          }
        }
        h.u32(t.dimDenotations?.length ?? 0);
        for (const d of t.dimDenotations ?? []) h.optStr(d);
        return;
      case 'sequence': case 'optional': return this.type(t.elem);
      case 'map': h.u32(t.keyType); return this.type(t.valueType);
      case 'opaque': h.str(t.domain); h.str(t.name); return;
    }
  }

  tensor(t: Tensor, withName: boolean): void {
    const h = this.h;
    h.u32(t.dtype);
    h.u32(t.dims.length);
    for (const d of t.dims) h.str(String(d));
    if (withName) h.optStr(t.meta.name === '' ? undefined : t.meta.name); // '' is unset in protobuf
    h.optStr(t.meta.docString);
    this.pairs(t.meta.metadataProps);
    const e = t.meta.external;
    if (e === undefined) h.byte(0);
    else {
      h.byte(1);
      h.str(e.location);
      h.str(`${e.offset ?? ''}/${e.length ?? ''}/${e.checksum ?? ''}`);
      this.pairs(e.extra);
    }
    if (t.isLazy && this.opts.readLazyTensors !== true) {
      h.str('lazy');
      h.str(t.source!.description);
      h.u32(t.byteLength);
    } else if (t.dtype === DataType.STRING) {
      const d = t.data as readonly Uint8Array[];
      h.u32(d.length);
      for (const s of d) h.bytes(s);
    } else {
      h.bytes(t.rawBytes());
    }
  }

  sparse(s: SparseTensor): void {
    this.tensor(s.values, true);
    this.tensor(s.indices, true);
    this.h.u32(s.dims.length);
    for (const d of s.dims) this.h.str(String(d));
  }

  attr(a: Attr): void {
    const h = this.h;
    h.str(a.type);
    h.optStr(a.refAttrName);
    h.optStr(a.docString);
    if (a.refAttrName !== undefined) return;
    const float = (x: number): void => {
      this.#f32[0] = x;
      h.u32(this.#bits[0]!);
    };
    const int = (x: number | bigint): void => h.str(typeof x === 'bigint' || Number.isInteger(x) ? BigInt(x).toString() : String(x));
    const str = (x: string | Uint8Array): void => {
      if (typeof x === 'string') { h.byte(0); h.str(x); } else { h.byte(1); h.bytes(x); }
    };
    const list = <T>(xs: readonly T[], f: (x: T) => void): void => {
      h.u32(xs.length);
      for (const x of xs) f(x);
    };
    switch (a.type) {
      case 'INT': return int(a.value);
      case 'FLOAT': return float(a.value);
      case 'STRING': return str(a.value);
      case 'TENSOR': return this.tensor(a.value, true);
      case 'SPARSE_TENSOR': return this.sparse(a.value);
      case 'TYPE_PROTO': return this.type(a.value);
      case 'INTS': return list(a.value, int);
      case 'FLOATS': return list(a.value, float);
      case 'STRINGS': return list(a.value, str);
      case 'TENSORS': return list(a.value, (t) => this.tensor(t, true));
      case 'SPARSE_TENSORS': return list(a.value, (s) => this.sparse(s));
      case 'TYPE_PROTOS': return list(a.value, (t) => this.type(t));
      case 'GRAPH': case 'GRAPHS': return list(attrGraphs(a), (g) => this.graph(g));
      case 'UNDEFINED': return;
    }
  }

  /** A value where it is defined: its id, name, type, documentation and constant. */
  define(v: Value): void {
    const h = this.h;
    h.u32(this.id(v));
    h.str(v.name);
    this.type(v.type);
    h.optStr(v.docString);
    this.pairs(v.metadataProps);
    if (v.constValue === undefined) h.byte(0);
    else {
      h.byte(1);
      this.tensor(v.constValue, false);
    }
    if (v.sparseValue === undefined) h.byte(0);
    else {
      h.byte(1);
      this.sparse(v.sparseValue);
    }
  }

  use(v: Value | undefined): void {
    if (v === undefined) return this.h.u32(0xffffffff);
    this.h.u32(this.id(v));
    this.h.str(v.name);
  }

  graph(g: Graph, withName = true): void {
    const h = this.h;
    h.str('graph');
    h.str(withName ? g.name : '');
    h.optStr(g.docString);
    this.pairs(g.metadataProps);
    h.u32(g.inputs.length);
    for (const v of g.inputs) {
      this.define(v);
      h.byte(v.isInitializer() && g.initializers.get(v.name) === v ? 1 : 0);
    }
    const inits = [...g.initializers.values()].filter((v) => !v.isGraphInput());
    const sparse = [...g.sparseInitializers.values()].filter((v) => !v.isGraphInput());
    h.u32(inits.length);
    for (const v of inits) this.define(v);
    h.u32(sparse.length);
    for (const v of sparse) this.define(v);
    h.u32(g.size);
    for (const n of g) {
      h.str(n.domain);
      h.str(n.opType);
      h.str(n.name);
      h.str(n.overload);
      h.optStr(n.docString);
      this.pairs(n.metadataOrUndefined());
      h.u32(n.outputs.length);
      for (const o of n.outputs) this.define(o);
      h.u32(n.inputs.length);
      for (const v of n.inputs) this.use(v);
      h.u32(n.attributes.size);
      for (const [k, a] of n.attributes) {
        h.str(k);
        this.attr(a);
      }
    }
    h.u32(g.outputs.length);
    for (const v of g.outputs) this.use(v);
    h.u32(g.valueInfoExtras.length);
    for (const vi of g.valueInfoExtras) {
      h.str(vi.name);
      this.type(vi.type);
      h.optStr(vi.docString);
      this.pairs(vi.metadataProps);
    }
  }

  function(f: FunctionDef): void {
    const h = this.h;
    h.str(f.domain);
    h.str(f.name);
    h.str(f.overload);
    h.u32(f.attributeNames.length);
    for (const a of f.attributeNames) h.str(a);
    h.u32(f.attributeDefaults.size);
    for (const [k, a] of f.attributeDefaults) {
      h.str(k);
      this.attr(a);
    }
    this.pairs([...f.opsetImports].map(([d, v]) => [d, String(v)] as const));
    h.optStr(f.docString);
    this.pairs(f.metadataProps);
    // The body graph's own name is not part of the function (the text syntax has no place for it).
    this.graph(f.graph, false);
  }

  model(m: Model): void {
    const h = this.h;
    h.str('model');
    h.u32(m.irVersion);
    this.pairs([...m.opsetImports].map(([d, v]) => [d, String(v)] as const));
    h.str(m.producerName);
    h.str(m.producerVersion);
    h.str(m.domain);
    h.str(m.modelVersion.toString());
    h.optStr(m.docString);
    this.pairs(m.metadataProps);
    this.graph(m.graph);
    h.u32(m.functions.length);
    for (const f of m.functions) this.function(f);
  }
}

/** The structural hash of a model or graph tree: 16 hex digits. Equal models ⇒ equal hashes. */
export function structuralHash(root: Model | Graph, options: HashOptions = {}): string {
  const hs = new Hasher(options);
  if (root instanceof Graph) hs.graph(root);
  else hs.model(root);
  return hs.h.hex();
}
