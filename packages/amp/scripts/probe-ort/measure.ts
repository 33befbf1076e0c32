/**
 * Loads and runs a probe model in onnxruntime-node (CPU execution provider, the options the
 * tests use) and classifies what happened.
 */
import * as ort from 'onnxruntime-node';
import { encodeModel } from '@mixprec/onnx';
import type { Probe } from './build.js';

export const SESSION_OPTIONS: ort.InferenceSession.SessionOptions = { logSeverityLevel: 3, intraOpNumThreads: 1 };

/**
 * - `runs`: loads and runs;
 * - `no-kernel`: refused at load, no implementation for the node's types;
 * - `load-error`: refused at load for another reason (type inference, a function body);
 * - `run-error`: loads, fails at run time.
 */
export type Status = 'runs' | 'no-kernel' | 'load-error' | 'run-error';

export interface Measurement {
  readonly status: Status;
  readonly message?: string;
  /** Output values as float64 (16-bit floats decoded), by output position. */
  readonly outputs?: readonly Float64Array[];
}

function firstLine(e: unknown): string {
  const s = e instanceof Error ? e.message : String(e);
  // onnxruntime prefixes messages with a source location; keep what follows it.
  const line = s.split('\n')[0] ?? s;
  return line.replace(/^.*?onnxruntime::[^ ]* /, '').slice(0, 300);
}

function decode(t: ort.Tensor): Float64Array {
  // Probe outputs are float32 (see buildProbe).
  return Float64Array.from(t.data as Float32Array);
}

/** Creates a session from the probe's bytes, runs it once, releases it. */
export async function measure(p: Probe): Promise<Measurement> {
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(encodeModel(p.model), SESSION_OPTIONS);
  } catch (e) {
    const message = firstLine(e);
    const status: Status = /Could not find an implementation|NOT_IMPLEMENTED/.test(message) ? 'no-kernel' : 'load-error';
    return { status, message };
  }
  try {
    // Run errors are results here: keep onnxruntime from logging them (fatal only).
    const out = await session.run(p.feeds, { logSeverityLevel: 4 });
    return { status: 'runs', outputs: session.outputNames.map((n) => decode(out[n]!)) };
  } catch (e) {
    return { status: 'run-error', message: firstLine(e) };
  } finally {
    await session.release();
  }
}

/** Largest |a − ref| over max(|ref|) (0 when the shapes differ or nothing is finite). */
export function relativeError(a: Float64Array, ref: Float64Array): number {
  if (a.length !== ref.length) return Number.NaN;
  let max = 0;
  let err = 0;
  for (let i = 0; i < ref.length; i++) {
    const r = ref[i]!;
    const x = a[i]!;
    if (!Number.isFinite(r)) continue;
    max = Math.max(max, Math.abs(r));
    err = Math.max(err, Number.isFinite(x) ? Math.abs(x - r) : Infinity);
  }
  return max === 0 ? err : err / max;
}
