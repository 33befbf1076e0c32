/**
 * Checks a converted model against its original in onnxruntime-node, as its own process
 * (big models stay out of the harness's memory):
 *
 *   node ort-check.js ORIGINAL CONVERTED INPUTS_JSON
 *
 * Both models run on the same seeded inputs (uniform in [-1, 1), shapes from INPUTS_JSON, a
 * list of {name, dtype, dims}); FLOAT16 inputs and outputs of the converted model are
 * converted exactly. Prints one JSON line: per output the largest absolute difference and the
 * largest reference magnitude, and the session create and run times.
 */
import fs from 'node:fs';
import { float16BitsToFloat32, float32ToFloat16Bits } from '@mixprec/ir';
import type * as OrtTypes from 'onnxruntime-node';
import { fillUniform, seedOf } from './random.js';
import type { InputSpec } from './model-cache.js';

type Ort = typeof OrtTypes;

export interface OutputDiff {
  readonly name: string;
  readonly elements: number;
  readonly maxAbsDiff: number;
  readonly maxAbsRef: number;
  /** Largest |converted - original| / (1e-3 + |original|). */
  readonly maxRelDiff: number;
  readonly finite: boolean;
}

export interface OrtCheck {
  readonly outputs: OutputDiff[];
  readonly original: { createMs: number; runMs: number };
  readonly converted: { createMs: number; runMs: number; inputTypes: string[]; outputTypes: string[] };
}

function feeds(ort: Ort, session: OrtTypes.InferenceSession, specs: readonly InputSpec[]): Record<string, OrtTypes.Tensor> {
  const out: Record<string, OrtTypes.Tensor> = {};
  const meta = new Map(session.inputMetadata.map((m) => [m.name, m]));
  for (const s of specs) {
    const f = new Float32Array(s.dims.reduce((a, b) => a * b, 1));
    fillUniform(f, seedOf(`input ${s.name}`), 1);
    const m = meta.get(s.name);
    const type = m !== undefined && m.isTensor ? m.type : 'float32';
    out[s.name] = type === 'float16' ? new ort.Tensor('float16', float32ToFloat16Bits(f), [...s.dims]) : new ort.Tensor('float32', f, [...s.dims]);
  }
  return out;
}

function asFloat32(t: OrtTypes.Tensor): Float32Array {
  if (t.type === 'float16') return float16BitsToFloat32(t.data as Uint16Array);
  if (t.type === 'float32') return t.data as Float32Array;
  return Float32Array.from(t.data as ArrayLike<number>);
}

async function runOnce(ort: Ort, file: string, specs: readonly InputSpec[]) {
  const t0 = performance.now();
  const session = await ort.InferenceSession.create(file, { logSeverityLevel: 3, intraOpNumThreads: 1 });
  const createMs = performance.now() - t0;
  const t1 = performance.now();
  const result = await session.run(feeds(ort, session, specs));
  const runMs = performance.now() - t1;
  const outputs = new Map<string, { data: Float32Array; type: string }>();
  for (const name of session.outputNames) outputs.set(name, { data: asFloat32(result[name]!), type: result[name]!.type });
  const inputTypes = session.inputMetadata.map((m) => (m.isTensor ? m.type : 'non-tensor'));
  await session.release();
  return { createMs: Math.round(createMs), runMs: Math.round(runMs), outputs, inputTypes };
}

async function main(): Promise<void> {
  const [original, converted, inputsJson] = process.argv.slice(2);
  if (original === undefined || converted === undefined || inputsJson === undefined) throw new Error('usage: ort-check ORIGINAL CONVERTED INPUTS_JSON');
  const specs = JSON.parse(fs.readFileSync(inputsJson, 'utf8')) as InputSpec[];
  const ort = (await import('onnxruntime-node')) as unknown as Ort;
  const a = await runOnce(ort, original, specs);
  const b = await runOnce(ort, converted, specs);
  const outputs: OutputDiff[] = [];
  for (const [name, ref] of a.outputs) {
    const got = b.outputs.get(name);
    if (got === undefined) throw new Error(`the converted model has no output '${name}'`);
    if (got.data.length !== ref.data.length) throw new Error(`output '${name}': ${got.data.length} elements, the original has ${ref.data.length}`);
    let maxAbsDiff = 0;
    let maxAbsRef = 0;
    let maxRelDiff = 0;
    let finite = true;
    for (let i = 0; i < ref.data.length; i++) {
      const r = ref.data[i]!;
      const g = got.data[i]!;
      if (!Number.isFinite(g)) finite = false;
      const d = Math.abs(g - r);
      if (d > maxAbsDiff) maxAbsDiff = d;
      if (Math.abs(r) > maxAbsRef) maxAbsRef = Math.abs(r);
      const rel = d / (1e-3 + Math.abs(r));
      if (rel > maxRelDiff) maxRelDiff = rel;
    }
    outputs.push({ name, elements: ref.data.length, maxAbsDiff, maxAbsRef, maxRelDiff, finite });
  }
  const check: OrtCheck = {
    outputs,
    original: { createMs: a.createMs, runMs: a.runMs },
    converted: { createMs: b.createMs, runMs: b.runMs, inputTypes: b.inputTypes, outputTypes: [...b.outputs.values()].map((o) => o.type) },
  };
  process.stdout.write(`${JSON.stringify(check)}\n`);
}

await main();
