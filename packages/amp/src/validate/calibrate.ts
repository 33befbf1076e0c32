import {
  DataType, err, isFloatType, ok, tensorToFloat32, type Model, type Result, type Tensor, type Value,
} from '@mixprec/ir';
import type { BackendName } from '@mixprec/executor-tfjs';
import { executor } from './executor.js';
import type { Calibration, CalibrationRange } from '../options.js';
import type { AmpReport } from '../report.js';
import { feedsFor, type FeedSet } from './runner.js';

/** The observed range of one value over every calibration sample. */
export interface ObservedRange extends CalibrationRange {
  /** Elements seen (all samples, all iterations of a loop body). */
  readonly count: number;
  /** Non-finite elements seen (not part of min/max/absMax). */
  readonly nonFinite: number;
  /**
   * Mask sentinels seen (|x| ≥ 1e30, e.g. float32 lowest added as an attention mask): not part
   * of min/max/absMax, as in the weight-range rule — in 16-bit they saturate to ±max and still
   * mask (softmax gives 0), so they are no reason to keep a node in float32.
   */
  readonly sentinels: number;
}

/** What {@link collectRanges} returns: calibration ranges for the `calibration` rule, and how they were found. */
export interface CalibrationData extends Calibration {
  readonly ranges: ReadonlyMap<string, ObservedRange>;
  readonly samples: number;
  /** Executor runs made (one per sample). */
  readonly runs: number;
  readonly ms: number;
}

/** Options of {@link collectRanges}. */
export interface CollectRangesOptions {
  readonly backend?: BackendName | readonly BackendName[];
  /** Stored as the calibration's margin (default: the rule's default, 0.5). */
  readonly margin?: number;
  /** Called after every sample: samples done, samples in all. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** A run of the FP32 model on one sample that also records ranges (and optionally intermediates). */
export interface ObservedRun {
  readonly outputs: Readonly<Record<string, Tensor>>;
  readonly intermediates?: ReadonlyMap<string, Tensor>;
}

/** |x| from which a value is a mask sentinel (the weight-range rule's threshold). */
const SENTINEL = 1e30;

interface Acc {
  min: number;
  max: number;
  absMax: number;
  count: number;
  nonFinite: number;
  sentinels: number;
  /** The shape seen every time so far; null once two shapes differed. */
  dims: readonly number[] | null;
}

/** Accumulates value ranges over runs (float values only; constants are the weight-range rule's business). */
export class RangeRecorder {
  readonly #acc = new Map<string, Acc>();

  /** Adds the elements of a float tensor to the range of `name`. */
  add(name: string, t: Tensor): void {
    if (!isFloatType(t.dtype) || t.dtype === DataType.DOUBLE || name === '') return;
    const d = tensorToFloat32(t);
    let a = this.#acc.get(name);
    if (a === undefined) {
      a = { min: Infinity, max: -Infinity, absMax: 0, count: 0, nonFinite: 0, sentinels: 0, dims: t.dims };
      this.#acc.set(name, a);
    } else if (a.dims !== null && (a.dims.length !== t.dims.length || a.dims.some((x, i) => x !== t.dims[i]))) {
      a.dims = null;
    }
    let { min, max, nonFinite, sentinels } = a;
    for (let i = 0; i < d.length; i++) {
      const x = d[i]!;
      if (x - x !== 0) {
        nonFinite++;
        continue;
      }
      if (x >= SENTINEL || x <= -SENTINEL) {
        sentinels++;
        continue;
      }
      if (x < min) min = x;
      if (x > max) max = x;
    }
    a.min = min;
    a.max = max;
    a.nonFinite = nonFinite;
    a.sentinels = sentinels;
    a.count += d.length;
    if (min <= max) a.absMax = Math.max(Math.abs(min), Math.abs(max));
  }

  /** Records a value computed by a node (skips Constant outputs). */
  observe(v: Value, t: Tensor): void {
    const p = v.producer();
    if (p !== undefined && p.domain === '' && p.opType === 'Constant') return;
    this.add(v.name, t);
  }

  /** The ranges so far, in first-seen order (values never finite get min = max = absMax = 0). */
  ranges(): Map<string, ObservedRange> {
    const out = new Map<string, ObservedRange>();
    for (const [k, a] of this.#acc) {
      const seen = a.min <= a.max;
      out.set(k, {
        min: seen ? a.min : 0, max: seen ? a.max : 0, absMax: a.absMax, count: a.count, nonFinite: a.nonFinite, sentinels: a.sentinels,
        ...(a.dims === null ? {} : { dims: [...a.dims] }),
      });
    }
    return out;
  }
}

/**
 * Runs `model` on one sample on the executor, recording the ranges of its graph inputs and of
 * every float value it computes (subgraphs included) into `recorder`.
 */
export async function observedRun(
  model: Model, feeds: Readonly<Record<string, Tensor>>, recorder: RangeRecorder | undefined,
  options: { backend?: BackendName | readonly BackendName[]; keepIntermediates?: boolean } = {},
): Promise<Result<string, ObservedRun>> {
  const f = feedsFor(model, feeds);
  if (recorder !== undefined) for (const v of model.graph.inputs) if (f[v.name] !== undefined) recorder.add(v.name, f[v.name]!);
  const r = await (await executor()).runModel(model, f, {
    ...(options.backend === undefined ? {} : { backend: options.backend }),
    ...(options.keepIntermediates === true ? { keepIntermediates: true } : {}),
    ...(recorder === undefined ? {} : { onValue: (v: Value, t: Tensor) => recorder.observe(v, t) }),
  });
  if (r._tag === 'Left') return err(r.left.message);
  return ok({ outputs: r.right.outputs, ...(r.right.intermediates === undefined ? {} : { intermediates: r.right.intermediates }) });
}

/**
 * Calibration: runs the FP32 model on every sample and records the range of every float value
 * (graph inputs, every node output, subgraph values once per iteration). Pass the result as
 * the `calibration` option of the conversion: nodes whose inputs or outputs would leave
 * margin · 65504 (fp16), and reductions whose partial sums could, stay float32.
 */
export async function collectRanges(
  model: Model, feedSets: readonly FeedSet[], options: CollectRangesOptions = {},
): Promise<Result<string, CalibrationData>> {
  const t0 = Date.now();
  if (feedSets.length === 0) return err('No calibration samples; give at least one data source');
  const rec = new RangeRecorder();
  let runs = 0;
  for (const set of feedSets) {
    const r = await observedRun(model, set.feeds, rec, options.backend === undefined ? {} : { backend: options.backend });
    runs++;
    options.onProgress?.(runs, feedSets.length);
    if (r._tag === 'Left') return err(`calibration sample ${set.label}: ${r.left}`);
  }
  return ok({
    ranges: rec.ranges(), ...(options.margin === undefined ? {} : { margin: options.margin }),
    samples: feedSets.length, runs, ms: Date.now() - t0,
  });
}

/** A node the calibration rule kept in float32, and why. */
export interface CalibrationKept {
  readonly graph: string;
  readonly node: string;
  readonly opType: string;
  readonly reason: string;
}

/** The nodes a conversion kept in float32 because of calibration ranges. */
export function keptByCalibration(report: AmpReport): CalibrationKept[] {
  return report.nodes
    .filter((n) => n.rule === 'calibration')
    .map((n) => ({ graph: n.graph, node: n.name !== '' ? n.name : (n.outputNames[0] ?? ''), opType: n.opType, reason: n.reason ?? '' }));
}
