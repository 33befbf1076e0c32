import * as ort from 'onnxruntime-node';
import { DataType, type Model } from '@mixprec/ir';
import { loadModel, formatLoadError, encodeModel } from '@mixprec/onnx';
import { realModelFeeds, realModelPath, type RealModel } from '@mixprec/testing';

/** A real model's file, or undefined when its package is not installed (its tests are then skipped). */
export function modelFile(m: RealModel): string | undefined {
  try {
    return realModelPath(m);
  } catch {
    return undefined;
  }
}

export function load(file: string): Model {
  const r = loadModel(file);
  if (r._tag === 'Left') throw new Error(formatLoadError(r.left));
  return r.right;
}

/** ORT feeds for a real model: `realModelFeeds` (seeded floats, fixed integer inputs) as ORT tensors. */
export function ortFeeds(m: RealModel, seed = 1): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const [name, t] of Object.entries(realModelFeeds(m, seed))) {
    feeds[name] = new ort.Tensor(t.dtype === DataType.INT64 ? 'int64' : 'float32', t.data as Float32Array | BigInt64Array, [...t.dims]);
  }
  return feeds;
}

/**
 * Runs a model in onnxruntime-node on one thread. `exact` turns off ORT's graph optimiser and
 * weight prepacking, whose kernels depend on which values are initializers, so that two
 * equivalent graphs give bit-identical results.
 */
export async function runOrt(model: Model, feeds: Record<string, ort.Tensor>, mode: 'exact' | 'all' = 'all'): Promise<Record<string, ort.Tensor>> {
  const options: ort.InferenceSession.SessionOptions = mode === 'exact'
    ? { logSeverityLevel: 3, intraOpNumThreads: 1, graphOptimizationLevel: 'disabled', extra: { session: { disable_prepacking: '1' } } }
    : { logSeverityLevel: 3, intraOpNumThreads: 1 };
  const s = await ort.InferenceSession.create(encodeModel(model), options);
  try {
    return await s.run(feeds);
  } finally {
    await s.release();
  }
}

/** Largest |a − b| over the float outputs of two runs, and the largest |a|. */
export function maxDiff(a: Record<string, ort.Tensor>, b: Record<string, ort.Tensor>): { abs: number; scale: number } {
  let abs = 0;
  let scale = 0;
  for (const [k, t] of Object.entries(a)) {
    const x = t.data as Float32Array;
    const y = b[k]!.data as Float32Array;
    for (let i = 0; i < x.length; i++) {
      abs = Math.max(abs, Math.abs(Number(x[i]) - Number(y[i])));
      scale = Math.max(scale, Math.abs(Number(x[i])));
    }
  }
  return { abs, scale };
}
