/**
 * The npm-shipped real models, run in FP32 on the tfjs executor and on onnxruntime-node with
 * the same seeded inputs; reports the largest relative error per output.
 */
import * as ort from 'onnxruntime-node';
import { executeModel, generateInputs, type GenerateOptions } from '@mixprec/executor-tfjs';
import { DataType, int64Tensor, Tensor, tensorToFloat64, type Model } from '@mixprec/ir';
import { loadModel } from '@mixprec/onnx';
import { realModelPath } from '@mixprec/testing';
import { toOrt } from './ort-fp16.js';

export interface RealModel {
  readonly name: string;
  readonly file: string;
  readonly inputs: GenerateOptions;
}

const SR = { sr: int64Tensor([], [16000]) };

/**
 * A synthetic document image, normalised as PaddleOCR does ((v − 0.5) / 0.5 per channel): a
 * light page with dark text-like strokes (lines of short bars), so the detector sees text.
 */
export function documentImage(h: number, w: number, seed: number): Tensor {
  const data = new Float32Array(3 * h * w);
  let s = seed >>> 0;
  const rnd = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const ink = new Uint8Array(h * w);
  for (let line = Math.floor(h * 0.1); line + 12 < h; line += 24 + Math.floor(rnd() * 8)) {
    let x = Math.floor(w * 0.05 + rnd() * 10);
    while (x + 10 < w * 0.95) {
      const cw = 4 + Math.floor(rnd() * 8);
      for (let y = line; y < line + 12; y++) for (let xx = x; xx < x + cw; xx++) if (rnd() < 0.85) ink[y * w + xx] = 1;
      x += cw + 2 + Math.floor(rnd() * 6);
    }
  }
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < h * w; i++) {
      const v = ink[i] ? 0.1 + 0.1 * rnd() : 0.9 + 0.1 * rnd();
      data[c * h * w + i] = (v - 0.5) / 0.5;
    }
  }
  return Tensor.of(DataType.FLOAT, [1, 3, h, w], data);
}

/** The real models and the inputs they are run on. */
export const REAL_MODELS: readonly RealModel[] = [
  { name: 'silero_vad_v5', file: realModelPath('silero-v5'), inputs: { seed: 1, shapes: { input: [1, 512], state: [2, 1, 128] }, fixed: SR } },
  { name: 'silero_vad_v6', file: realModelPath('silero-v6'), inputs: { seed: 2, shapes: { input: [1, 512], state: [2, 1, 128] }, fixed: SR } },
  { name: 'silero_vad_legacy', file: realModelPath('silero-legacy'), inputs: { seed: 3, shapes: { input: [1, 512], h: [2, 1, 64], c: [2, 1, 64] }, fixed: SR } },
  { name: 'ppocr_v4_det', file: realModelPath('ppocr-det'), inputs: { fixed: { x: documentImage(320, 320, 4) } } },
  { name: 'ppocr_v4_rec', file: realModelPath('ppocr-rec'), inputs: { fixed: { x: documentImage(48, 320, 5) } } },
  { name: 'ppocr_mobile_v2_cls', file: realModelPath('ppocr-cls'), inputs: { fixed: { x: documentImage(48, 192, 6) } } },
];

export interface OutputComparison {
  readonly name: string;
  /** max |a − e| / max |e| over the output. */
  readonly relError: number;
  readonly maxAbsError: number;
  readonly shape: readonly number[];
}

export interface RealModelResult {
  readonly name: string;
  readonly outputs: readonly OutputComparison[];
  readonly executorMs: number;
  readonly ortMs: number;
}

export function loadReal(file: string): Model {
  const m = loadModel(file);
  if (m._tag === 'Left') throw new Error(`cannot load ${file}: ${JSON.stringify(m.left).slice(0, 300)}`);
  return m.right;
}

/** Runs one real model in both runtimes (the executor's backend must be initialised). */
export async function compareWithOrt(spec: RealModel): Promise<RealModelResult> {
  const model = loadReal(spec.file);
  const feeds = generateInputs(model, spec.inputs);
  const t0 = performance.now();
  const r = executeModel(model, feeds);
  const executorMs = performance.now() - t0;
  if (r._tag === 'Left') throw new Error(`${spec.name}: ${r.left._tag}: ${r.left.message}`);
  const session = await ort.InferenceSession.create(spec.file, { intraOpNumThreads: 1, logSeverityLevel: 3 });
  const ortFeeds: Record<string, ort.Tensor> = {};
  for (const [k, t] of Object.entries(feeds)) ortFeeds[k] = toOrt(t);
  const t1 = performance.now();
  const expected = await session.run(ortFeeds);
  const ortMs = performance.now() - t1;
  await session.release();
  const outputs = model.graph.outputs.map((v): OutputComparison => {
    const a = tensorToFloat64(r.right.outputs[v.name]!);
    const e = expected[v.name]!;
    const ed = Float64Array.from(e.data as Float32Array);
    if (a.length !== ed.length) throw new Error(`${spec.name} output ${v.name}: ${a.length} values vs ORT ${ed.length}`);
    let maxE = 0;
    let maxD = 0;
    for (let i = 0; i < a.length; i++) {
      maxE = Math.max(maxE, Math.abs(ed[i]!));
      maxD = Math.max(maxD, Math.abs(a[i]! - ed[i]!));
    }
    return { name: v.name, relError: maxE === 0 ? maxD : maxD / maxE, maxAbsError: maxD, shape: [...e.dims] };
  });
  return { name: spec.name, outputs, executorMs, ortMs };
}
