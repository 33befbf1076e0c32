import { err, ok, type Model, type Result, type Tensor } from '@mixprec/ir';
import { compareOutput, type OutputMetrics } from './metrics.js';
import { executorRunner, feedsFor, type FeedSet, type ModelRunner, type RunnerResult } from './runner.js';
import type { Tolerance } from './tolerance.js';

/** Why a validation could not be carried out (not a failed tolerance: that is a report). */
export type ValidationError =
  | { readonly _tag: 'NoSamples'; readonly message: string }
  | { readonly _tag: 'RunFailed'; readonly model: 'reference' | 'candidate'; readonly sample: string; readonly message: string }
  | { readonly _tag: 'OutputMissing'; readonly output: string; readonly message: string };

/** One output over all samples: the worst of each statistic. */
export interface OutputSummary {
  readonly maxAbs: number;
  /** Mean over the samples of the per-sample mean |got − ref|. */
  readonly meanAbs: number;
  readonly maxRel: number;
  readonly meanRel: number;
  /** The lowest cosine similarity of any sample. */
  readonly cosine: number;
  /** The lowest top-1 agreement of any sample (classifier-like outputs). */
  readonly top1?: number;
  readonly refAbsMax: number;
  readonly nonFinite: { readonly ref: number; readonly got: number; readonly introduced: number };
  readonly violations: number;
  readonly worstRatio?: number;
  /** Where the largest |got − ref| is. */
  readonly worst?: { readonly sample: string; readonly index: number; readonly ref: number; readonly got: number };
  readonly passed: boolean;
}

/** One sample's comparison. */
export interface SampleReport {
  readonly label: string;
  readonly outputs: Readonly<Record<string, OutputMetrics>>;
  readonly passed: boolean;
}

/** What {@link compareModels} returns. The shape is stable (the CLI prints it with `--json`). */
export interface ValidationReport {
  readonly runtime: string;
  readonly tolerance?: Tolerance;
  readonly samples: readonly SampleReport[];
  readonly outputs: Readonly<Record<string, OutputSummary>>;
  /** Every output of every sample passed. */
  readonly passed: boolean;
  /** One line per failing (sample, output). */
  readonly failures: readonly { readonly sample: string; readonly output: string; readonly reason: string }[];
  /** Model runs made (two per sample). */
  readonly runs: number;
  readonly ms: number;
}

/** Options of {@link compareModels}. */
export interface CompareOptions {
  /** Without one, only introduced non-finite values (and shape mismatches) fail. */
  readonly tolerance?: Tolerance;
  /** Runs both models (default: the reference executor). */
  readonly runner?: ModelRunner;
  /** Runs the candidate, when it differs from `runner`. */
  readonly candidateRunner?: ModelRunner;
  /** Only these outputs (default: every output of the reference). */
  readonly outputs?: readonly string[];
  /** Called after every run: runs done, runs in all. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** Why an output failed, as one line. */
export function failureReason(m: OutputMetrics, tol: Tolerance | undefined): string {
  if (m.mismatch !== undefined) return m.mismatch;
  const parts: string[] = [];
  if (m.nonFinite.introduced > 0) parts.push(`${m.nonFinite.introduced} non-finite value(s) where the reference is finite`);
  if (m.violations - m.nonFinite.introduced > 0 && tol !== undefined) {
    parts.push(`${m.violations - m.nonFinite.introduced} of ${m.elements} elements beyond atol ${tol.atol} + rtol ${tol.rtol}·|ref| (max |err| ${m.maxAbs.toExponential(3)})`);
  }
  return parts.join('; ');
}

function summarize(samples: readonly SampleReport[], name: string): OutputSummary {
  let s: OutputSummary | undefined;
  let meanAbs = 0;
  let meanRel = 0;
  for (const sample of samples) {
    const m = sample.outputs[name]!;
    meanAbs += m.meanAbs / samples.length;
    meanRel += m.meanRel / samples.length;
    const worst = m.worst === undefined ? undefined : { sample: sample.label, ...m.worst };
    const top1 = m.top1 === undefined ? s?.top1 : Math.min(m.top1, s?.top1 ?? 1);
    const ratio = m.worstRatio === undefined ? s?.worstRatio : Math.max(m.worstRatio, s?.worstRatio ?? 0);
    const takeWorst = s === undefined || s.worst === undefined || (m.nonFinite.introduced > 0 && s.nonFinite.introduced === 0) || m.maxAbs > s.maxAbs;
    const w = takeWorst ? worst : s!.worst;
    s = {
      maxAbs: Math.max(m.maxAbs, s?.maxAbs ?? 0),
      meanAbs: 0,
      maxRel: Math.max(m.maxRel, s?.maxRel ?? 0),
      meanRel: 0,
      cosine: Math.min(m.cosine, s?.cosine ?? 1),
      ...(top1 === undefined ? {} : { top1 }),
      refAbsMax: Math.max(m.refAbsMax, s?.refAbsMax ?? 0),
      nonFinite: {
        ref: m.nonFinite.ref + (s?.nonFinite.ref ?? 0),
        got: m.nonFinite.got + (s?.nonFinite.got ?? 0),
        introduced: m.nonFinite.introduced + (s?.nonFinite.introduced ?? 0),
      },
      violations: m.violations + (s?.violations ?? 0),
      ...(ratio === undefined ? {} : { worstRatio: ratio }),
      ...(w === undefined ? {} : { worst: w }),
      passed: m.passed && (s?.passed ?? true),
    };
  }
  return { ...s!, meanAbs, meanRel };
}

/**
 * Runs the reference and the candidate on every sample and compares their outputs (matched
 * by name; the conversion never renames graph outputs). Feeds are given as the reference
 * takes them and converted for the candidate (FP32 data for FP16 inputs is rounded once).
 * Returns the report (a failed tolerance is `passed: false`, not an error) or why the models
 * could not be compared.
 */
export async function compareModels(
  reference: Model, candidate: Model, feedSets: readonly FeedSet[], options: CompareOptions = {},
): Promise<Result<ValidationError, ValidationReport>> {
  const t0 = Date.now();
  if (feedSets.length === 0) return err({ _tag: 'NoSamples', message: 'No samples to compare on; give data or a number of random samples' });
  const runner = options.runner ?? executorRunner();
  const candRunner = options.candidateRunner ?? runner;
  // Several samples: each model is prepared once (plans, resident weights) when the runtime can.
  const refSession = feedSets.length > 1 ? await runner.prepare?.(reference) : undefined;
  const candSession = feedSets.length > 1 ? await candRunner.prepare?.(candidate) : undefined;
  const runRef = (feeds: Readonly<Record<string, Tensor>>): Promise<RunnerResult> =>
    refSession === undefined ? runner.run(reference, feeds) : refSession.run(feeds);
  const runCand = (feeds: Readonly<Record<string, Tensor>>): Promise<RunnerResult> =>
    candSession === undefined ? candRunner.run(candidate, feeds) : candSession.run(feeds);
  const names = options.outputs ?? reference.graph.outputs.map((v) => v.name);
  const total = feedSets.length * 2;
  let runs = 0;
  const samples: SampleReport[] = [];
  const failures: { sample: string; output: string; reason: string }[] = [];
  try {
    for (const set of feedSets) {
      const ref = await runRef(feedsFor(reference, set.feeds));
      runs++;
      options.onProgress?.(runs, total);
      if (ref._tag === 'Left') return err({ _tag: 'RunFailed', model: 'reference', sample: set.label, message: `reference model on ${set.label}: ${ref.left}` });
      const got = await runCand(feedsFor(candidate, set.feeds));
      runs++;
      options.onProgress?.(runs, total);
      if (got._tag === 'Left') return err({ _tag: 'RunFailed', model: 'candidate', sample: set.label, message: `candidate model on ${set.label}: ${got.left}` });
      const outputs: Record<string, OutputMetrics> = {};
      for (const name of names) {
        const r: Tensor | undefined = ref.right[name];
        if (r === undefined) return err({ _tag: 'OutputMissing', output: name, message: `The reference model has no tensor output '${name}'` });
        const g = got.right[name];
        if (g === undefined) {
          return err({ _tag: 'OutputMissing', output: name, message: `The candidate model has no output '${name}' (its outputs: ${Object.keys(got.right).join(', ')}); compare a model with its own conversion` });
        }
        const m = compareOutput(r, g, options.tolerance);
        outputs[name] = m;
        if (!m.passed) failures.push({ sample: set.label, output: name, reason: failureReason(m, options.tolerance) });
      }
      samples.push({ label: set.label, outputs, passed: Object.values(outputs).every((m) => m.passed) });
    }
  } finally {
    refSession?.dispose();
    candSession?.dispose();
  }
  const summary: Record<string, OutputSummary> = {};
  for (const name of names) summary[name] = summarize(samples, name);
  return ok({
    runtime: candRunner === runner ? runner.name : `${runner.name} (reference), ${candRunner.name} (candidate)`,
    ...(options.tolerance === undefined ? {} : { tolerance: options.tolerance }),
    samples,
    outputs: summary,
    passed: samples.every((s) => s.passed),
    failures,
    runs,
    ms: Date.now() - t0,
  });
}
