/**
 * Round-trip harness: load a model with @mixprec/onnx, save it, and let onnxruntime-node judge
 * that the result loads whenever the original does and computes bit-identical outputs.
 */
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import type { Model } from '@mixprec/ir';
import { formatLoadError, formatSaveError, loadModel, saveModel } from '@mixprec/onnx';
import { backendInputs } from '../shared/backend-inputs.js';
import { tempDir, toOrtFeeds, trySession } from '../shared/ort.js';

export const SESSION_OPTIONS: ort.InferenceSession.SessionOptions = { logSeverityLevel: 3, intraOpNumThreads: 1 };

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

/** Loads and saves `file` into `dir` with @mixprec/onnx; returns the saved path and the model. */
export function roundTrip(file: string, dir: string): { saved: string; model: Model } {
  const r = loadModel(file);
  if (r._tag === 'Left') throw new Error(formatLoadError(r.left));
  const saved = path.join(dir, 'roundtrip.onnx');
  const s = saveModel(r.right, saved);
  if (s._tag === 'Left') throw new Error(formatSaveError(s.left));
  return { saved, model: r.right };
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
  const original = await trySession(file, SESSION_OPTIONS);
  if (typeof original === 'string') return { kind: 'original-rejected', reason: original.split('\n')[0]! };
  const [dir, cleanup] = tempDir('mixprec-rt-');
  try {
    let rt;
    try {
      rt = roundTrip(file, dir);
    } catch (e) {
      return { kind: 'failed', reason: `round trip: ${(e as Error).message}` };
    }
    const copy = await trySession(rt.saved, SESSION_OPTIONS);
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

/** Feeds from `test_data_set_0/input_N.pb`; undefined when an input is not a plain ORT tensor the session takes. */
function backendFeeds(caseDir: string, model: Model, inputNames: readonly string[]): Record<string, ort.Tensor> | undefined {
  const inputs = backendInputs(caseDir, model);
  if (inputs === undefined || Object.keys(inputs).some((name) => !inputNames.includes(name))) return undefined;
  return toOrtFeeds(inputs);
}
