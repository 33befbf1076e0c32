/**
 * Helpers of the mixed-precision end-to-end tests: seeded feeds, onnxruntime-node sessions,
 * conversions of feeds and outputs between float types.
 */
import * as ort from 'onnxruntime-node';
import { Float16Array } from '@petamoriken/float16';
import { DataType, Tensor, tensorToFloat64, type Model } from '@mixprec/ir';

export const SESSION_OPTIONS: ort.InferenceSession.SessionOptions = { logSeverityLevel: 3, intraOpNumThreads: 1 };

/** Seeded uniform floats in [lo, hi) (xorshift32). */
export function seeded(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    out[i] = lo + (hi - lo) * (s / 4294967296);
  }
  return out;
}

/** Float32 data in the element type an ORT input wants. */
export function ortFloat(data: Float32Array, dims: readonly number[], type: 'float32' | 'float16'): ort.Tensor {
  if (type === 'float32') return new ort.Tensor('float32', data, [...dims]);
  return new ort.Tensor('float16', new Uint16Array(new Float16Array(data).buffer), [...dims]);
}

/** The element type of each graph input of a model, as ORT spells it. */
export function inputTypes(model: Model): Record<string, DataType | undefined> {
  const out: Record<string, DataType | undefined> = {};
  for (const v of model.graph.inputs) out[v.name] = v.dtype;
  return out;
}

/** ORT output values as float64 (float16 decoded). */
export function ortValues(t: ort.Tensor): Float64Array {
  if (t.type === 'float16') return Float64Array.from(new Float16Array((t.data as Uint16Array).buffer, (t.data as Uint16Array).byteOffset, t.size));
  if (t.type === 'int64') return Float64Array.from(t.data as BigInt64Array, (x) => Number(x));
  return Float64Array.from(t.data as ArrayLike<number>);
}

/** The acceptance metric: max |a − ref| / (0.02·max|ref| + 1e-3), and whether a is all finite. */
export function errorRatio(a: Float64Array, ref: Float64Array, rel = 0.02, abs = 1e-3): { maxErr: number; tol: number; ratio: number; finite: boolean } {
  let max = 0;
  for (const x of ref) if (Number.isFinite(x)) max = Math.max(max, Math.abs(x));
  const tol = rel * max + abs;
  let maxErr = 0;
  let finite = true;
  for (let i = 0; i < ref.length; i++) {
    if (!Number.isFinite(a[i]!)) finite = false;
    maxErr = Math.max(maxErr, Math.abs(a[i]! - ref[i]!));
  }
  return { maxErr, tol, ratio: maxErr / tol, finite };
}

/** An IR tensor's values as float64. */
export function irValues(t: Tensor): Float64Array {
  return tensorToFloat64(t);
}

export { DataType };
