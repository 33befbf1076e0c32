/**
 * A small deterministic generator of valid random models for property tests: random ops and
 * domains, attributes of every kind, subgraphs with outer-scope captures, every data type,
 * awkward names, doc strings and metadata. Everything it makes is printable, so
 * `parseModel(printModel(m))` must have the same structural hash as `m`.
 */
import {
  DataType, FunctionDef, elementDType, Graph, Model, Node, Tensor, Value, attr, fromBigInt, storageArrayType, storageLength,
  tensorType, type Attr, type Dim, type SparseTensor, type TensorData, type ValueType,
} from '../src/index.js';

/** mulberry32: a tiny seeded PRNG. */
export class Rng {
  #s: number;
  constructor(seed: number) {
    this.#s = seed >>> 0;
  }
  u32(): number {
    this.#s = (this.#s + 0x6d2b79f5) >>> 0;
    let t = this.#s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  int(lo: number, hi: number): number {
    return lo + (this.u32() % (hi - lo + 1));
  }
  bool(p = 0.5): boolean {
    return this.u32() / 4294967296 < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(0, xs.length - 1)]!;
  }
}

const ALL_DTYPES: readonly number[] = [...Array.from({ length: 27 }, (_, i) => i), 31];
const FLOAT_SPECIAL = [0, -0, 1, -2.5, 0.1, 1e-45, 3.4028234663852886e38, Infinity, -Infinity, NaN, 65504, 6.1e-5];
const STRINGS = ['', 'a', 'hello world', 'quote"back\\slash', 'line\nbreak\ttab\r', 'ctrl\x01\x7f', 'ψ λ 漢字 😀', 'float', 'inf'];
const OPS = ['Relu', 'Add', 'MatMul', 'Conv', 'Foo', 'Bar', 'Weird Op', 'nan', 'If'];

export class ModelGen {
  readonly r: Rng;
  readonly #names = new Set<string>();
  #counter = 0;
  readonly domains: string[];

  constructor(seed: number) {
    this.r = new Rng(seed);
    this.domains = ['', 'com.microsoft', 'my-domain.x', 'local'];
  }

  fresh(kind: string): string {
    const r = this.r;
    for (;;) {
      const n = this.#counter++;
      const base = r.bool(0.75) ? `${kind}${n}` : r.pick([`${kind} ${n}`, `${kind}.${n}`, 'float', 'inf', 'seq', 'x"q', '', 'ψ', '1abc', 'dtype5', 'undefined']);
      const name = base === '' ? (kind === 'n' ? '' : `${kind}_${n}`) : base;
      if (name === '' || !this.#names.has(name)) {
        if (name !== '') this.#names.add(name);
        return name;
      }
    }
  }

  dims(): number[] {
    return Array.from({ length: this.r.int(0, 3) }, () => this.r.int(0, 3));
  }

  valueType(depth = 0): ValueType {
    const r = this.r;
    const k = depth > 1 ? 0 : r.int(0, 9);
    const shape = (): Dim[] | undefined => (r.bool(0.15) ? undefined : Array.from({ length: r.int(0, 3) }, () => r.pick<Dim>([1, 3, 'N', 'batch size', undefined, 0])));
    if (k <= 4) return tensorType(r.pick(ALL_DTYPES), shape());
    if (k === 5) { const s = shape(); return s === undefined ? { kind: 'sparse_tensor', dtype: DataType.FLOAT } : { kind: 'sparse_tensor', dtype: DataType.FLOAT, shape: s }; }
    if (k === 6) return { kind: 'sequence', elem: r.bool(0.9) ? this.valueType(depth + 1) : undefined };
    if (k === 7) return { kind: 'map', keyType: r.pick([DataType.INT64, DataType.STRING]), valueType: r.bool(0.9) ? this.valueType(depth + 1) : undefined };
    if (k === 8) return { kind: 'optional', elem: this.valueType(depth + 1) };
    return r.pick<ValueType>([{ kind: 'opaque', domain: '', name: '' }, { kind: 'opaque', domain: 'com.x', name: 'RNG' }, { kind: 'opaque', domain: '', name: 'a.b' }]);
  }

  tensor(dtype = this.r.pick(ALL_DTYPES), dims = this.dims(), name?: string): Tensor {
    const r = this.r;
    const n = dims.reduce((a, b) => a * b, 1);
    const meta = name === undefined ? {} : { name };
    if (dtype === DataType.STRING) {
      const enc = new TextEncoder();
      return Tensor.of(dtype, dims, Array.from({ length: n }, () => (r.bool(0.2) ? Uint8Array.of(0xff, 0x41, 0xc3) : enc.encode(r.pick(STRINGS)))), meta);
    }
    const ctor = storageArrayType(dtype)!;
    const len = storageLength(dtype, n);
    const bytes = new Uint8Array(len * ctor.BYTES_PER_ELEMENT);
    for (let i = 0; i < bytes.length; i++) bytes[i] = r.u32() & 0xff;
    const data = new (ctor as Uint8ArrayConstructor)(bytes.buffer) as unknown as TensorData;
    if (data instanceof Float32Array) {
      const bits = new Uint32Array(data.buffer);
      data.forEach((x, i) => {
        if (r.bool(0.4)) data[i] = r.pick(FLOAT_SPECIAL);
        else if (Number.isNaN(x)) bits[i] = 0x7fc00000;
        if (r.bool(0.05)) bits[i] = 0xffc00000;
      });
    } else if (data instanceof Float64Array) {
      data.forEach((x, i) => {
        if (r.bool(0.4) || Number.isNaN(x)) data[i] = r.pick(FLOAT_SPECIAL);
      });
    } else if (dtype === DataType.BOOL) {
      for (let i = 0; i < n; i++) (data as Uint8Array)[i] = r.u32() & 1;
    } else if (dtype === DataType.INT4 || dtype === DataType.UINT4 || dtype === DataType.FLOAT4E2M1) {
      if (n % 2 === 1) (data as Uint8Array)[len - 1]! &= 0x0f; // zero padding, as ONNX writes it
    } else if (dtype === DataType.INT2 || dtype === DataType.UINT2) {
      if (n % 4 !== 0) (data as Uint8Array)[len - 1]! &= (1 << (2 * (n % 4))) - 1;
    }
    return Tensor.of(dtype, dims, data, meta);
  }

  sparse(named: boolean): SparseTensor {
    const nnz = this.r.int(0, 3);
    const values = this.tensor(DataType.FLOAT, [nnz], named && this.r.bool() ? this.fresh('sp') : undefined);
    const indices = Tensor.of(DataType.INT64, [nnz], BigInt64Array.from({ length: nnz }, (_, i) => BigInt(i * 3)));
    return { values, indices, dims: [4, 4] };
  }

  attribute(scope: readonly Value[], depth: number): Attr {
    const r = this.r;
    switch (r.int(0, 15)) {
      case 0: return attr.int(r.bool(0.2) ? fromBigInt(r.pick([9223372036854775807n, -9223372036854775808n, 2n ** 53n + 1n])) : r.int(0, 2000) - 1000);
      case 1: return attr.float(r.bool(0.5) ? r.pick(FLOAT_SPECIAL) : (r.u32() / 7) - 1e8);
      case 2: return r.bool(0.8) ? attr.string(r.pick(STRINGS)) : { type: 'STRING', value: Uint8Array.of(0x80, 0x41, 0xfe) };
      case 3: return attr.tensor(this.tensor(undefined, undefined, r.bool(0.3) ? this.fresh('t') : undefined));
      case 4: case 5: return depth < 2 ? attr.graph(this.graph(scope, depth + 1)) : attr.ints([]);
      case 6: return attr.floats(Array.from({ length: r.int(0, 3) }, () => r.pick(FLOAT_SPECIAL)));
      case 7: return attr.ints(Array.from({ length: r.int(0, 3) }, () => r.int(0, 10) - 5));
      case 8: return { type: 'STRINGS', value: Array.from({ length: r.int(0, 3) }, () => r.pick(STRINGS)) };
      case 9: return { type: 'TENSORS', value: Array.from({ length: r.int(0, 2) }, () => this.tensor()) };
      case 10: return depth < 2 ? attr.graphs(Array.from({ length: r.int(0, 2) }, () => this.graph(scope, depth + 1))) : attr.floats([]);
      case 11: return { type: 'SPARSE_TENSOR', value: this.sparse(true) };
      case 12: return { type: 'SPARSE_TENSORS', value: [this.sparse(true), this.sparse(false)].slice(0, r.int(0, 2)) };
      case 13: return attr.typeProto(this.valueType());
      case 14: return { type: 'TYPE_PROTOS', value: Array.from({ length: r.int(0, 2) }, () => this.valueType()) };
      default: return { type: 'UNDEFINED', value: undefined };
    }
  }

  annotate(v: Value): void {
    if (this.r.bool(0.15)) v.docString = this.r.pick(STRINGS);
    if (this.r.bool(0.1)) v.metadataProps = new Map([['k', this.r.pick(STRINGS)], ['mixprec.note', 'x']]);
  }

  /** A graph whose nodes may read `outer` values (captures); top graphs get typed inputs and outputs. */
  graph(outer: readonly Value[], depth: number, top = false): Graph {
    const r = this.r;
    const g = new Graph(depth === 0 ? 'main' : this.fresh('g'));
    if (r.bool(0.15)) g.docString = r.pick(STRINGS);
    if (r.bool(0.1)) g.metadataProps.set('graph.k', 'v');
    const scope: Value[] = [...outer];
    for (let i = r.int(top ? 1 : 0, 3); i > 0; i--) {
      const v = new Value(this.fresh('in'), top || r.bool(0.7) ? this.valueType() : undefined);
      this.annotate(v);
      g.addInput(v);
      if (r.bool(0.15)) {
        const t = this.tensor();
        v.type = tensorType(t.dtype, t.dims);
        v.constValue = t;
        g.addInitializer(v);
      }
      scope.push(v);
    }
    for (let i = r.int(0, 3); i > 0; i--) {
      const t = this.tensor();
      const meta = r.bool(0.1) ? { docString: 'tensor doc', metadataProps: [['tk', 'tv']] as [string, string][] } : {};
      const v = new Value(this.fresh('w'), tensorType(t.dtype, t.dims), t.withMeta(meta));
      this.annotate(v);
      g.addInitializer(v);
      scope.push(v);
    }
    if (r.bool(0.1)) {
      const v = new Value(this.fresh('sp'), { kind: 'sparse_tensor', dtype: DataType.FLOAT, shape: [4, 4] });
      v.sparseValue = this.sparse(false);
      g.addSparseInitializer(v);
      scope.push(v);
    }
    for (let i = r.int(1, depth === 0 ? 7 : 3); i > 0; i--) {
      const inputs = Array.from({ length: r.int(0, 3) }, () => (scope.length > 0 && r.bool(0.85) ? r.pick(scope) : undefined));
      const outputs = Array.from({ length: r.int(0, 2) }, () => (r.bool(0.1) ? new Value('') : new Value(this.fresh('v'), r.bool(0.6) ? this.valueType() : undefined)));
      const attrs: [string, Attr][] = [];
      for (let k = r.int(0, 3); k > 0; k--) attrs.push([k === 1 && r.bool(0.2) ? 'weird name' : `a${k}`, this.attribute(scope, depth)]);
      const cast = r.bool(0.1);
      const out0 = outputs[0];
      if (cast && out0 !== undefined && out0.name !== '' && out0.type === undefined) out0.type = tensorType(DataType.FLOAT16, ['N']);
      if (cast && out0 !== undefined) attrs.push(['to', attr.int(elementDType(out0.type) ?? DataType.FLOAT16)]);
      const op = cast && out0 !== undefined ? 'Cast' : r.pick(OPS);
      // If of ai.onnx requires its branches (the verifier checks schemas): random ones get another domain.
      const domain = op === 'If' ? r.pick(this.domains.slice(1)) : cast ? '' : r.pick(this.domains);
      const n = new Node({
        opType: op, domain, name: this.fresh('n'),
        overload: r.bool(0.05) ? 'ov1' : '', inputs, outputs, attributes: new Map(attrs),
      });
      if (r.bool(0.15)) n.docString = r.pick(STRINGS);
      if (r.bool(0.2)) n.metadataProps.set('mixprec.accumulation', r.pick(['float', 'float16']));
      g.append(n);
      for (const o of outputs) {
        if (o.name === '') continue;
        this.annotate(o);
        scope.push(o);
      }
    }
    const own = scope.filter((v) => !outer.includes(v));
    const candidates = top ? own : scope;
    for (let i = r.int(1, 2); i > 0 && candidates.length > 0; i--) {
      const v = r.pick(candidates);
      if (top && v.type === undefined) v.type = this.valueType();
      g.addOutput(v);
    }
    if (r.bool(0.1)) g.valueInfoExtras.push({ name: this.fresh('extra'), type: r.bool(0.8) ? this.valueType() : undefined, docString: 'stale info' });
    return g;
  }

  model(): Model {
    const r = this.r;
    const m = new Model(this.graph([], 0, true), { irVersion: r.int(3, 10), opsetImports: this.domains.map((d, i) => [d, d === '' ? 13 : 1 + i * 5]) });
    if (r.bool()) m.producerName = 'gen "x"';
    if (r.bool(0.3)) m.producerVersion = '1.0';
    if (r.bool(0.2)) m.domain = 'ai.test';
    if (r.bool(0.3)) m.modelVersion = r.bool() ? 7 : 2n ** 62n;
    if (r.bool(0.3)) m.docString = r.pick(STRINGS);
    if (r.bool(0.3)) m.metadataProps.set('author', 'ψ').set('k2', '');
    if (r.bool(0.4)) m.functions.push(this.func());
    return m;
  }

  func(): FunctionDef {
    const r = this.r;
    const body = this.graph([], 1);
    const f = new FunctionDef('local', this.fresh('fn'), body);
    f.opsetImports.set('', 17);
    if (r.bool(0.3)) f.overload = 'o1';
    if (r.bool(0.3)) f.docString = 'function doc';
    if (r.bool(0.2)) f.metadataProps.set('fk', 'fv');
    f.attributeNames = ['alpha', 'beta'].slice(0, r.int(0, 2));
    if (r.bool()) f.attributeDefaults.set('gamma', attr.float(0.5));
    const refs: Record<string, Attr> = { value_float: { type: 'FLOAT', value: 0, refAttrName: 'alpha' } };
    if (r.bool()) refs.body = { type: 'GRAPH', value: new Graph(''), refAttrName: 'beta' };
    const inner = new Node({ opType: 'Constant', name: this.fresh('n'), outputs: [this.fresh('c')], attributes: refs });
    body.append(inner);
    return f;
  }
}

export function randomModel(seed: number): Model {
  return new ModelGen(seed).model();
}
