import * as ort from 'onnxruntime-node';
import {
  DataType, Tensor, bfloat16BitsToFloat32, float16BitsToFloat32, float32ToBFloat16Bits, float32ToFloat16Bits,
  parseModel, printModel, tensorToFloat64, type Model,
} from '@mixprec/ir';
import { encodeModel } from '@mixprec/onnx';
import { createPassContext, createPassRegistry, runPipeline, type CollectingPassContext } from '@mixprec/passes';
import { transformAliases, transformPasses } from '@mixprec/transforms';
import { generateInputs, runModel, type Feed } from '@mixprec/executor-tfjs';
import { ampAliases, ampPasses } from '../src/index.js';

/** Every pass the amp tests need: the transforms and amp, with their aliases. */
export const registry = createPassRegistry({ passes: [...transformPasses, ...ampPasses], aliases: [...transformAliases, ...ampAliases] });

export function parse(text: string): Model {
  const r = parseModel(text);
  if (r._tag === 'Left') throw new Error(r.left.message);
  return r.right;
}

/** Runs a pipeline with verifyEach; returns the printed model and the context. */
export function runText(text: string, pipeline: string): { model: Model; out: string; ctx: CollectingPassContext; modified: boolean } {
  const model = parse(text);
  const r = runOn(model, pipeline);
  return { model, out: printModel(model), ...r };
}

export function runOn(model: Model, pipeline: string): { ctx: CollectingPassContext; modified: boolean } {
  const pass = registry.parse(pipeline);
  if (pass._tag === 'Left') throw new Error(pass.left.message);
  const ctx = createPassContext({ registry, verifyEach: true, optLevel: 3 });
  if (ctx._tag === 'Left') throw new Error(ctx.left.message);
  const r = runPipeline(model, pass.right, ctx.right);
  if (r._tag === 'Left') throw new Error(r.left.message);
  return { ctx: ctx.right, modified: r.right.modified };
}

/** The lines between `{` and the last `}` of the main graph, trimmed. */
export function body(printed: string): string[] {
  const lines = printed.split('\n');
  return lines.slice(lines.findIndex((l) => l === '{') + 1, lines.lastIndexOf('}')).map((l) => l.trim());
}

/** A float tensor converted to another float dtype (feeds for converted inputs). */
export function convertFeed(t: Tensor, to: DataType): Tensor {
  if (t.dtype === to) return t;
  const f = new Float32Array(tensorToFloat64(t));
  if (to === DataType.FLOAT16) return Tensor.of(to, t.dims, float32ToFloat16Bits(f));
  if (to === DataType.BFLOAT16) return Tensor.of(to, t.dims, float32ToBFloat16Bits(f));
  if (to === DataType.FLOAT) return Tensor.of(to, t.dims, f);
  throw new Error(`cannot convert a feed to dtype ${to}`);
}

/** Feeds of the original model, converted to the input dtypes of `converted`. */
export function feedsFor(converted: Model, feeds: Readonly<Record<string, Tensor>>): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const v of converted.graph.inputs) {
    const f = feeds[v.name];
    if (f === undefined) continue;
    const d = v.dtype;
    out[v.name] = d !== undefined && d !== f.dtype && (f.dtype === DataType.FLOAT || f.dtype === DataType.FLOAT16) ? convertFeed(f, d) : f;
  }
  return out;
}

/** Element values as float64 (16-bit floats decoded). */
export function values(t: Tensor): Float64Array {
  if (t.dtype === DataType.FLOAT16) return Float64Array.from(float16BitsToFloat32(t.data as Uint16Array));
  if (t.dtype === DataType.BFLOAT16) return Float64Array.from(bfloat16BitsToFloat32(t.data as Uint16Array));
  return tensorToFloat64(t);
}

const FLOATS = new Set<number>([DataType.FLOAT, DataType.FLOAT16, DataType.BFLOAT16, DataType.DOUBLE]);

/**
 * Compares an output of the converted model with the FP32 reference: floats within
 * `rel·max|ref| + abs` (and finite where the reference is), other dtypes exactly.
 * Returns undefined when close, else a description.
 */
export function closeTo(actual: Tensor, ref: Tensor, rel = 0.02, abs = 1e-3): string | undefined {
  if (actual.dims.join(',') !== ref.dims.join(',')) return `shape [${actual.dims.join(',')}] vs [${ref.dims.join(',')}]`;
  const a = values(actual);
  const e = values(ref);
  if (!FLOATS.has(ref.dtype)) {
    for (let i = 0; i < e.length; i++) if (a[i] !== e[i]) return `element ${i}: ${a[i]} vs ${e[i]}`;
    return undefined;
  }
  let max = 0;
  for (const x of e) if (Number.isFinite(x)) max = Math.max(max, Math.abs(x));
  const tol = rel * max + abs;
  let worst = 0;
  let at = -1;
  for (let i = 0; i < e.length; i++) {
    if (Number.isNaN(e[i]!) && Number.isNaN(a[i]!)) continue;
    if (Number.isFinite(e[i]!) && !Number.isFinite(a[i]!)) return `element ${i} is ${a[i]} (reference ${e[i]})`;
    if (!Number.isFinite(e[i]!)) {
      if (a[i] !== e[i]) return `element ${i}: ${a[i]} vs ${e[i]}`;
      continue;
    }
    const d = Math.abs(a[i]! - e[i]!);
    if (d > worst) { worst = d; at = i; }
  }
  return worst > tol ? `max |err| ${worst.toExponential(3)} at ${at} > tolerance ${tol.toExponential(3)} (${a[at]} vs ${e[at]})` : undefined;
}

/** Runs a model on the reference executor (cpu backend for reproducibility). */
export async function execute(model: Model, feeds: Readonly<Record<string, Feed>>): Promise<Record<string, Tensor>> {
  const r = await runModel(model, feeds, { backend: 'cpu', seed: 1 });
  if (r._tag === 'Left') throw new Error(`executor: ${r.left.message}`);
  return { ...r.right.outputs };
}

export const SESSION_OPTIONS: ort.InferenceSession.SessionOptions = { logSeverityLevel: 3, intraOpNumThreads: 1 };

const ORT_TYPES: Readonly<Partial<Record<number, ort.Tensor.Type>>> = {
  [DataType.FLOAT]: 'float32', [DataType.FLOAT16]: 'float16', [DataType.DOUBLE]: 'float64', [DataType.INT8]: 'int8',
  [DataType.UINT8]: 'uint8', [DataType.INT16]: 'int16', [DataType.UINT16]: 'uint16', [DataType.INT32]: 'int32',
  [DataType.INT64]: 'int64', [DataType.BOOL]: 'bool', [DataType.UINT32]: 'uint32', [DataType.UINT64]: 'uint64',
};

const IR_TYPES: Readonly<Record<string, DataType>> = {
  float32: DataType.FLOAT, float16: DataType.FLOAT16, float64: DataType.DOUBLE, int8: DataType.INT8, uint8: DataType.UINT8,
  int16: DataType.INT16, uint16: DataType.UINT16, int32: DataType.INT32, int64: DataType.INT64, bool: DataType.BOOL,
  uint32: DataType.UINT32, uint64: DataType.UINT64,
};

export function toOrt(t: Tensor): ort.Tensor {
  const type = ORT_TYPES[t.dtype];
  if (type === undefined) throw new Error(`onnxruntime-node has no JS tensor type for dtype ${t.dtype}`);
  return new ort.Tensor(type, t.data as ort.Tensor.DataType, [...t.dims]);
}

export function fromOrt(t: ort.Tensor): Tensor {
  const d = IR_TYPES[t.type];
  if (d === undefined) throw new Error(`unexpected ORT output type ${t.type}`);
  return Tensor.of(d, t.dims, t.data as Float32Array);
}

/** Loads a model in onnxruntime-node (from its encoded bytes) and runs it. */
export async function runOrt(model: Model, feeds: Readonly<Record<string, Tensor>>): Promise<Record<string, Tensor>> {
  const s = await ort.InferenceSession.create(encodeModel(model), SESSION_OPTIONS);
  try {
    const f: Record<string, ort.Tensor> = {};
    for (const [k, v] of Object.entries(feeds)) f[k] = toOrt(v);
    const out = await s.run(f);
    const res: Record<string, Tensor> = {};
    for (const [k, v] of Object.entries(out)) res[k] = fromOrt(v);
    return res;
  } finally {
    await s.release();
  }
}

/** Encoded bytes of a model (for byte-identity checks). */
export function bytesOf(model: Model): Uint8Array {
  return encodeModel(model);
}

export { generateInputs };
