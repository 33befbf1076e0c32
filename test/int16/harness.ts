/**
 * Integer narrowing end to end: convert a model with `narrowIntegers`, let onnxruntime-node load
 * the result, and compare its outputs with the original's on the same inputs (cast to the
 * narrowed input types where the default IO mode changed them), value for value.
 */
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { narrowIntegers, type IntegerNarrowingReport, type NarrowIntegersOptions } from '@mixprec/amp';
import type { Model, Tensor } from '@mixprec/ir';
import { formatLoadError, formatSaveError, loadModel, saveModel } from '@mixprec/onnx';
import { toOrt, trySession } from '../shared/ort.js';

export const SESSION: ort.InferenceSession.SessionOptions = { logSeverityLevel: 4, intraOpNumThreads: 1 };

/** Outputs by name as comparable strings: dims and the values (integers of any width alike; floats bit for bit). */
export function snapshot(out: ort.InferenceSession.ReturnType): Record<string, string> {
  const rec: Record<string, string> = {};
  for (const name of Object.keys(out).sort()) {
    const t = out[name]!;
    const d = t.data as ArrayLike<unknown>;
    let values: string;
    if (t.type === 'float32' || t.type === 'float64' || t.type === 'float16') {
      const v = t.data as ArrayBufferView;
      values = Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
    } else {
      values = Array.from(d, (x) => String(x)).join(',');
    }
    rec[name] = `${t.dims.join('x')}:${values}`;
  }
  return rec;
}

/** The outcome of one model under one pass configuration. */
export type Outcome =
  | { readonly kind: 'identical'; readonly changed: boolean; readonly narrowed: number; readonly compared: boolean }
  | { readonly kind: 'original-rejected' }
  | { readonly kind: 'failed'; readonly reason: string };

/** The report of the pass the options select (int64-to-int32 when int16 is off). */
export function mainReport(options: NarrowIntegersOptions, r: ReturnType<typeof narrowIntegers>): IntegerNarrowingReport {
  return (options.int16 === false ? r.int64ToInt32 : r.int16)!;
}

/**
 * Converts `file` once per entry of `modes`, saves each result, loads it in ORT and compares
 * its outputs with the original's on `feeds` (IR tensors by input name; undefined: load check
 * only). The original is loaded and run once.
 */
export async function checkModel(
  file: string, modes: readonly NarrowIntegersOptions[], feeds: (m: Model) => Record<string, Tensor> | undefined, dir: string,
): Promise<Outcome[]> {
  const original = await trySession(file, SESSION);
  if (typeof original === 'string') return modes.map(() => ({ kind: 'original-rejected' }));
  let expected: Record<string, string> | undefined | 'not-run';
  try {
    const out: Outcome[] = [];
    for (const options of modes) {
      const loaded = loadModel(file);
      if (loaded._tag === 'Left') {
        out.push({ kind: 'failed', reason: `load: ${formatLoadError(loaded.left)}` });
        continue;
      }
      const model = loaded.right;
      const given = feeds(model);
      if (expected === undefined && given !== undefined) {
        const fa: Record<string, ort.Tensor> = {};
        let ok = true;
        for (const [name, t] of Object.entries(given)) {
          const a = toOrt(t);
          if (a === undefined) ok = false;
          else fa[name] = a;
        }
        try {
          expected = ok ? snapshot(await original.run(fa)) : 'not-run';
        } catch {
          expected = 'not-run'; // the original does not run on these inputs
        }
      }
      out.push(await checkOne(model, options, given, expected === 'not-run' ? undefined : expected, dir));
    }
    return out;
  } finally {
    await original.release();
  }
}

async function checkOne(
  model: Model, options: NarrowIntegersOptions, given: Record<string, Tensor> | undefined,
  expected: Record<string, string> | undefined, dir: string,
): Promise<Outcome> {
  let report: IntegerNarrowingReport;
  try {
    report = mainReport(options, narrowIntegers(model, options));
  } catch (e) {
    return { kind: 'failed', reason: `pass: ${(e as Error).message.split('\n').slice(0, 3).join(' | ')}` };
  }
  const out = path.join(dir, 'narrowed.onnx');
  const saved = saveModel(model, out);
  if (saved._tag === 'Left') return { kind: 'failed', reason: `save: ${formatSaveError(saved.left)}` };
  const converted = await trySession(out, SESSION);
  if (typeof converted === 'string') return { kind: 'failed', reason: `onnxruntime-node rejects the result: ${converted.split('\n')[0]}` };
  try {
    const base = { kind: 'identical' as const, changed: report.modified, narrowed: report.counts.narrowed };
    if (given === undefined || expected === undefined) return { ...base, compared: false };
    const fb: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(given)) {
      const v = model.graph.inputs.find((x) => x.name === name);
      const b = v === undefined ? undefined : toOrt(t, v.dtype!);
      // A test input outside the type an assumed range narrowed the input to: nothing to compare.
      if (b === undefined) return { ...base, compared: false };
      fb[name] = b;
    }
    let actual: Record<string, string>;
    try {
      actual = snapshot(await converted.run(fb));
    } catch (e) {
      return { kind: 'failed', reason: `the result fails to run: ${(e as Error).message.split('\n')[0]}` };
    }
    for (const k of Object.keys(expected)) {
      if (expected[k] !== actual[k]) return { kind: 'failed', reason: `output '${k}' differs` };
    }
    return { ...base, compared: true };
  } finally {
    await converted.release();
  }
}

/** Counts of a sweep, for the summary line. */
export class Tally {
  cases = 0;
  rejectedByOrt = 0;
  changed = 0;
  narrowed = 0;
  compared = 0;
  readonly failures: string[] = [];

  add(name: string, o: Outcome): void {
    this.cases++;
    if (o.kind === 'original-rejected') this.rejectedByOrt++;
    else if (o.kind === 'failed') this.failures.push(`${name}: ${o.reason}`);
    else {
      if (o.changed) this.changed++;
      this.narrowed += o.narrowed;
      if (o.compared) this.compared++;
    }
  }

  summary(label: string): string {
    return `${label}: ${this.cases} models, ${this.rejectedByOrt} not loadable by onnxruntime-node in the original, `
      + `${this.changed} changed, ${this.narrowed} tensors narrowed, ${this.compared} compared bit-identical, ${this.failures.length} failed`;
  }
}
