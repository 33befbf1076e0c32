/**
 * Integer narrowing end to end: convert a model with `narrowIntegers`, let onnxruntime-node load
 * the result, and compare its outputs with the original's on the same inputs (cast to the
 * narrowed input types where the default IO mode changed them), value for value.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { narrowIntegers, type IntegerNarrowingReport, type NarrowIntegersOptions } from '@mixprec/amp';
import { DataType, type Model, type Tensor } from '@mixprec/ir';
import { formatLoadError, formatSaveError, loadModel, loadTensor, saveModel } from '@mixprec/onnx';

export const SESSION: ort.InferenceSession.SessionOptions = { logSeverityLevel: 4, intraOpNumThreads: 1 };

const ORT_TYPES: Readonly<Partial<Record<number, ort.Tensor.Type>>> = {
  [DataType.FLOAT]: 'float32', [DataType.UINT8]: 'uint8', [DataType.INT8]: 'int8', [DataType.UINT16]: 'uint16',
  [DataType.INT16]: 'int16', [DataType.INT32]: 'int32', [DataType.INT64]: 'int64', [DataType.STRING]: 'string',
  [DataType.BOOL]: 'bool', [DataType.FLOAT16]: 'float16', [DataType.DOUBLE]: 'float64', [DataType.UINT32]: 'uint32',
  [DataType.UINT64]: 'uint64',
};

const INT_RANGE: Readonly<Partial<Record<number, readonly [number, number]>>> = {
  [DataType.INT16]: [-32768, 32767], [DataType.INT32]: [-2147483648, 2147483647],
};

/**
 * An ORT tensor of `t`'s values in dtype `as` (a narrowed graph input); undefined when ORT has no
 * such type or a value does not fit `as` (the caller then skips the comparison).
 */
export function toOrt(t: Tensor, as: DataType = t.dtype): ort.Tensor | undefined {
  const type = ORT_TYPES[as];
  if (type === undefined || ORT_TYPES[t.dtype] === undefined) return undefined;
  const dims = [...t.dims];
  if (type === 'string') return new ort.Tensor('string', (t.data as readonly Uint8Array[]).map((b) => Buffer.from(b).toString('utf8')), dims);
  // A fresh, aligned copy: ORT reads feeds in place, and its vectorised float reductions sum in
  // an order that depends on the buffer's alignment (ReduceSum of the same 12 floats at byte
  // offsets 24 and 192 of a pooled buffer differ in the last bit).
  if (as === t.dtype) return new ort.Tensor(type, (t.data as Float32Array).slice() as ort.Tensor.DataType, dims);
  const r = INT_RANGE[as];
  if (r === undefined) return undefined;
  const xs = Array.from(t.data as ArrayLike<number | bigint>, Number);
  if (xs.some((x) => x < r[0] || x > r[1])) return undefined;
  return new ort.Tensor(type, as === DataType.INT16 ? Int16Array.from(xs) : Int32Array.from(xs), dims);
}

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

export function tempDir(prefix: string): [string, () => void] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return [dir, () => fs.rmSync(dir, { recursive: true, force: true })];
}

export async function session(file: string): Promise<ort.InferenceSession | string> {
  try {
    return await ort.InferenceSession.create(file, SESSION);
  } catch (e) {
    return (e as Error).message.split('\n')[0]!;
  }
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
  const original = await session(file);
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
  const converted = await session(out);
  if (typeof converted === 'string') return { kind: 'failed', reason: `onnxruntime-node rejects the result: ${converted}` };
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

/** Feeds from a backend-test case's `test_data_set_0/input_N.pb` (undefined when unusable). */
export function backendFeeds(caseDir: string, model: Model): Record<string, Tensor> | undefined {
  const set = path.join(caseDir, 'test_data_set_0');
  if (!fs.existsSync(set)) return undefined;
  if (model.graph.inputs.some((v) => v.type !== undefined && v.type.kind !== 'tensor')) return undefined;
  const names = model.graph.inputs.filter((v) => !v.isInitializer()).map((v) => v.name);
  const feeds: Record<string, Tensor> = {};
  for (let i = 0; fs.existsSync(path.join(set, `input_${i}.pb`)); i++) {
    const r = loadTensor(path.join(set, `input_${i}.pb`));
    if (r._tag === 'Left') return undefined;
    const name = r.right.meta.name !== undefined && r.right.meta.name !== '' ? r.right.meta.name : names[i];
    if (name === undefined) return undefined;
    feeds[name] = r.right;
  }
  return feeds;
}

/** Every `<suite>/<case>` folder with a model.onnx, sorted. */
export function backendCases(root: string): string[] {
  if (!fs.existsSync(root)) return [];
  const out: string[] = [];
  for (const suite of fs.readdirSync(root).sort()) {
    const sdir = path.join(root, suite);
    if (!fs.statSync(sdir).isDirectory()) continue;
    for (const c of fs.readdirSync(sdir).sort()) if (fs.existsSync(path.join(sdir, c, 'model.onnx'))) out.push(path.join(sdir, c));
  }
  return out;
}

/** ONNX backend test data (Debian libonnx-testdata); override with ONNX_TESTDATA_DIR. */
export const TESTDATA_DIR = process.env.ONNX_TESTDATA_DIR ?? '/usr/share/libonnx-testdata/data';

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
