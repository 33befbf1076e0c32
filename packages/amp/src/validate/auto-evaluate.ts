import { cloneModel, type Model } from '@mixprec/ir';
import type { BackendName } from '@mixprec/executor-tfjs';
import { castFp32ToFp16, type ConvertOptions } from '../api.js';
import type { Calibration } from '../options.js';
import type { AmpReport } from '../report.js';
import { observedRun, type ObservedRun } from './calibrate.js';
import { compareOutput } from './metrics.js';
import type { FeedSet } from './runner.js';
import type { Tolerance } from './tolerance.js';

/** How one attempt did on its worst output. */
export interface AttemptWorst {
  readonly sample: string;
  readonly output: string;
  readonly maxAbs: number;
  /** max |err| / (atol + rtol·|ref|): ≤ 1 passes (1e308 for a non-finite value). */
  readonly ratio: number;
  readonly nonFinite: number;
}

/** One candidate configuration evaluated on the data. */
export interface Evaluation {
  readonly passed: boolean;
  readonly candidate: Model;
  readonly amp: AmpReport;
  readonly worst: AttemptWorst;
  /** The first failing sample (or the worst one when all pass) and its run with intermediates. */
  readonly sampleIndex: number;
  readonly run: ObservedRun;
  /** Executor runs this evaluation made. */
  readonly runs: number;
}

/** The fixed parts of every attempt. */
export interface EvaluatorSetup {
  readonly work: Model;
  readonly feedSets: readonly FeedSet[];
  readonly references: readonly ObservedRun[];
  readonly tolerance: Tolerance;
  readonly base: ConvertOptions;
  readonly calibration: Calibration | undefined;
  readonly inputShapes: Readonly<Record<string, readonly number[]>>;
  readonly backend?: BackendName | readonly BackendName[];
}

/** A block-list entry for an exact node name (names that look like `/re/` are escaped). */
export function exactName(name: string): string | RegExp {
  return /^\/.*\/[a-z]*$/.test(name) ? new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`) : name;
}

/** The conversion options of an attempt that keeps `blocked` (node names) in float32. */
export function attemptOptions(s: EvaluatorSetup, blocked: Iterable<string>, all = false): ConvertOptions {
  const user = s.base.blockNodes ?? [];
  return {
    ...s.base,
    blockNodes: all ? [/.*/] : [...user, ...[...blocked].map(exactName)],
    ...(s.calibration === undefined ? {} : { calibration: s.calibration }),
    inputShapes: s.inputShapes,
  };
}

/**
 * Converts a copy of the FP32 model with the given blocks and runs it on the samples (in
 * memory: no files), stopping at the first sample that misses the tolerance. `all` blocks
 * every node (only the graph inputs/outputs change dtype: the floor of the error).
 */
export async function evaluate(s: EvaluatorSetup, blocked: Iterable<string>, all = false): Promise<Evaluation | string> {
  const candidate = cloneModel(s.work);
  const amp = castFp32ToFp16(candidate, attemptOptions(s, blocked, all));
  let runs = 0;
  let worst: AttemptWorst | undefined;
  let keep: { index: number; run: ObservedRun } | undefined;
  for (let i = 0; i < s.feedSets.length; i++) {
    const set = s.feedSets[i]!;
    const r = await observedRun(candidate, set.feeds, undefined, { ...(s.backend === undefined ? {} : { backend: s.backend }), keepIntermediates: true });
    runs++;
    if (r._tag === 'Left') return `converted model on ${set.label}: ${r.left}`;
    let sampleWorst: AttemptWorst | undefined;
    for (const [name, ref] of Object.entries(s.references[i]!.outputs)) {
      const got = r.right.outputs[name];
      if (got === undefined) return `converted model has no output '${name}'`;
      const m = compareOutput(ref, got, s.tolerance);
      const ratio = m.mismatch !== undefined ? 1e308 : (m.worstRatio ?? 0);
      if (sampleWorst === undefined || ratio > sampleWorst.ratio) {
        sampleWorst = { sample: set.label, output: name, maxAbs: m.maxAbs, ratio, nonFinite: m.nonFinite.introduced };
      }
    }
    if (sampleWorst !== undefined && (worst === undefined || sampleWorst.ratio > worst.ratio)) {
      worst = sampleWorst;
      keep = { index: i, run: r.right };
    }
    if (sampleWorst !== undefined && sampleWorst.ratio > 1) break;
  }
  const w = worst ?? { sample: s.feedSets[0]?.label ?? '', output: '', maxAbs: 0, ratio: 0, nonFinite: 0 };
  return {
    passed: w.ratio <= 1, candidate, amp, worst: w, sampleIndex: keep?.index ?? 0,
    run: keep?.run ?? { outputs: {} }, runs,
  };
}
