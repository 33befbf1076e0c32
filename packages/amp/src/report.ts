import {
  dataTypeText, type Diagnostic, type Graph, type Model, type Node,
} from '@mixprec/ir';
import type { WeightCensus } from './census.js';
import { nodeFlops } from './flops.js';
import type { KeptForRange, NodePlan, Plan, PlanColor, PlanRule } from './plan.js';
import type { CastRecord, RetargetRecord, RewriteLog, TensorRecord } from './rewrite-log.js';

/** One node in the report. */
export interface ReportNode {
  readonly graph: string;
  readonly name: string;
  /** Output value names (they identify unnamed nodes). */
  readonly outputNames: readonly string[];
  readonly opType: string;
  readonly domain: string;
  readonly color: PlanColor;
  readonly rule: PlanRule;
  readonly reason?: string;
  readonly accumulation?: string;
  readonly output?: string;
  /** Computes in 16-bit. */
  readonly converted: boolean;
  readonly materialized?: boolean;
}

/** A Cast that is gone after cleanup (inserted by the conversion or present before). */
export interface RemovedCast {
  readonly graph: string;
  readonly node: string;
  readonly input: string;
  readonly output: string;
  readonly inserted: boolean;
}

/** The dtype of one graph input or output before and after. */
export interface IoChange {
  readonly name: string;
  readonly before: string;
  readonly after: string;
}

/**
 * What a conversion did, as stable JSON (key order fixed; no Maps, no undefined values):
 * per node its colour, rule, accumulation and output dtype; every Cast inserted, removed or
 * retargeted; clamped, flushed and range-kept tensors; counts; weights and FLOPs in 16-bit;
 * IO dtypes; diagnostics.
 */
export interface AmpReport {
  readonly target: string;
  readonly policy: string;
  readonly ioMode: Plan['ioMode'];
  readonly accumulation: Plan['accumulation'];
  readonly weightsOnly: boolean;
  readonly nodes: readonly ReportNode[];
  readonly casts: {
    readonly inserted: readonly CastRecord[];
    readonly removed: readonly RemovedCast[];
    readonly retargeted: readonly RetargetRecord[];
  };
  readonly tensors: {
    readonly saturated: readonly TensorRecord[];
    readonly underflowed: readonly TensorRecord[];
    readonly keptForRange: readonly KeptForRange[];
    /** Constants stored 16-bit in place / as 16-bit copies. */
    readonly converted: number;
    readonly copies: number;
  };
  readonly counts: {
    readonly nodes: number;
    readonly green: number;
    readonly gray: number;
    readonly red: number;
    readonly none: number;
    /** Nodes computing in 16-bit. */
    readonly converted: number;
    readonly castsInserted: number;
    readonly castsRemoved: number;
    readonly castsRetargeted: number;
    /** Cast nodes in the model before and after. */
    readonly castsBefore: number;
    readonly castsAfter: number;
  };
  readonly weights: {
    readonly count: number;
    readonly bytesBefore: number;
    readonly bytesAfter: number;
    readonly float32Elements: number;
    readonly float16Elements: number;
    /** Float weight elements now stored 16-bit (over all float weight elements). */
    readonly fraction16: number;
  };
  readonly flops: {
    readonly total: number;
    readonly in16: number;
    readonly fraction16: number;
    /** Nodes whose FLOPs are unknown (shapes not inferred): counted as 0. */
    readonly unknownNodes: number;
  };
  readonly io: { readonly inputs: readonly IoChange[]; readonly outputs: readonly IoChange[] };
  readonly diagnostics: readonly Diagnostic[];
}

/** IO dtypes of the main graph, for the report. */
export function ioTypes(model: Model): { inputs: { name: string; dtype: string }[]; outputs: { name: string; dtype: string }[] } {
  const d = (g: Graph, which: 'inputs' | 'outputs'): { name: string; dtype: string }[] =>
    g[which].map((v) => ({ name: v.name, dtype: v.dtype === undefined ? (v.type?.kind ?? '?') : dataTypeText(v.dtype) }));
  return { inputs: d(model.graph, 'inputs'), outputs: d(model.graph, 'outputs') };
}

/**
 * FLOPs of the plan's nodes (computed before the rewrite, while the shapes are the model's);
 * `flopsOf` overrides the per-node estimate (e.g. from a copy with concrete input sizes).
 */
export function planFlops(plan: Plan, flopsOf: (n: Node) => number | undefined = nodeFlops): { total: number; in16: number; unknownNodes: number } {
  let total = 0;
  let in16 = 0;
  let unknownNodes = 0;
  const nodes = plan.nodes;
  for (let k = 0; k < nodes.length; k++) {
    const p = nodes[k]!;
    if (p.rule === 'no-float' || p.rule === 'constant' || p.rule === 'control-flow') continue;
    const f = flopsOf(p.node);
    if (f === undefined) {
      unknownNodes++;
      continue;
    }
    total += f;
    if (p.converted) in16 += f;
  }
  return { total, in16, unknownNodes };
}

/** Cast nodes with their graph path, to tell later which ones are gone. */
export function castSnapshot(model: Model, pathOf: (g: Graph) => string): { node: Node; graph: string; input: string; output: string }[] {
  const out: { node: Node; graph: string; input: string; output: string }[] = [];
  // In `walkNodes` order (a node, then its bodies' nodes), without a generator step per node.
  const visit = (g: Graph): void => {
    for (let n = g.first; n !== undefined; n = n.next) {
      if (n.opType === 'Cast' && n.domain === '') out.push({ node: n, graph: pathOf(g), input: n.inputs[0]?.name ?? '', output: n.outputs[0]?.name ?? '' });
      if (n.hasSubgraphs()) for (const sg of n.subgraphs()) visit(sg);
    }
  };
  visit(model.graph);
  return out;
}

/** Everything the report is built from. */
export interface ReportInput {
  readonly plan: Plan;
  readonly log: RewriteLog;
  readonly flops: { total: number; in16: number; unknownNodes: number };
  readonly before: WeightCensus;
  readonly after: WeightCensus;
  readonly ioBefore: ReturnType<typeof ioTypes>;
  readonly ioAfter: ReturnType<typeof ioTypes>;
  /** Casts present after the conversion pass, before cleanup. */
  readonly castsAfterAmp: ReturnType<typeof castSnapshot>;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * The report entry of one node plan. The usual entries (no accumulation, output dtype or
 * materialization) are object literals: one allocation of a fixed layout per node.
 */
function reportNode(p: NodePlan): ReportNode {
  const n = p.node;
  const outs = n.outputs;
  const outputNames: string[] = new Array<string>(outs.length);
  for (let o = 0; o < outs.length; o++) outputNames[o] = outs[o]!.name;
  const graph = p.graph;
  const name = n.name;
  const opType = n.opType;
  const domain = n.domain;
  const color = p.color;
  const rule = p.rule;
  const reason = p.reason;
  const converted = p.converted;
  if (p.accumulation === undefined && p.output === undefined && !p.materialized) {
    return reason === undefined
      ? { graph, name, outputNames, opType, domain, color, rule, converted }
      : { graph, name, outputNames, opType, domain, color, rule, reason, converted };
  }
  const x: Partial<{ -readonly [K in keyof ReportNode]: ReportNode[K] }> = { graph, name, outputNames, opType, domain, color, rule };
  if (reason !== undefined) x.reason = reason;
  if (p.accumulation !== undefined) x.accumulation = dataTypeText(p.accumulation);
  if (p.output !== undefined) x.output = dataTypeText(p.output);
  x.converted = converted;
  if (p.materialized) x.materialized = true;
  return x as ReportNode;
}

/** Builds the report. */
export function buildReport(r: ReportInput): AmpReport {
  const colors = { green: 0, gray: 0, red: 0, none: 0 };
  let converted = 0;
  // One object per node, keys always in this order (no spreads: this runs for every node).
  const plans = r.plan.nodes;
  const nodes: ReportNode[] = new Array<ReportNode>(plans.length);
  for (let k = 0; k < plans.length; k++) {
    const p = plans[k]!;
    nodes[k] = reportNode(p);
    colors[p.color]++;
    if (p.converted) converted++;
  }
  const inserted = new Set(r.log.castNodes);
  const removed: RemovedCast[] = r.castsAfterAmp
    .filter((c) => c.node.graph === undefined)
    .map((c) => ({ graph: c.graph, node: c.node.name, input: c.input, output: c.output, inserted: inserted.has(c.node) }));
  const pair = (b: { name: string; dtype: string }[], a: { name: string; dtype: string }[]): IoChange[] =>
    b.map((x, i) => ({ name: x.name, before: x.dtype, after: a[i]?.dtype ?? '?' }));
  return {
    target: dataTypeText(r.plan.target),
    policy: r.plan.policy,
    ioMode: r.plan.ioMode,
    accumulation: r.plan.accumulation,
    weightsOnly: r.plan.weightsOnly,
    nodes,
    casts: { inserted: r.log.inserted, removed, retargeted: r.log.retargeted },
    tensors: {
      saturated: r.log.saturated, underflowed: r.log.underflowed, keptForRange: r.plan.keptForRange,
      converted: r.log.constants.filter((c) => !c.copy).length, copies: r.log.constants.filter((c) => c.copy).length,
    },
    counts: {
      nodes: nodes.length, green: colors.green, gray: colors.gray, red: colors.red, none: colors.none,
      converted,
      castsInserted: r.log.inserted.length, castsRemoved: removed.length, castsRetargeted: r.log.retargeted.length,
      castsBefore: r.before.casts, castsAfter: r.after.casts,
    },
    weights: {
      count: r.after.count, bytesBefore: r.before.bytes, bytesAfter: r.after.bytes,
      float32Elements: r.after.float32Elements, float16Elements: r.after.float16Elements, fraction16: r.after.fraction16,
    },
    flops: { ...r.flops, fraction16: r.flops.total === 0 ? 0 : r.flops.in16 / r.flops.total },
    io: { inputs: pair(r.ioBefore.inputs, r.ioAfter.inputs), outputs: pair(r.ioBefore.outputs, r.ioAfter.outputs) },
    diagnostics: r.diagnostics,
  };
}
