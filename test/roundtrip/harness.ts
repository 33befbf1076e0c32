/**
 * Round-trip harness: load a model with @mixprec/onnx, save it, and let onnxruntime-node judge
 * that the result loads whenever the original does and computes bit-identical outputs.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { DataType, type Model, type Tensor } from '@mixprec/ir';
import { formatLoadError, formatSaveError, loadModel, loadTensor, saveModel } from '@mixprec/onnx';

export const SESSION_OPTIONS: ort.InferenceSession.SessionOptions = { logSeverityLevel: 3, intraOpNumThreads: 1 };

const ORT_TYPES: Readonly<Partial<Record<number, ort.Tensor.Type>>> = Object.freeze({
  [DataType.FLOAT]: 'float32', [DataType.UINT8]: 'uint8', [DataType.INT8]: 'int8', [DataType.UINT16]: 'uint16',
  [DataType.INT16]: 'int16', [DataType.INT32]: 'int32', [DataType.INT64]: 'int64', [DataType.STRING]: 'string',
  [DataType.BOOL]: 'bool', [DataType.FLOAT16]: 'float16', [DataType.DOUBLE]: 'float64', [DataType.UINT32]: 'uint32',
  [DataType.UINT64]: 'uint64',
});

/** An IR tensor as an ORT tensor; undefined when ORT's JS API has no such type. */
export function toOrt(t: Tensor): ort.Tensor | undefined {
  const type = ORT_TYPES[t.dtype];
  if (type === undefined) return undefined;
  const dims = [...t.dims];
  if (type === 'string') return new ort.Tensor('string', (t.data as readonly Uint8Array[]).map((b) => Buffer.from(b).toString('utf8')), dims);
  return new ort.Tensor(type, t.data as ort.Tensor.DataType, dims);
}

/** Outputs as comparable records: type, dims and the exact bytes (or strings). */
export function snapshot(out: ort.InferenceSession.ReturnType): Record<string, { type: string; dims: readonly number[]; data: string }> {
  const rec: Record<string, { type: string; dims: readonly number[]; data: string }> = {};
  for (const name of Object.keys(out).sort()) {
    const t = out[name]!;
    const d = t.data as ArrayBufferView | string[];
    const data = Array.isArray(d) ? JSON.stringify(d) : Buffer.from(d.buffer, d.byteOffset, d.byteLength).toString('base64');
    rec[name] = { type: t.type, dims: t.dims, data };
  }
  return rec;
}

/** A temporary folder removed by the returned function. */
export function tempDir(prefix: string): [string, () => void] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return [dir, () => fs.rmSync(dir, { recursive: true, force: true })];
}

/** Loads and saves `file` into `dir` with @mixprec/onnx; returns the saved path and the model. */
export function roundTrip(file: string, dir: string): { saved: string; model: Model } {
  const r = loadModel(file);
  if (r._tag === 'Left') throw new Error(formatLoadError(r.left));
  const saved = path.join(dir, 'roundtrip.onnx');
  const s = saveModel(r.right, saved);
  if (s._tag === 'Left') throw new Error(formatSaveError(s.left));
  return { saved, model: r.right };
}

/** Creates a session, or returns the error message. */
export async function trySession(file: string): Promise<ort.InferenceSession | string> {
  try {
    return await ort.InferenceSession.create(file, SESSION_OPTIONS);
  } catch (e) {
    return (e as Error).message;
  }
}

/** Runs a session, returning the outputs snapshot or the error message. */
export async function tryRun(s: ort.InferenceSession, feeds: Record<string, ort.Tensor>): Promise<ReturnType<typeof snapshot> | { error: string }> {
  try {
    return snapshot(await s.run(feeds));
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** Result of one backend-test case. */
export type CaseOutcome =
  | { readonly kind: 'identical'; readonly ran: boolean }
  | { readonly kind: 'original-rejected'; readonly reason: string }
  | { readonly kind: 'failed'; readonly reason: string };

/**
 * One ONNX backend-test case: round trip, both sessions, outputs on test_data_set_0 compared
 * bit for bit (when its inputs are plain tensors ORT can take).
 */
export async function runBackendCase(caseDir: string): Promise<CaseOutcome> {
  const file = path.join(caseDir, 'model.onnx');
  const original = await trySession(file);
  if (typeof original === 'string') return { kind: 'original-rejected', reason: original.split('\n')[0]! };
  const [dir, cleanup] = tempDir('mixprec-rt-');
  try {
    let rt;
    try {
      rt = roundTrip(file, dir);
    } catch (e) {
      return { kind: 'failed', reason: `round trip: ${(e as Error).message}` };
    }
    const copy = await trySession(rt.saved);
    if (typeof copy === 'string') return { kind: 'failed', reason: `ORT rejects the round-tripped model: ${copy.split('\n')[0]}` };
    try {
      const feeds = backendFeeds(caseDir, rt.model, original.inputNames);
      if (feeds === undefined) return { kind: 'identical', ran: false };
      const [a, b] = [await tryRun(original, feeds), await tryRun(copy, feeds)];
      if (JSON.stringify(a) !== JSON.stringify(b)) {
        return { kind: 'failed', reason: `outputs differ: ${JSON.stringify(a).slice(0, 200)} vs ${JSON.stringify(b).slice(0, 200)}` };
      }
      return { kind: 'identical', ran: !('error' in a) };
    } finally {
      await original.release();
      await copy.release();
    }
  } finally {
    cleanup();
  }
}

/** Feeds from `test_data_set_0/input_N.pb`; undefined when an input is not a plain ORT tensor. */
function backendFeeds(caseDir: string, model: Model, inputNames: readonly string[]): Record<string, ort.Tensor> | undefined {
  const set = path.join(caseDir, 'test_data_set_0');
  if (!fs.existsSync(set)) return undefined;
  const graphInputs = model.graph.inputs.filter((v) => !v.isInitializer()).map((v) => v.name);
  if (model.graph.inputs.some((v) => v.type !== undefined && v.type.kind !== 'tensor')) return undefined;
  const feeds: Record<string, ort.Tensor> = {};
  for (let i = 0; fs.existsSync(path.join(set, `input_${i}.pb`)); i++) {
    const r = loadTensor(path.join(set, `input_${i}.pb`));
    if (r._tag === 'Left') return undefined;
    const name = r.right.meta.name !== undefined && r.right.meta.name !== '' ? r.right.meta.name : graphInputs[i];
    if (name === undefined || !inputNames.includes(name)) return undefined;
    const t = toOrt(r.right);
    if (t === undefined) return undefined;
    feeds[name] = t;
  }
  return feeds;
}

/** Every `<suite>/<case>` folder with a model.onnx under the test data folder, sorted. */
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
