/**
 * Builds a probe model from a case (or the generic case a schema gives), and its feeds.
 */
import * as ort from 'onnxruntime-node';
import {
  DataType, GraphBuilder, attr, getOpSchema, tensorFromNumbers, tensorType, typeStringOf, type Model, type OpSchema, type Value,
} from '@mixprec/ir';
import type { Case, Ctx, In } from './case.js';

/** Whether a formal parameter's type constraint admits `dt`. */
export function paramAdmits(schema: OpSchema, typeStr: string, dt: DataType): boolean {
  const allowed = schema.typeConstraints.get(typeStr) ?? [typeStr];
  return allowed.includes(typeStringOf(dt));
}

/**
 * The generic case: every required input a float of the type under test (variadics twice),
 * required outputs only. Undefined when the schema needs more (a non-float input, a required
 * attribute): such ops need a hand-written case.
 */
export function genericCase(c: Ctx, target: DataType): Case | undefined {
  const s = getOpSchema('', c.op, c.opset);
  if (s === undefined) return undefined;
  for (const a of s.attributes.values()) if (a.required) return undefined;
  const inputs: In[] = [];
  for (const p of s.inputs) {
    if (p.option === 'optional') break;
    if (!paramAdmits(s, p.typeStr, target)) return undefined;
    const n = p.option === 'variadic' ? Math.max(2, p.minArity) : 1;
    for (let i = 0; i < n; i++) inputs.push({ dt: c.F, dims: [1, 2, 4, 4] });
  }
  let outputs = 0;
  for (const p of s.outputs) {
    if (p.option === 'optional') break;
    outputs++;
  }
  return { inputs, outputs: Math.max(outputs, 1) };
}

/** Deterministic values in [0.1, 0.9) for float inputs without explicit values. */
function floatValues(n: number, seed: number): number[] {
  const out: number[] = [];
  let s = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    out.push(0.1 + 0.8 * (s / 4294967296));
  }
  return out;
}

function count(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

function isFloat(dt: DataType): boolean {
  return dt === DataType.FLOAT || dt === DataType.FLOAT16 || dt === DataType.BFLOAT16 || dt === DataType.DOUBLE;
}

/** The values of an input (given, or generated: floats in [0.1, 0.9), integers 0, bools alternating). */
function valuesOf(x: In, k: number): number[] {
  if (x.values !== undefined) return [...x.values];
  const n = count(x.dims);
  if (isFloat(x.dt)) return floatValues(n, k + 1);
  if (x.dt === DataType.BOOL) return Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 1 : 0));
  return new Array<number>(n).fill(0);
}

const ORT_TYPES: ReadonlyMap<DataType, ort.Tensor.Type> = new Map<DataType, ort.Tensor.Type>([
  [DataType.FLOAT, 'float32'], [DataType.DOUBLE, 'float64'], [DataType.INT64, 'int64'], [DataType.INT32, 'int32'],
  [DataType.INT16, 'int16'], [DataType.INT8, 'int8'], [DataType.UINT8, 'uint8'], [DataType.UINT16, 'uint16'], [DataType.BOOL, 'bool'],
]);

/** An onnxruntime tensor of a graph input of dtype `dt`. */
function ortTensor(dt: DataType, dims: readonly number[], values: readonly number[]): ort.Tensor {
  const type = ORT_TYPES.get(dt);
  if (type === undefined) throw new Error(`probe: no onnxruntime tensor type for dtype ${dt}`);
  const data = tensorFromNumbers(dt, dims, values).data;
  return new ort.Tensor(type, data as ort.Tensor.DataType, [...dims]);
}

/** A probe model and its feeds. */
export interface Probe {
  readonly model: Model;
  readonly feeds: Record<string, ort.Tensor>;
}

/**
 * The model of a case at `c.opset` (IR 10). Every input is a graph input (nothing to
 * constant-fold). onnxruntime-node 1.30 cannot feed or fetch BFLOAT16 tensors (its session
 * refuses such graph inputs and outputs: "Unsupported data type: 16"), so the graph's interface
 * is FLOAT for every 16-bit input, cast to the type under test, and every output is cast to FLOAT:
 * the op under test sees and writes the type under test, and the Casts are measured as Cast.
 */
export function buildProbe(c: Ctx, k: Case): Probe {
  const b = new GraphBuilder();
  const feeds: Record<string, ort.Tensor> = {};
  const values: (Value | undefined)[] = [];
  const present: Value[] = [];
  const narrow = (dt: DataType): boolean => dt === DataType.FLOAT16 || dt === DataType.BFLOAT16;
  k.inputs.forEach((x, i) => {
    if (x === undefined) {
      values.push(undefined);
      return;
    }
    const outer = narrow(x.dt) ? DataType.FLOAT : x.dt;
    let v = b.input(`in${i}`, outer, x.dims);
    feeds[v.name] = ortTensor(outer, x.dims, valuesOf(x, i));
    if (outer !== x.dt) v = b.op1('Cast', [v], { attrs: { to: attr.int(x.dt) }, type: tensorType(x.dt, x.dims) });
    values.push(v);
    present.push(v);
  });
  let outs: readonly Value[];
  if (k.build !== undefined) {
    outs = k.build(b, present);
  } else {
    const mask = typeof k.outputs === 'object' ? k.outputs : Array.from({ length: k.outputs ?? 1 }, () => true);
    const names = mask.map((on, i) => (on ? `out${i}` : ''));
    outs = b.op(c.op, values, { attrs: k.attrs ?? {}, outputs: names }).filter((v) => v.name !== '');
  }
  // Integer and bool outputs are cast too: every output comes back as float32 for the comparison.
  outs.forEach((v, i) => b.output(b.op1('Cast', [v], { attrs: { to: attr.int(DataType.FLOAT) } }), `y${i}`));
  return { model: b.model({ opset: c.opset, irVersion: 10 }), feeds };
}
