import { DataType, dataTypeText, type Node, type Value } from '@mixprec/ir';
import { calibrationReason } from './analysis-calibration.js';
import type { OpFacts, Verdict } from './analysis-op-facts.js';
import { hostileReason } from './analysis-sanity.js';
import type { Analysis } from './analysis-state.js';
import { constantBehind, isPlannableConstant } from './constants.js';
import { slotsFor, type MergedGroups, type NodeSlots, type SlotGroup } from './node-slots.js';
import type { Decision, PolicyQuery } from './policy.js';
import type { NodePlan, PlanRule } from './plan.js';
import type { DTypeRow } from './plan-rows.js';
import { runtimeGap } from './runtime-gaps.js';

/** Metadata key marking a node that `materialize` made compute in float32 between Casts. */
export const MATERIALIZED_KEY = 'mixprec.materialized';

// What a policy query reads of values (one function each, not two closures per node).
const shapeOf: PolicyQuery['shapeOf'] = (v) => v.shape;
const constantOf: PolicyQuery['constantOf'] = (v) => constantBehind(v)?.tensor;

/** Verdicts without a per-node reason, built once. */
const QUANTIZED: Verdict = Object.freeze({ color: 'red', rule: 'quantized', reason: 'quantized op: integer tensors and the op stay as they are', lowPrecision: false });
const BLOCKED: Verdict = Object.freeze({ color: 'red', rule: 'user-block', reason: 'blocked by the user', lowPrecision: false });
const MATERIALIZED: Verdict = Object.freeze({ color: 'red', rule: 'materialized', reason: 'computed in float32 between Casts by an earlier conversion', lowPrecision: false });
const ISLAND: Verdict = Object.freeze({ color: 'red', rule: 'cast-intent', reason: 'computes only on values the model author upcast to float32: the island stays float32', lowPrecision: false });
const CLUSTER: Verdict = Object.freeze({ color: 'red', rule: 'cluster', reason: 'a sequence/optional value it shares a type with stays float32', lowPrecision: false });

function red(rule: PlanRule, reason: string): Verdict {
  return { color: 'red', rule, reason, lowPrecision: false };
}

function describeProducer(v: Value): string {
  const p = v.producer();
  return p === undefined ? 'a graph input' : `${p.opType} '${p.name !== '' ? p.name : v.name}'`;
}

/** A value that is a weight: a constant, or a Cast of one (a decoded 16-bit weight). */
function isWeightLike(v: Value): boolean {
  if (isPlannableConstant(v)) return true;
  const p = v.producer();
  return p !== undefined && p.domain === '' && p.opType === 'Cast' && p.inputs[0] !== undefined && isPlannableConstant(p.inputs[0]);
}

/** Every non-weight float input is an island value (and there is at least one). */
function inIsland(n: Node, a: Analysis): boolean {
  let any = false;
  const ins = n.inputs;
  for (let i = 0; i < ins.length; i++) {
    const v = ins[i];
    if (v === undefined || !a.isFloat(v) || isWeightLike(v)) continue;
    if (!a.island.has(v)) return false;
    any = true;
  }
  return any;
}

/** Whether group `g` of `n` holds a value that must stay float32 (a container at a boundary). */
function touchesForced(a: Analysis, n: Node, g: SlotGroup): boolean {
  for (let k = 0; k < g.inputs.length; k++) {
    const v = n.inputs[g.inputs[k]!];
    if (v !== undefined && a.forced.has(v)) return true;
  }
  for (let k = 0; k < g.outputs.length; k++) if (a.forced.has(n.outputs[g.outputs[k]!]!)) return true;
  return false;
}

/** The groups of `groups` that hold no value that must stay float32. */
function untouchedByForced(a: Analysis, n: Node, groups: readonly SlotGroup[]): readonly SlotGroup[] {
  const out: SlotGroup[] = [];
  for (let k = 0; k < groups.length; k++) if (!touchesForced(a, n, groups[k]!)) out.push(groups[k]!);
  return out;
}

/** Why a node cannot convert when none of its groups can. */
function noGroupVerdict(a: Analysis, f: OpFacts, slots: NodeSlots): Verdict {
  const unsound = slots.groups.find((g) => g.float && g.admits && g.unsound !== undefined);
  if (unsound !== undefined) return red('inconsistent', `${unsound.unsound}: the types contradict each other or the schema, left in float32`);
  if (slots.groups.some((g) => g.float && g.admits)) return CLUSTER;
  return red('schema', `${f.key}-${f.opset ?? 0} admits no ${dataTypeText(a.target)} for its float inputs/outputs`);
}

/** The weight-range rule (fp16): a red verdict when an input may exceed ±65504, else undefined. */
function weightRange(n: Node, a: Analysis, flags: Uint8Array, convertible: readonly SlotGroup[]): Verdict | undefined {
  if (a.large.size > 0) {
    for (let i = 0; i < n.inputs.length; i++) {
      const v = n.inputs[i];
      const why = v === undefined ? undefined : a.large.get(v);
      if (why !== undefined) return red('weight-range', `reads '${v!.name}', which may exceed ±65504 (${why})`);
    }
  }
  // (Indexed loops in this file: `for…of` allocates an iterator and a result per step until the
  // code is optimized, and this runs once per node of the model.)
  for (let k = 0; k < convertible.length; k++) {
    const gi = convertible[k]!.inputs;
    for (let j = 0; j < gi.length; j++) {
      const i = gi[j]!;
      if (flags[i] !== 1) continue;
      const c = constantBehind(n.inputs[i]!);
      if (c === undefined) continue;
      const s = a.stats(c.tensor);
      if (s.overflow > 0) {
        a.kept.push({ graph: a.path(n.graph!), node: n.name !== '' ? n.name : n.outputs[0]?.name ?? '', value: c.source.name, absMax: s.absMax });
        return red('weight-range', `weight '${c.source.name}' has |v| up to ${s.absMax.toExponential(3)} > 65504`);
      }
    }
  }
  return undefined;
}

/** The rules 1–7 for one ordinary node (not control flow, not a Constant). */
function verdictOf(n: Node, a: Analysis, f: OpFacts, flags: Uint8Array, slots: NodeSlots, convertible: readonly SlotGroup[]): Verdict {
  const o = a.opts;
  const opset = f.opset ?? 0;
  if (f.quantized) return QUANTIZED;
  if (f.schema === undefined && !f.claimed) {
    return red('no-schema', `no ONNX schema for ${f.key} at opset ${opset} (custom, unknown or newer than the table): left in float32`);
  }
  // (`hostileReason` looks at attributes, and at shapes of convolutions and pools only.)
  const hostile = n.attributes.size > 0 || f.spatial ? hostileReason(n) : undefined;
  if (hostile !== undefined) return red('inconsistent', `${hostile}: left in float32`);
  if (convertible.length === 0) return noGroupVerdict(a, f, slots);
  const gap = f.gapVaries ? runtimeGap(n, a.opset('') ?? 1, a.target, o.runtime) : f.gap;
  if (gap !== undefined) return red('runtime', gap);
  if (n.domain === '' && n.opType === 'Cast') {
    const to = n.getInt('to');
    const from = a.orig(n.inputs[0]);
    if (to === DataType.FLOAT && (from === DataType.FLOAT16 || from === DataType.BFLOAT16 || from === DataType.DOUBLE)) {
      return red('cast-intent', `Cast ${dataTypeText(from)}→float written by the model author: kept, its consumers see float32`);
    }
  }
  if (n.hasMetadata() && n.metadataProps.has(MATERIALIZED_KEY)) return MATERIALIZED;
  if (f.blocked || (o.blockNodes.size > 0 && o.blockNodes.matches(n.name))) return BLOCKED;
  const forced = n.name !== '' && o.forceNodes.size > 0 && o.forceNodes.matches(n.name);
  if (!forced && a.island.size > 0 && inIsland(n, a)) return ISLAND;
  if (!forced && a.target === DataType.FLOAT16) {
    const w = weightRange(n, a, flags, convertible);
    if (w !== undefined) return w;
  }
  // The policy: its answer for the op type when no rule needs the node (and no calibration reads the query).
  const calibrated = o.calibration !== undefined;
  let d: Decision | undefined = calibrated ? undefined : a.decider.knownFor(f);
  let q: PolicyQuery | undefined;
  if (d === undefined) {
    q = { node: n, model: a.model, target: a.target, opset, shapeOf, constantOf };
    d = a.decider.decide(q, f);
  }
  if (!forced && calibrated) {
    const why = calibrationReason(n, a, q!, d);
    if (why !== undefined) return red('calibration', why);
  }
  if (forced) return { color: 'green', rule: 'user-force', reason: 'forced by the user', lowPrecision: true, decision: { ...d, color: 'green' } };
  return resolveColor(n, a, f, flags, convertible, d);
}

function policyVerdict(d: Decision, lowPrecision: boolean, reason: string | undefined): Verdict {
  return reason === undefined
    ? { color: d.color, rule: 'policy', lowPrecision, decision: d }
    : { color: d.color, rule: 'policy', lowPrecision, decision: d, reason };
}

/** Green and red as the policy said; gray: 16-bit when every float input is available in the target. */
function resolveColor(n: Node, a: Analysis, f: OpFacts, flags: Uint8Array, convertible: readonly SlotGroup[], d: Decision): Verdict {
  if (d.color !== 'gray') {
    if (f.verdictOf !== d) {
      f.verdict = policyVerdict(d, d.color === 'green', d.reason);
      f.verdictOf = d;
    }
    return f.verdict!;
  }
  for (let k = 0; k < convertible.length; k++) {
    const gi = convertible[k]!.inputs;
    for (let j = 0; j < gi.length; j++) {
      const i = gi[j]!;
      const v = n.inputs[i];
      if (flags[i] !== 1 || a.available(v!)) continue;
      return { color: 'gray', rule: 'gray-follow', lowPrecision: false, decision: d, reason: `input '${v!.name}' from ${describeProducer(v!)} is float32` };
    }
  }
  if (f.grayOf !== d) {
    f.grayVerdict = { color: 'gray', rule: 'gray-follow', lowPrecision: true, decision: d, reason: `float inputs available in ${dataTypeText(a.target)}` };
    f.grayOf = d;
  }
  return f.grayVerdict!;
}

/** The merged type groups of `n`'s schema and arity (undefined: no schema), kept per op type. */
function mergedOf(a: Analysis, f: OpFacts, n: Node): MergedGroups | undefined {
  if (f.schema === undefined) return undefined;
  const arity = n.inputs.length * 65536 + n.outputs.length;
  if (f.mergedArity !== arity || f.merged === undefined) {
    f.merged = a.slotGroups.get(f.schema, n.inputs.length, n.outputs.length, n.domain === '');
    f.mergedArity = arity;
  }
  return f.merged;
}

/** A plan with nothing to convert. */
function untouched(a: Analysis, n: Node, graphPath: string, color: NodePlan['color'], rule: PlanRule, reason?: string): NodePlan {
  return nodePlan(n, graphPath, color, rule, reason, undefined, undefined, false, false, a.rows.none(n.inputs.length), a.rows.none(n.outputs.length));
}

/** Decides one ordinary node (rules 1–8 of the design) and records its plan. */
export function decideNode(a: Analysis, n: Node, graphPath: string): NodePlan {
  const f = a.ops.of(n);
  const ins = n.inputs;
  const outs = n.outputs;
  const nIn = ins.length;
  const flags = a.floatFlags(n);
  const slots = slotsFor(n, flags, a.flagSummary, mergedOf(a, f, n), f.claimed, a.dt, a.target);
  if (!slots.hasFloat) return untouched(a, n, graphPath, 'none', 'no-float');
  if (n.domain === '' && n.opType === 'Cast' && (n.getInt('to') === undefined || n.getInt('to') !== DataType.FLOAT)) {
    // A Cast to another type reads its input in whatever float type it is planned (Cast takes any).
    const why = n.getInt('to') === undefined ? 'Cast with a string `to` (opset 1) is left alone' : `Cast to ${dataTypeText(n.getInt('to')!)} reads its input as planned`;
    return untouched(a, n, graphPath, 'gray', 'cast-boundary', why);
  }
  const convertible = a.forced.size === 0 ? slots.sound : untouchedByForced(a, n, slots.sound);
  const v = verdictOf(n, a, f, flags, slots, convertible);
  const T = a.target;
  const acc = v.lowPrecision ? v.decision?.accumulation : undefined;
  const materialized = v.lowPrecision && a.opts.accumulation === 'materialize' && acc !== undefined && acc !== T;
  const groupDType = materialized ? acc! : T;
  const outputOverride = materialized ? (v.decision?.output ?? T) : v.decision?.output;
  // Filled in scratch rows, then shared (most nodes have one of a few rows: no array per node).
  const inputs = a.rows.scratch(0, nIn);
  const outputs = a.rows.scratch(1, outs.length);
  const groups = slots.groups;
  for (let k = 0; k < groups.length; k++) {
    const g = groups[k]!;
    const c = v.lowPrecision && convertible.includes(g);
    const d = c ? groupDType : DataType.FLOAT;
    const seen = c && outputOverride !== undefined && outputOverride !== groupDType ? outputOverride : d;
    if (seen !== d) a.outputOverrides++;
    const gi = g.inputs;
    for (let j = 0; j < gi.length; j++) if (flags[gi[j]!] === 1) inputs[gi[j]!] = d;
    const go = g.outputs;
    for (let j = 0; j < go.length; j++) {
      const o = go[j]!;
      if (flags[nIn + o] !== 1) continue;
      outputs[o] = d;
      a.planned.set(outs[o]!, seen);
    }
  }
  const fi = slots.fixedInputs;
  for (let j = 0; j < fi.length; j++) inputs[fi[j]!] = DataType.FLOAT;
  const fo = slots.fixedOutputs;
  for (let j = 0; j < fo.length; j++) {
    outputs[fo[j]!] = DataType.FLOAT;
    a.planned.set(outs[fo[j]!]!, DataType.FLOAT);
  }
  if (v.rule === 'weight-range' && !f.rangeCompressing) {
    const direct = !(v.reason ?? '').startsWith('reads ');
    if (!direct || !f.largeWeightShrinks) {
      const why = direct ? `${n.opType} '${n.name !== '' ? n.name : outs[0]?.name ?? ''}' scales by a weight beyond ±65504` : (a.large.get(ins.find((x) => x !== undefined && a.large.has(x))!) ?? '');
      for (const val of outs) if (a.isFloat(val)) a.large.set(val, why);
    }
  }
  if (v.rule === 'cast-intent') {
    const src = ins[0];
    const fromConstant = n.opType === 'Cast' && src !== undefined && isPlannableConstant(src);
    if (!fromConstant) for (const val of outs) if (a.isFloat(val)) a.island.add(val);
  }
  const out = v.decision?.output;
  return nodePlan(
    n, graphPath, v.color, v.rule, v.reason, v.lowPrecision ? acc : undefined, v.lowPrecision && out !== undefined && out !== T ? out : undefined,
    v.lowPrecision && !materialized, materialized, a.rows.shareScratch(inputs, nIn), a.rows.shareScratch(outputs, outs.length),
  );
}

/**
 * A node plan, keys in the order of NodePlan; optional ones only when set. The usual shapes are
 * object literals (one allocation of a fixed layout, not a growing object per node).
 */
function nodePlan(
  node: Node, graph: string, color: NodePlan['color'], rule: PlanRule, reason: string | undefined, accumulation: DataType | undefined,
  output: DataType | undefined, converted: boolean, materialized: boolean, inputs: DTypeRow, outputs: DTypeRow,
): NodePlan {
  if (accumulation === undefined && output === undefined) {
    return reason === undefined
      ? { node, graph, color, rule, converted, materialized, inputs, outputs }
      : { node, graph, color, rule, reason, converted, materialized, inputs, outputs };
  }
  const plan: { -readonly [K in keyof NodePlan]?: NodePlan[K] } = { node, graph, color, rule };
  if (reason !== undefined) plan.reason = reason;
  if (accumulation !== undefined) plan.accumulation = accumulation;
  if (output !== undefined) plan.output = output;
  plan.converted = converted;
  plan.materialized = materialized;
  plan.inputs = inputs;
  plan.outputs = outputs;
  return plan as NodePlan;
}
