import { topologicalOrder, type Model, type Node } from '@mixprec/ir';
import type { AmpReport } from '../report.js';
import type { NodeCost } from './auto-costs.js';
import type { LocalizationReport } from './localize.js';

/** A node the distributed-error phase proposes to keep in float32. */
export interface RankedNode {
  readonly node: string;
  readonly score: number;
  readonly detail: string;
}

/**
 * Gives every unnamed main-graph node but Constants (which are never blocked) a fresh name from
 * the graph's name authority (`<OpType>`, `<OpType>_1`, …) so that block lists and reports can
 * name it. Returns how many.
 */
export function nameUnnamedNodes(model: Model): number {
  let n = 0;
  for (const node of model.graph) {
    if (node.name !== '' || (node.domain === '' && node.opType === 'Constant')) continue;
    node.name = model.graph.names.freshNodeName(node.opType);
    n++;
  }
  return n;
}

/** Copies the names of `from`'s main-graph nodes onto `to`'s, a model `from` was cloned from (same node order). */
export function copyNodeNames(from: Model, to: Model): void {
  const a = [...from.graph];
  const b = [...to.graph];
  if (a.length !== b.length) throw new RangeError('copyNodeNames: the models differ');
  a.forEach((n, i) => {
    if (b[i]!.name === n.name) return;
    b[i]!.name = n.name;
    to.graph.names.registerNode(n.name);
  });
}

/**
 * Ranks the converted, unblocked nodes by how much the error grows at them per share of
 * weights and FLOPs given up: growth = (normalized error of the outputs) − (largest of the
 * inputs), from the localisation's value comparison. Amplifiers (accurate alone, they only
 * magnify their inputs' error) are left out: keeping them float32 would not help.
 */
export function distributedRanking(
  loc: LocalizationReport, work: Model, costs: ReadonlyMap<string, NodeCost>, blocked: ReadonlyMap<string, unknown>,
  amplifiers: ReadonlySet<string>, amp: AmpReport,
): RankedNode[] {
  const main = work.graph.name === '' ? 'main' : work.graph.name;
  const converted = new Set(amp.nodes.filter((n) => n.converted && n.graph === main).map((n) => n.name));
  const err = new Map<string, number>();
  for (const v of loc.values) err.set(v.name, v.error);
  const out: RankedNode[] = [];
  for (const n of topologicalOrder(work.graph)) {
    const cost = costs.get(n.name);
    if (cost === undefined || !converted.has(n.name) || blocked.has(n.name) || amplifiers.has(n.name)) continue;
    let eOut = 0;
    for (const o of n.outputs) eOut = Math.max(eOut, err.get(o.name) ?? 0);
    let eIn = 0;
    for (const i of n.inputs) if (i !== undefined) eIn = Math.max(eIn, err.get(i.name) ?? 0);
    const growth = eOut - eIn;
    if (!(growth > 0)) continue;
    out.push({
      node: n.name,
      score: growth / (cost.share + 1e-3),
      detail: `rounding error grows from ${eIn.toExponential(2)} to ${eOut.toExponential(2)} of the value's range here (${(cost.share * 100).toFixed(2)} % of weights+FLOPs)`,
    });
  }
  // Stable: equal scores keep topological order.
  return out.map((r, i) => ({ r, i })).sort((a, b) => b.r.score - a.r.score || a.i - b.i).map((x) => x.r);
}

/**
 * Groups of blocks to try giving back, largest share first: the blocks each attempt added,
 * minus overflows (a non-finite value on the data is not worth a run to re-check), each
 * group's nodes ordered by cost so that a failing group splits into its costlier and cheaper halves.
 */
export function unblockGroups(
  blocks: ReadonlyMap<string, { readonly reason: string; readonly group: number }>, costs: ReadonlyMap<string, NodeCost>,
): string[][] {
  const groups = new Map<number, string[]>();
  for (const [name, b] of blocks) {
    if (b.reason === 'overflow') continue;
    const g = groups.get(b.group) ?? [];
    g.push(name);
    groups.set(b.group, g);
  }
  const share = (n: string): number => costs.get(n)?.share ?? 0;
  const total = (g: readonly string[]): number => g.reduce((a, n) => a + share(n), 0);
  const list = [...groups.values()].map((g) => [...g].sort((a, b) => share(b) - share(a)));
  return list.map((g, i) => ({ g, i })).sort((a, b) => total(b.g) - total(a.g) || a.i - b.i).map((x) => x.g);
}

/**
 * The producers of `node`'s inputs that are not blocked yet, looking through producers that
 * already are (up to a few levels): where a float32 region must grow so that a value reaches
 * `node` without a 16-bit rounding on the way. Graph inputs and constants end the walk.
 */
export function nearest16BitProducers(
  node: Node | undefined, blocked: ReadonlyMap<string, unknown>, costs: ReadonlyMap<string, NodeCost>,
): string[] {
  const out: string[] = [];
  const seen = new Set<Node>();
  let frontier: Node[] = node === undefined ? [] : [node];
  for (let depth = 0; depth < 8 && frontier.length > 0; depth++) {
    const next: Node[] = [];
    for (const n of frontier) {
      for (const v of n.inputs) {
        const p = v?.producer();
        if (p === undefined || seen.has(p) || !costs.has(p.name)) continue;
        seen.add(p);
        if (blocked.has(p.name)) next.push(p);
        else out.push(p.name);
      }
    }
    if (out.length > 0) break;
    frontier = next;
  }
  return out;
}

/** A canonical key of a block set (to skip configurations already evaluated). */
export function configKey(blocks: Iterable<string>): string {
  return [...blocks].sort().join('\u0000');
}
