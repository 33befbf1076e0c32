import {
  DataType, dataTypeName, elementDType, parseDataType, subgraphDepth, walkGraphs, walkNodes, type Model, type Tensor,
} from '@mixprec/ir';

/** Counts per data type name, e.g. `{ FLOAT: 12, FLOAT16: 3 }`. */
export type DTypeCounts = Record<string, number>;

/** What `mixprec inspect` reports: the "is this model secretly 16-bit?" audit. */
export interface ModelCensus {
  readonly irVersion: number;
  readonly opsets: Record<string, number>;
  readonly producer: string;
  readonly nodes: number;
  readonly graphs: number;
  readonly subgraphDepth: number;
  readonly functions: number;
  /** Op type (with domain prefix outside ai.onnx) → count, all graphs. */
  readonly ops: Record<string, number>;
  readonly inputs: readonly { name: string; dtype: string; shape: string }[];
  readonly outputs: readonly { name: string; dtype: string; shape: string }[];
  /** Weights (initializers and Constant-node tensors) by dtype: count, elements and bytes. */
  readonly initializers: Record<string, { count: number; bytes: number; elements: number }>;
  /** Typed values (inputs, initializers, node outputs) by dtype. */
  readonly values: DTypeCounts;
  /** Cast edges `FROM->TO` → count (FROM `?` when the input type is unknown). */
  readonly casts: Record<string, number>;
  /** Nodes carrying a `mixprec.accumulation` annotation, by value. */
  readonly accumulation: Record<string, number>;
  /** Bytes of initializer data by storage class. */
  readonly weightBytes: { readonly total: number; readonly float16: number; readonly bfloat16: number; readonly float32: number };
  /** Fraction of float weight bytes held in 16-bit types (0..1), or null without float weights. */
  readonly weights16BitFraction: number | null;
}

function shapeText(shape: readonly (number | string | undefined)[] | undefined): string {
  return shape === undefined ? '?' : `[${shape.map((d) => (d === undefined ? '?' : String(d))).join(',')}]`;
}

function inc(rec: Record<string, number>, key: string, by = 1): void {
  rec[key] = (rec[key] ?? 0) + by;
}

/** Computes the census of a model (all graphs, subgraphs included). */
export function modelCensus(model: Model): ModelCensus {
  const ops: Record<string, number> = {};
  const values: DTypeCounts = {};
  const casts: Record<string, number> = {};
  const accumulation: Record<string, number> = {};
  const initializers: Record<string, { count: number; bytes: number; elements: number }> = {};
  let nodes = 0;
  let graphs = 0;
  let total = 0;
  let f16 = 0;
  let bf16 = 0;
  let f32 = 0;
  for (const g of walkGraphs(model)) {
    graphs++;
    const seen = new Set<string>();
    const countValue = (name: string, dtype: number | undefined): void => {
      if (name === '' || seen.has(name)) return;
      seen.add(name);
      inc(values, dtype === undefined ? 'unknown' : dataTypeName(dtype));
    };
    for (const v of g.inputs) countValue(v.name, v.dtype);
    const weights: Tensor[] = [];
    for (const v of g.initializers.values()) {
      countValue(v.name, v.constValue!.dtype);
      weights.push(v.constValue!);
    }
    for (const n of g) {
      // Weights stored in Constant nodes count as weights too.
      const t = n.opType === 'Constant' && n.domain === '' ? n.getTensor('value') : undefined;
      if (t !== undefined) weights.push(t);
    }
    for (const t of weights) {
      const key = dataTypeName(t.dtype);
      const rec = (initializers[key] ??= { count: 0, bytes: 0, elements: 0 });
      rec.count++;
      rec.bytes += t.byteLength;
      rec.elements += t.size;
      total += t.byteLength;
      if (t.dtype === DataType.FLOAT16) f16 += t.byteLength;
      else if (t.dtype === DataType.BFLOAT16) bf16 += t.byteLength;
      else if (t.dtype === DataType.FLOAT) f32 += t.byteLength;
    }
    for (const n of g) for (const o of n.outputs) countValue(o.name, o.dtype);
  }
  for (const n of walkNodes(model)) {
    nodes++;
    inc(ops, n.domain === '' ? n.opType : `${n.domain}.${n.opType}`);
    const acc = n.metadataOrUndefined()?.get('mixprec.accumulation');
    if (acc !== undefined) inc(accumulation, acc);
    if (n.opType === 'Cast' && n.domain === '') {
      const to = n.attributes.get('to');
      let toType: number | undefined;
      if (to?.type === 'INT') toType = Number(to.value);
      else if (to?.type === 'STRING') toType = parseDataType(typeof to.value === 'string' ? to.value : new TextDecoder().decode(to.value));
      const from = elementDType(n.inputs[0]?.type);
      inc(casts, `${from === undefined ? '?' : dataTypeName(from)}->${toType === undefined ? '?' : dataTypeName(toType)}`);
    }
  }
  const io = (vs: readonly { name: string; dtype: number | undefined; shape: readonly (number | string | undefined)[] | undefined }[]) =>
    vs.map((v) => ({ name: v.name, dtype: v.dtype === undefined ? 'unknown' : dataTypeName(v.dtype), shape: shapeText(v.shape) }));
  const floatBytes = f16 + bf16 + f32;
  return {
    irVersion: model.irVersion,
    opsets: Object.fromEntries([...model.opsetImports].map(([d, v]) => [d === '' ? 'ai.onnx' : d, v])),
    producer: [model.producerName, model.producerVersion].filter((s) => s !== '').join(' '),
    nodes,
    graphs,
    subgraphDepth: subgraphDepth(model.graph),
    functions: model.functions.length,
    ops: sortByCount(ops),
    inputs: io(model.graph.inputs.filter((v) => !v.isInitializer())),
    outputs: io(model.graph.outputs),
    initializers,
    values,
    casts: sortByCount(casts),
    accumulation,
    weightBytes: { total, float16: f16, bfloat16: bf16, float32: f32 },
    weights16BitFraction: floatBytes === 0 ? null : (f16 + bf16) / floatBytes,
  };
}

function sortByCount(rec: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(rec).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
}
