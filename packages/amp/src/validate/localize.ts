import {
  err, ok, topologicalOrder, type Model, type Node, type Result, type Tensor, type Value,
} from '@mixprec/ir';
import type { BackendName } from '@mixprec/executor-tfjs';
import { observedRun, type ObservedRun } from './calibrate.js';
import { comparable, UNBOUNDED, valueError, type ValueError } from './divergence.js';
import { replayNode, type ValueLookup } from './replay.js';
import { feedsFor } from './runner.js';

/** The default divergence threshold on the normalized max error (1 % of a value's range, ~20 fp16 ulps). */
export const DEFAULT_DIVERGENCE = 1e-2;

/** One compared value. */
export interface ValueDivergence extends ValueError {
  readonly name: string;
  /** The reference node that computes it ('' for graph inputs and initializers). */
  readonly node: string;
  readonly opType: string;
}

/** A node named by the localisation. */
export interface Culprit {
  readonly node: string;
  readonly opType: string;
  /** Its outputs' divergence in the full candidate run. */
  readonly outputs: readonly { readonly name: string; readonly error: number; readonly nonFinite: number }[];
  /** The largest divergence of its float inputs (they agree: ≤ the threshold). */
  readonly inputError: number;
  /** Divergence of its outputs when replayed alone on reference inputs (its own error). */
  readonly localError?: number;
  readonly replayed: boolean;
  /**
   * `root-cause`: its outputs diverge while its inputs agree, and replayed alone it still
   * diverges (or it could not be replayed); `amplifier`: alone it is accurate — it magnifies
   * the small error its inputs carry (keeping it float32 would not help).
   */
  readonly kind: 'root-cause' | 'amplifier';
  readonly reason: string;
}

/** What {@link localizeDivergence} returns. */
export interface LocalizationReport {
  readonly sample?: string;
  readonly threshold: number;
  /** Every compared value (float values present in both runs), in the reference's topological order. */
  readonly values: readonly ValueDivergence[];
  /** The first value beyond the threshold. */
  readonly firstDivergent?: ValueDivergence;
  /** The first root causes in topological order (at most `limit`). */
  readonly rootCauses: readonly Culprit[];
  readonly amplifiers: readonly Culprit[];
  /** With `replayAll`: every replayable candidate node's own error, in topological order. */
  readonly local?: readonly { readonly node: string; readonly opType: string; readonly error: number }[];
  /** The graph outputs' divergence. */
  readonly outputs: readonly { readonly name: string; readonly error: number; readonly nonFinite: number }[];
  /** Whole-model runs made (0 when both runs were given). */
  readonly runs: number;
  /** Single-node replays made. */
  readonly replays: number;
  readonly ms: number;
}

/** Options of {@link localizeDivergence}. */
export interface LocalizeOptions {
  /** A value diverges when its normalized max error exceeds this (default {@link DEFAULT_DIVERGENCE}). */
  readonly threshold?: number;
  /** Most root causes to report (default 10). */
  readonly limit?: number;
  /** Replay suspects alone to tell root causes from amplifiers (default true). */
  readonly replay?: boolean;
  /** Also replay every candidate node and report its own error (for ranking; slower). */
  readonly replayAll?: boolean;
  readonly backend?: BackendName | readonly BackendName[];
  /** A label for the sample (reports). */
  readonly sample?: string;
  /** The reference run on these feeds with intermediates, when the caller has it. */
  readonly referenceRun?: ObservedRun;
  /** The candidate run on these feeds with intermediates, when the caller has it. */
  readonly candidateRun?: ObservedRun;
}

function lookup(model: Model, feeds: Readonly<Record<string, Tensor>>, run: ObservedRun): ValueLookup {
  const inter = run.intermediates;
  const inits = model.graph.initializers;
  return (name) => inter?.get(name) ?? run.outputs[name] ?? feeds[name] ?? inits.get(name)?.constValue;
}

function isConstant(v: Value): boolean {
  if (v.isInitializer()) return true;
  const p = v.producer();
  return p !== undefined && p.domain === '' && p.opType === 'Constant';
}

function nodeLabel(n: Node): string {
  return n.name !== '' ? n.name : (n.outputs[0]?.name ?? '');
}

/** The candidate node that computes what reference node `n` computes (same name and op, else the producer of its first output). */
function counterpart(n: Node, byName: ReadonlyMap<string, Node>, candValues: ReadonlyMap<string, Value>): Node | undefined {
  if (n.name !== '') {
    const c = byName.get(n.name);
    if (c !== undefined && c.opType === n.opType && c.domain === n.domain) return c;
  }
  const out = n.outputs.find((o) => o.name !== '');
  const p = out === undefined ? undefined : candValues.get(out.name)?.producer();
  return p !== undefined && p.opType === n.opType && p.domain === n.domain ? p : undefined;
}

/**
 * Divergence localisation: runs the reference and the candidate on one sample keeping every
 * intermediate value of the main graph, compares the values they share by name (the
 * conversion keeps value names; inserted Casts are new names and are skipped), and names the
 * first nodes whose outputs diverge (normalized max error > threshold, or a non-finite value
 * where the reference is finite) while all their float inputs still agree — the root cause,
 * not the symptoms downstream. Each such node is then replayed alone on reference inputs:
 * when it is accurate alone, it only amplifies upstream error and is reported as an amplifier.
 */
export async function localizeDivergence(
  reference: Model, candidate: Model, feeds: Readonly<Record<string, Tensor>>, options: LocalizeOptions = {},
): Promise<Result<string, LocalizationReport>> {
  const t0 = Date.now();
  const threshold = options.threshold ?? DEFAULT_DIVERGENCE;
  const limit = options.limit ?? 10;
  const backend = options.backend === undefined ? {} : { backend: options.backend };
  let runs = 0;
  const refFeeds = feedsFor(reference, feeds);
  const candFeeds = feedsFor(candidate, feeds);
  let refRun = options.referenceRun;
  if (refRun?.intermediates === undefined) {
    const r = await observedRun(reference, feeds, undefined, { ...backend, keepIntermediates: true });
    runs++;
    if (r._tag === 'Left') return err(`reference model: ${r.left}`);
    refRun = r.right;
  }
  let candRun = options.candidateRun;
  if (candRun?.intermediates === undefined) {
    const r = await observedRun(candidate, feeds, undefined, { ...backend, keepIntermediates: true });
    runs++;
    if (r._tag === 'Left') return err(`candidate model: ${r.left}`);
    candRun = r.right;
  }
  const ref = lookup(reference, refFeeds, refRun);
  const cand = lookup(candidate, candFeeds, candRun);
  const errors = new Map<string, ValueError | undefined>();
  const errorOf = (name: string): ValueError | undefined => {
    if (errors.has(name)) return errors.get(name);
    const r = ref(name);
    const g = cand(name);
    const e = r !== undefined && g !== undefined && comparable(r, g) ? valueError(r, g) : undefined;
    errors.set(name, e);
    return e;
  };
  const candNodes = new Map<string, Node>();
  const candValues = new Map<string, Value>();
  for (const n of candidate.graph) {
    if (n.name !== '' && !candNodes.has(n.name)) candNodes.set(n.name, n);
    for (const o of n.outputs) if (o.name !== '') candValues.set(o.name, o);
  }
  const values: ValueDivergence[] = [];
  const suspects: { node: Node; outputs: Culprit['outputs']; inputError: number }[] = [];
  for (const v of reference.graph.inputs) {
    const e = errorOf(v.name);
    if (e !== undefined) values.push({ name: v.name, node: '', opType: '', ...e });
  }
  const order = topologicalOrder(reference.graph);
  for (const n of order) {
    const outs: { name: string; error: number; nonFinite: number }[] = [];
    for (const o of n.outputs) {
      if (o.name === '') continue;
      const e = errorOf(o.name);
      if (e === undefined) continue;
      values.push({ name: o.name, node: nodeLabel(n), opType: n.opType, ...e });
      outs.push({ name: o.name, error: e.error, nonFinite: e.nonFinite });
    }
    if (!outs.some((o) => o.error > threshold)) continue;
    let inputError = 0;
    for (const i of n.inputs) {
      // Weights are part of the node: their 16-bit rounding is its own error, not its input's.
      if (i === undefined || i.name === '' || isConstant(i)) continue;
      const e = errorOf(i.name);
      if (e !== undefined && e.error > inputError) inputError = e.error;
    }
    if (inputError <= threshold) suspects.push({ node: n, outputs: outs, inputError });
  }
  let replays = 0;
  const ownError = async (n: Node): Promise<{ error?: number; obstacle?: string }> => {
    const c = counterpart(n, candNodes, candValues);
    if (c === undefined) return { obstacle: 'no counterpart in the candidate' };
    replays++;
    const r = await replayNode(c, candidate, cand, ref, options.backend);
    if ('obstacle' in r) return { obstacle: r.obstacle };
    let worst = 0;
    n.outputs.forEach((o, i) => {
      const got = r.outputs[c.outputs[i]?.name ?? ''];
      const want = o.name === '' ? undefined : ref(o.name);
      if (got === undefined || want === undefined || !comparable(want, got)) return;
      worst = Math.max(worst, valueError(want, got).error);
    });
    return { error: worst };
  };
  const rootCauses: Culprit[] = [];
  const amplifiers: Culprit[] = [];
  for (const s of suspects) {
    if (rootCauses.length >= limit) break;
    const base = { node: nodeLabel(s.node), opType: s.node.opType, outputs: s.outputs, inputError: s.inputError };
    const worstOut = Math.max(...s.outputs.map((o) => o.error));
    const what = worstOut === UNBOUNDED ? 'produces non-finite values' : `diverges by ${worstOut.toExponential(2)} of its range`;
    if (options.replay === false) {
      rootCauses.push({ ...base, replayed: false, kind: 'root-cause', reason: `${what} while its inputs agree (≤ ${s.inputError.toExponential(2)})` });
      continue;
    }
    const own = await ownError(s.node);
    if (own.error === undefined) {
      rootCauses.push({ ...base, replayed: false, kind: 'root-cause', reason: `${what} while its inputs agree; not replayed (${own.obstacle})` });
    } else if (own.error > threshold) {
      const alone = own.error === UNBOUNDED ? 'non-finite alone too' : `alone on reference inputs still off by ${own.error.toExponential(2)}`;
      rootCauses.push({ ...base, localError: own.error, replayed: true, kind: 'root-cause', reason: `${what} while its inputs agree; ${alone}` });
    } else {
      amplifiers.push({ ...base, localError: own.error, replayed: true, kind: 'amplifier', reason: `${what}, but alone on reference inputs it is off by only ${own.error.toExponential(2)}: it amplifies the error of its inputs` });
    }
  }
  let local: { node: string; opType: string; error: number }[] | undefined;
  if (options.replayAll === true) {
    local = [];
    for (const n of order) {
      if (n.opType === 'Constant' || !n.outputs.some((o) => o.name !== '' && errorOf(o.name) !== undefined)) continue;
      const own = await ownError(n);
      if (own.error !== undefined) local.push({ node: nodeLabel(n), opType: n.opType, error: own.error });
    }
  }
  const outputs = reference.graph.outputs.map((v) => {
    const e = errorOf(v.name);
    return { name: v.name, error: e?.error ?? 0, nonFinite: e?.nonFinite ?? 0 };
  });
  const firstDivergent = values.find((v) => v.error > threshold);
  return ok({
    ...(options.sample === undefined ? {} : { sample: options.sample }),
    threshold, values, ...(firstDivergent === undefined ? {} : { firstDivergent }),
    rootCauses, amplifiers, ...(local === undefined ? {} : { local }), outputs, runs, replays, ms: Date.now() - t0,
  });
}
