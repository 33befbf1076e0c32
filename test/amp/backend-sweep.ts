/**
 * The libonnx-testdata sweep of the mixed-precision conversion: every ONNX backend-test model
 * that onnxruntime-node loads in FP32 must still load after `castFp32ToFp16` in both IO modes,
 * and run on its test inputs (float inputs cast to the new input dtypes in the converted mode).
 */
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { Float16Array } from '@petamoriken/float16';
import { DataType, type Model, type Tensor } from '@mixprec/ir';
import { encodeModel, formatLoadError, loadModel } from '@mixprec/onnx';
import { castFp32ToFp16 } from '@mixprec/amp';
import { backendInputs } from '../shared/backend-inputs.js';
import { toOrt } from '../shared/ort.js';

/** Sessions of the sweep: one thread, and only fatal messages (the originals ORT rejects log errors). */
const SESSION_OPTIONS: ort.InferenceSession.SessionOptions = { logSeverityLevel: 4, intraOpNumThreads: 1 };

/** What happened to one case in one IO mode. */
export type SweepOutcome =
  | { readonly kind: 'original-rejected'; readonly reason: string }
  | { readonly kind: 'ok'; readonly ran: boolean; readonly changed: boolean }
  | { readonly kind: 'failed'; readonly stage: 'convert' | 'load' | 'run'; readonly reason: string };

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 300);
}

/** An ORT feed for `t`, cast to `want` when the converted input is float16. */
function feed(t: Tensor, want: DataType | undefined): ort.Tensor | undefined {
  if (want === DataType.FLOAT16 && t.dtype === DataType.FLOAT) {
    return new ort.Tensor('float16', new Uint16Array(new Float16Array(t.data as Float32Array).buffer), [...t.dims]);
  }
  return toOrt(t);
}

async function runSession(s: ort.InferenceSession, inputs: Record<string, Tensor>, model: Model): Promise<string | undefined> {
  const feeds: Record<string, ort.Tensor> = {};
  const dtypes = new Map(model.graph.inputs.map((v) => [v.name, v.dtype]));
  for (const [k, t] of Object.entries(inputs)) {
    if (!s.inputNames.includes(k)) continue;
    const f = feed(t, dtypes.get(k));
    if (f === undefined) return 'no ORT tensor type';
    feeds[k] = f;
  }
  try {
    await s.run(feeds);
    return undefined;
  } catch (e) {
    return firstLine(e);
  }
}

/** Sweeps one case in both IO modes (the FP32 session is shared). */
export async function sweepCase(caseDir: string): Promise<{ convert: SweepOutcome; keep: SweepOutcome }> {
  const file = path.join(caseDir, 'model.onnx');
  let original: ort.InferenceSession;
  try {
    original = await ort.InferenceSession.create(file, SESSION_OPTIONS);
  } catch (e) {
    const o: SweepOutcome = { kind: 'original-rejected', reason: firstLine(e) };
    return { convert: o, keep: o };
  }
  try {
    const first = loadModel(file);
    if (first._tag === 'Left') throw new Error(formatLoadError(first.left));
    const inputs = backendInputs(caseDir, first.right);
    // The converted model must run where the original runs on these inputs.
    const originalRuns = inputs !== undefined && (await runSession(original, inputs, first.right)) === undefined;
    const one = async (keep: boolean): Promise<SweepOutcome> => {
      const r = loadModel(file);
      if (r._tag === 'Left') return { kind: 'failed', stage: 'convert', reason: formatLoadError(r.left) };
      const model = r.right;
      const before = encodeModel(model);
      try {
        castFp32ToFp16(model, { keepIoTypes: keep });
      } catch (e) {
        return { kind: 'failed', stage: 'convert', reason: firstLine(e) };
      }
      const bytes = encodeModel(model);
      let s: ort.InferenceSession;
      try {
        s = await ort.InferenceSession.create(bytes, SESSION_OPTIONS);
      } catch (e) {
        return { kind: 'failed', stage: 'load', reason: firstLine(e) };
      }
      try {
        if (!originalRuns) return { kind: 'ok', ran: false, changed: !Buffer.from(before).equals(Buffer.from(bytes)) };
        const err = await runSession(s, inputs!, model);
        if (err !== undefined) return { kind: 'failed', stage: 'run', reason: err };
        return { kind: 'ok', ran: true, changed: !Buffer.from(before).equals(Buffer.from(bytes)) };
      } finally {
        await s.release();
      }
    };
    return { convert: await one(false), keep: await one(true) };
  } finally {
    await original.release();
  }
}

/** Counts of a sweep, per IO mode. */
export interface SweepCounts {
  cases: number;
  originalRejected: number;
  loaded: number;
  ran: number;
  changed: number;
  failures: string[];
}

export function emptyCounts(): SweepCounts {
  return { cases: 0, originalRejected: 0, loaded: 0, ran: 0, changed: 0, failures: [] };
}

export function count(c: SweepCounts, name: string, o: SweepOutcome): void {
  c.cases++;
  if (o.kind === 'original-rejected') c.originalRejected++;
  else if (o.kind === 'failed') c.failures.push(`${name} (${o.stage}): ${o.reason}`);
  else {
    c.loaded++;
    if (o.ran) c.ran++;
    if (o.changed) c.changed++;
  }
}
