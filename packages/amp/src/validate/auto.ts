import { DataType, cloneModel, type Model, type Node } from '@mixprec/ir';
import type { BackendName } from '@mixprec/executor-tfjs';
import { castFp32ToFp16, type ConvertOptions } from '../api.js';
import { AmpError, resolveAmpOptions, type Calibration } from '../options.js';
import type { AmpReport } from '../report.js';
import { nodeCosts, type NodeCost } from './auto-costs.js';
import { attemptOptions, evaluate, type AttemptWorst, type Evaluation, type EvaluatorSetup } from './auto-evaluate.js';
import { configKey, copyNodeNames, distributedRanking, nameUnnamedNodes, nearest16BitProducers, unblockGroups } from './auto-plan.js';
import { keptByCalibration, observedRun, RangeRecorder, type CalibrationKept, type ObservedRun } from './calibrate.js';
import { localizeDivergence } from './localize.js';
import type { FeedSet } from './runner.js';
import type { Tolerance } from './tolerance.js';

/** Options of {@link autoMixedPrecision}: the conversion options, and the search's own. */
export interface AutoOptions extends Omit<ConvertOptions, 'calibration' | 'dimValues' | 'inputShapes' | 'onDiagnostic'> {
  /** Use the reference runs as calibration data (default true). */
  readonly calibration?: boolean;
  /** Calibration margin (default 0.5: keep |x| ≤ 0.5 · 65504 for fp16). */
  readonly margin?: number;
  /** Most whole-model executor runs, reference runs included (default 30). */
  readonly maxRuns?: number;
  /** Divergence threshold of the localisation (default 1e-2 for fp16, 8e-2 for bf16). */
  readonly threshold?: number;
  /**
   * Smallest acceptable fraction of float weights stored 16-bit (default 0): the search does
   * not keep nodes in float32 beyond it and reports failure when the tolerance needs more.
   */
  readonly minWeights16?: number;
  /** Try to give blocks back once the tolerance holds (default true). */
  readonly unblock?: boolean;
  readonly backend?: BackendName | readonly BackendName[];
}

/** A progress event (for progress bars). */
export interface AutoProgress {
  readonly phase: 'reference' | 'attempt' | 'localize' | 'final';
  readonly runs: number;
  readonly maxRuns: number;
  readonly attempt: number;
  readonly message: string;
}

/** Why a node was kept in float32 by the search. */
export type BlockReason = 'root-cause' | 'overflow' | 'accuracy';

/** One evaluated configuration. */
export interface AutoAttempt {
  readonly index: number;
  /** `aggressive` (the start), `root-causes`, `floor` (every node float32), `accuracy`, `unblock`. */
  readonly kind: 'aggressive' | 'root-causes' | 'floor' | 'accuracy' | 'unblock';
  readonly added: readonly string[];
  readonly removed: readonly string[];
  /** Nodes the search keeps in float32 in this configuration. */
  readonly blocked: number;
  readonly passed: boolean;
  readonly worst: AttemptWorst;
  readonly weights16: number;
  readonly flops16: number;
  readonly runs: number;
  readonly ms: number;
}

/** What {@link autoMixedPrecision} returns. */
export interface AutoReport {
  /** A configuration met the tolerance on every sample; the model holds it. */
  readonly passed: boolean;
  readonly tolerance: Tolerance;
  /** One line: how the search ended. */
  readonly summary: string;
  readonly attempts: readonly AutoAttempt[];
  /** The nodes the search kept in float32 in the final configuration, and why. */
  readonly blocked: readonly { readonly node: string; readonly opType: string; readonly reason: BlockReason; readonly detail: string }[];
  /** Nodes the calibration rule kept in float32 (values near the 16-bit limit). */
  readonly calibrationKept: readonly CalibrationKept[];
  /** The final conversion's report (when passed). */
  readonly amp?: AmpReport;
  readonly weights16: number;
  readonly flops16: number;
  /** Whole-model executor runs (reference runs included) and single-node replays. */
  readonly runs: number;
  readonly replays: number;
  readonly ms: number;
}

/** Bytes of reference intermediates kept for localisation (beyond the first sample's). */
const REFERENCE_BUDGET = 512 * 1024 * 1024;

function intermediateBytes(r: ObservedRun): number {
  let n = 0;
  for (const t of r.intermediates?.values() ?? []) n += (t.data as { byteLength?: number }).byteLength ?? 0;
  return n;
}

interface Block {
  readonly reason: BlockReason;
  readonly detail: string;
  readonly group: number;
}

/**
 * Automatic mixed precision: finds few nodes to keep in float32 so that the converted model
 * meets `tolerance` on the data. Starts from the full conversion (with calibration ranges from
 * the reference runs); while a sample fails, localises the divergence and keeps its root
 * causes in float32; when no single node is to blame (rounding error spread over the graph)
 * it checks the floor (every node float32, only the IO converted), then keeps the nodes where
 * the error grows most per weight/FLOP given up, doubling the batch each round. Once the
 * tolerance holds it tries to give back blocks, largest first. Every attempt converts an
 * in-memory copy and runs it on the executor; the search is deterministic.
 *
 * When a configuration passed, rewrites `model` in place with it (naming its unnamed
 * main-graph nodes first, as the block list and the report name them); otherwise `model` is
 * left exactly as it was.
 */
export async function autoMixedPrecision(
  model: Model, feedSets: readonly FeedSet[], tolerance: Tolerance, options: AutoOptions = {},
  onProgress?: (p: AutoProgress) => void,
): Promise<AutoReport> {
  const t0 = Date.now();
  const maxRuns = options.maxRuns ?? 30;
  const { calibration: useCal, margin, maxRuns: _m, threshold: _t, unblock, backend, minWeights16: _w, ...base } = options;
  const minWeights16 = options.minWeights16 ?? 0;
  const resolved = resolveAmpOptions(base);
  if (resolved._tag === 'Left') throw new AmpError(resolved.left);
  const threshold = options.threshold ?? (resolved.right.target === DataType.BFLOAT16 ? 8e-2 : 1e-2);
  if (feedSets.length === 0) throw new RangeError('autoMixedPrecision needs at least one sample');
  const work = cloneModel(model);
  nameUnnamedNodes(work);
  const inputShapes: Record<string, readonly number[]> = {};
  for (const [k, t] of Object.entries(feedSets[0]!.feeds)) inputShapes[k] = t.dims;
  const costs: Map<string, NodeCost> = nodeCosts(work, inputShapes);
  const byName = new Map<string, Node>();
  for (const n of work.graph) byName.set(n.name, n);
  let runs = 0;
  let replays = 0;
  const progress = (phase: AutoProgress['phase'], attempt: number, message: string): void =>
    onProgress?.({ phase, runs, maxRuns, attempt, message });
  // Reference runs: outputs, intermediates for localisation, and calibration ranges.
  const rec = useCal === false ? undefined : new RangeRecorder();
  const references: ObservedRun[] = [];
  let kept = 0;
  for (const set of feedSets) {
    progress('reference', 0, `reference run on ${set.label}`);
    const r = await observedRun(work, set.feeds, rec, { ...(backend === undefined ? {} : { backend }), keepIntermediates: true });
    runs++;
    if (r._tag === 'Left') throw new Error(`reference model on ${set.label}: ${r.left}`);
    // Intermediates serve the localisation; beyond a memory budget a sample's are dropped (and
    // recomputed, one run, if that sample is ever the one to localise).
    const bytes = intermediateBytes(r.right);
    if (kept === 0 || kept + bytes <= REFERENCE_BUDGET) {
      kept += bytes;
      references.push(r.right);
    } else {
      references.push({ outputs: r.right.outputs });
    }
  }
  const calibration: Calibration | undefined = rec === undefined ? undefined : { ranges: rec.ranges(), ...(margin === undefined ? {} : { margin }) };
  const setup: EvaluatorSetup = { work, feedSets, references, tolerance, base, calibration, inputShapes, ...(backend === undefined ? {} : { backend }) };
  const attempts: AutoAttempt[] = [];
  const blocks = new Map<string, Block>();
  const seen = new Map<string, boolean>();
  let group = 0;
  const attempt = async (kind: AutoAttempt['kind'], added: readonly string[], removed: readonly string[], all = false): Promise<Evaluation> => {
    const t = Date.now();
    progress('attempt', attempts.length + 1, `attempt ${attempts.length + 1}: ${kind}${added.length > 0 ? ` +${added.length}` : ''}${removed.length > 0 ? ` -${removed.length}` : ''}`);
    const e = await evaluate(setup, blocks.keys(), all);
    if (typeof e === 'string') throw new Error(e);
    runs += e.runs;
    if (!all) seen.set(configKey(blocks.keys()), e.passed);
    attempts.push({
      index: attempts.length + 1, kind, added, removed, blocked: all ? costs.size : blocks.size, passed: e.passed, worst: e.worst,
      weights16: e.amp.weights.fraction16, flops16: e.amp.flops.fraction16, runs: e.runs, ms: Date.now() - t,
    });
    return e;
  };
  const room = (): boolean => runs + feedSets.length <= maxRuns;
  let cur = await attempt('aggressive', [], []);
  let summary = '';
  let floorChecked = false;
  let batch = 1;
  while (!cur.passed) {
    if (!room()) {
      summary = `no configuration met the tolerance within ${maxRuns} runs`;
      break;
    }
    progress('localize', attempts.length, 'localising the divergence');
    const loc = await localizeDivergence(work, cur.candidate, feedSets[cur.sampleIndex]!.feeds, {
      threshold, referenceRun: references[cur.sampleIndex]!, candidateRun: cur.run, limit: 8,
      ...(backend === undefined ? {} : { backend }), sample: feedSets[cur.sampleIndex]!.label,
    });
    if (loc._tag === 'Left') throw new Error(`localisation: ${loc.left}`);
    runs += loc.right.runs;
    replays += loc.right.replays;
    const added: string[] = [];
    group++;
    for (const c of loc.right.rootCauses) {
      if (!costs.has(c.node)) continue;
      const overflow = c.outputs.some((o) => o.nonFinite > 0);
      if (!blocks.has(c.node)) {
        blocks.set(c.node, { reason: overflow ? 'overflow' : 'root-cause', detail: c.reason, group });
        added.push(c.node);
        continue;
      }
      // Already float32 and still off: the loss is in its inputs' 16-bit representation
      // (e.g. x + 1000 rounded before a cancelling Sub), so the nearest 16-bit producers
      // upstream (through nodes already float32) go float32 too.
      for (const p of nearest16BitProducers(byName.get(c.node), blocks, costs)) {
        blocks.set(p, { reason: overflow ? 'overflow' : 'root-cause', detail: `computes an input of '${c.node}', which needs it in float32 (${c.reason})`, group });
        added.push(p);
      }
    }
    if (added.length > 0) {
      cur = await attempt('root-causes', added, []);
      continue;
    }
    if (!floorChecked) {
      floorChecked = true;
      const floor = await attempt('floor', [], [], true);
      if (!floor.passed) {
        const w = floor.worst;
        const miss = w.nonFinite > 0 ? `has ${w.nonFinite} non-finite value(s)` : `error is ${w.maxAbs.toExponential(3)} (${w.ratio.toFixed(2)}× the tolerance)`;
        summary = `unreachable: even with every node in float32 ${w.output} ${miss} — the 16-bit inputs/outputs alone miss it; keep the IO types or loosen the tolerance`;
        break;
      }
      if (!room()) {
        summary = `no configuration met the tolerance within ${maxRuns} runs`;
        break;
      }
    }
    const amplifiers = new Set(loc.right.amplifiers.map((a) => a.node));
    // An amplifier magnifies the rounding its inputs carry: first keep the nearest 16-bit
    // producers of its inputs float32, then the nodes where the error grows most.
    const upstream = loc.right.amplifiers.flatMap((a) => nearest16BitProducers(byName.get(a.node), blocks, costs)
      .map((node) => ({ node, score: Infinity, detail: `feeds '${a.node}', which amplifies the rounding of its inputs (${a.reason})` })));
    const seenRank = new Set<string>();
    const ranked = [...upstream, ...distributedRanking(loc.right, work, costs, blocks, amplifiers, cur.amp)]
      .filter((r) => !seenRank.has(r.node) && seenRank.add(r.node) !== undefined);
    if (ranked.length === 0) {
      summary = 'no further node to keep in float32 reduces the error (the divergence is not localised to converted nodes)';
      break;
    }
    // Keep the projected 16-bit weight fraction at or above the floor: skip nodes that would break it.
    const pick: typeof ranked = [];
    let projected = cur.amp.weights.fraction16;
    for (const r of ranked) {
      if (pick.length >= batch) break;
      const w = costs.get(r.node)?.weightShare ?? 0;
      if (projected - w < minWeights16) continue;
      projected -= w;
      pick.push(r);
    }
    if (pick.length === 0) {
      summary = `the tolerance needs more than ${((1 - minWeights16) * 100).toFixed(0)} % of the weights in float32 (minWeights16 = ${minWeights16}); best error ${cur.worst.maxAbs.toExponential(3)} on ${cur.worst.output}`;
      break;
    }
    batch *= 2;
    group++;
    for (const r of pick) blocks.set(r.node, { reason: 'accuracy', detail: r.detail, group });
    cur = await attempt('accuracy', pick.map((r) => r.node), []);
  }
  if (cur.passed && unblock !== false) {
    // Give blocks back, largest share first; a group that cannot go back whole is split in halves.
    const queue = unblockGroups(blocks, costs);
    while (queue.length > 0 && room()) {
      const g = queue.shift()!.filter((n) => blocks.has(n));
      if (g.length === 0) continue;
      const saved = g.map((n) => [n, blocks.get(n)!] as const);
      for (const n of g) blocks.delete(n);
      const known = seen.get(configKey(blocks.keys()));
      const e = known === false ? undefined : await attempt('unblock', [], g);
      if (e?.passed === true) {
        cur = e;
        continue;
      }
      for (const [n, b] of saved) blocks.set(n, b);
      if (g.length > 1) queue.unshift(g.slice(0, Math.ceil(g.length / 2)), g.slice(Math.ceil(g.length / 2)));
    }
  }
  const passed = cur.passed;
  let amp: AmpReport | undefined;
  if (passed) {
    progress('final', attempts.length, 'converting the model');
    copyNodeNames(work, model);
    amp = castFp32ToFp16(model, attemptOptions(setup, blocks.keys()));
    summary = `tolerance met after ${attempts.length} attempt(s): ${blocks.size} node(s) kept in float32 by the search, ${(amp.weights.fraction16 * 100).toFixed(1)} % of weights and ${(amp.flops.fraction16 * 100).toFixed(1)} % of FLOPs 16-bit`;
  }
  const opTypes = new Map<string, string>();
  for (const n of work.graph) opTypes.set(n.name, n.opType);
  return {
    passed, tolerance, summary, attempts,
    blocked: [...blocks].map(([node, b]) => ({ node, opType: opTypes.get(node) ?? '', reason: b.reason, detail: b.detail })),
    calibrationKept: keptByCalibration(cur.amp),
    ...(amp === undefined ? {} : { amp }),
    weights16: (amp ?? cur.amp).weights.fraction16,
    flops16: (amp ?? cur.amp).flops.fraction16,
    runs, replays, ms: Date.now() - t0,
  };
}
