import {
  DataType, dataTypeText, getOpSchema, maxKnownOpset, type Node, type Value,
} from '@mixprec/ir';
import { calibrationReason } from './analysis-calibration.js';
import { hostileReason } from './analysis-sanity.js';
import type { Analysis } from './analysis-state.js';
import { constantBehind, isPlannableConstant } from './constants.js';
import { nodeSlots, type NodeSlots, type SlotGroup } from './node-slots.js';
import { decide, type Color, type Decision, type PolicyQuery } from './policy.js';
import type { NodePlan, PlanColor, PlanRule } from './plan.js';
import { runtimeGap } from './runtime-gaps.js';

/** Metadata key marking a node that `materialize` made compute in float32 between Casts. */
export const MATERIALIZED_KEY = 'mixprec.materialized';

/** ONNX ops on quantized integers: untouched. */
const QUANTIZED = new Set(['QuantizeLinear', 'DequantizeLinear', 'DynamicQuantizeLinear', 'QLinearConv', 'QLinearMatMul', 'MatMulInteger', 'ConvInteger']);

/**
 * Ops whose output stays in (or near) the 16-bit range whatever the magnitude of their input:
 * a value that may exceed ±65504 stops spreading there (the op itself still reads it in float32).
 */
const RANGE_COMPRESSING = new Set([
  'Log', 'Sigmoid', 'Tanh', 'Softmax', 'Erf', 'Sin', 'Cos', 'Atan', 'Sign', 'HardSigmoid', 'Softsign',
  'LayerNormalization', 'InstanceNormalization', 'GroupNormalization', 'MeanVarianceNormalization', 'LpNormalization',
  'RMSNormalization', 'Equal', 'Less', 'LessOrEqual', 'Greater', 'GreaterOrEqual', 'IsInf', 'IsNaN', 'ArgMax', 'ArgMin',
  'Shape', 'Size',
]);

/** Ops kept float32 by a large weight whose output is nevertheless in range (they divide by it or normalise with it). */
const LARGE_WEIGHT_SHRINKS = new Set(['Div', 'BatchNormalization']);

function isQuantized(n: Node, opset: number): boolean {
  if (n.domain === '') {
    // From opset 19, Q/DQ take 16-bit scales: their float side follows the schema (see decideNode).
    if ((n.opType === 'QuantizeLinear' || n.opType === 'DequantizeLinear') && opset >= 19) return false;
    return QUANTIZED.has(n.opType) || n.opType.startsWith('QLinear') || n.opType.endsWith('Integer');
  }
  if (n.domain === 'com.microsoft') return /^Q[A-Z]/.test(n.opType) || /Quantize|Integer/.test(n.opType);
  return false;
}

// What a policy query reads of values (one function each, not two closures per node).
const shapeOf: PolicyQuery['shapeOf'] = (v) => v.shape;
const constantOf: PolicyQuery['constantOf'] = (v) => constantBehind(v)?.tensor;

function opKey(n: Node): string {
  return n.domain === '' ? n.opType : `${n.domain}.${n.opType}`;
}

interface Verdict {
  readonly color: PlanColor;
  readonly rule: PlanRule;
  readonly reason?: string;
  readonly lowPrecision: boolean;
  readonly decision?: Decision;
}

function red(rule: PlanRule, reason?: string): Verdict {
  return reason === undefined ? { color: 'red', rule, lowPrecision: false } : { color: 'red', rule, reason, lowPrecision: false };
}

/** Float input slots of the groups that could convert. */
function candidateInputs(n: Node, groups: readonly SlotGroup[], a: Analysis): number[] {
  const out: number[] = [];
  for (const g of groups) for (const i of g.inputs) if (a.isFloat(n.inputs[i])) out.push(i);
  return out;
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
  for (const v of n.inputs) {
    if (v === undefined || !a.isFloat(v) || isWeightLike(v)) continue;
    if (!a.island.has(v)) return false;
    any = true;
  }
  return any;
}

/** The rules 1–7 for one ordinary node (not control flow, not a Constant). */
function verdictOf(n: Node, a: Analysis, slots: NodeSlots, convertible: readonly SlotGroup[], hasSchema: boolean, claimed: boolean): Verdict {
  const o = a.opts;
  const opset = a.opset(n.domain) ?? 0;
  if (isQuantized(n, opset)) return red('quantized', 'quantized op: integer tensors and the op stay as they are');
  if (!hasSchema && !claimed) {
    return red('no-schema', `no ONNX schema for ${opKey(n)} at opset ${opset} (custom, unknown or newer than the table): left in float32`);
  }
  const hostile = hostileReason(n);
  if (hostile !== undefined) return red('inconsistent', `${hostile}: left in float32`);
  if (convertible.length === 0) {
    const unsound = slots.groups.find((g) => g.float && g.admits && g.unsound !== undefined);
    if (unsound !== undefined) return red('inconsistent', `${unsound.unsound}: the types contradict each other or the schema, left in float32`);
    const forcedOut = slots.groups.some((g) => g.float && g.admits);
    if (forcedOut) return red('cluster', 'a sequence/optional value it shares a type with stays float32');
    return red('schema', `${opKey(n)}-${opset} admits no ${dataTypeText(a.target)} for its float inputs/outputs`);
  }
  const gap = runtimeGap(n, a.opset('') ?? 1, a.target, o.runtime);
  if (gap !== undefined) return red('runtime', gap);
  if (n.domain === '' && n.opType === 'Cast') {
    const to = n.getInt('to');
    const from = a.orig(n.inputs[0]);
    if (to === DataType.FLOAT && (from === DataType.FLOAT16 || from === DataType.BFLOAT16 || from === DataType.DOUBLE)) {
      return red('cast-intent', `Cast ${dataTypeText(from)}→float written by the model author: kept, its consumers see float32`);
    }
  }
  if (n.metadataProps.has(MATERIALIZED_KEY)) return red('materialized', 'computed in float32 between Casts by an earlier conversion');
  if (o.blockOps.has(opKey(n)) || o.blockNodes.matches(n.name)) return red('user-block', 'blocked by the user');
  const forced = n.name !== '' && o.forceNodes.matches(n.name);
  if (!forced && inIsland(n, a)) return red('cast-intent', 'computes only on values the model author upcast to float32: the island stays float32');
  const q: PolicyQuery = { node: n, model: a.model, target: a.target, opset, shapeOf, constantOf };
  if (!forced && a.target === DataType.FLOAT16) {
    for (const v of n.inputs) {
      const why = v === undefined ? undefined : a.large.get(v);
      if (why !== undefined) return red('weight-range', `reads '${v!.name}', which may exceed ±65504 (${why})`);
    }
    for (const i of candidateInputs(n, convertible, a)) {
      const c = constantBehind(n.inputs[i]!);
      if (c === undefined) continue;
      const s = a.stats(c.tensor);
      if (s.overflow > 0) {
        a.kept.push({ graph: a.path(n.graph!), node: n.name !== '' ? n.name : n.outputs[0]?.name ?? '', value: c.source.name, absMax: s.absMax });
        return red('weight-range', `weight '${c.source.name}' has |v| up to ${s.absMax.toExponential(3)} > 65504`);
      }
    }
  }
  const d = decide(a.policy, q);
  if (!forced) {
    const why = calibrationReason(n, a, q, d);
    if (why !== undefined) return red('calibration', why);
  }
  if (forced) return { color: 'green', rule: 'user-force', reason: 'forced by the user', lowPrecision: true, decision: { ...d, color: 'green' } };
  return resolveColor(n, a, convertible, d.color, d);
}

function resolveColor(n: Node, a: Analysis, convertible: readonly SlotGroup[], color: Color, d: Decision): Verdict {
  const reason = d.reason;
  if (color === 'green') return { color, rule: 'policy', lowPrecision: true, decision: d, ...(reason === undefined ? {} : { reason }) };
  if (color === 'red') return { color, rule: 'policy', lowPrecision: false, decision: d, ...(reason === undefined ? {} : { reason }) };
  for (const i of candidateInputs(n, convertible, a)) {
    const v = n.inputs[i]!;
    if (!a.available(v)) {
      return { color, rule: 'gray-follow', lowPrecision: false, decision: d, reason: `input '${v.name}' from ${describeProducer(v)} is float32` };
    }
  }
  return { color, rule: 'gray-follow', lowPrecision: true, decision: d, reason: `float inputs available in ${dataTypeText(a.target)}` };
}

/** Decides one ordinary node (rules 1–8 of the design) and records its plan. */
export function decideNode(a: Analysis, n: Node, graphPath: string): NodePlan {
  const opset = a.opset(n.domain);
  const known = opset === undefined ? undefined : getOpSchema(n.domain, n.opType, opset);
  const beyond = known !== undefined && opset! > (maxKnownOpset(n.domain) ?? 0);
  const schema = beyond ? undefined : known;
  const claimed = schema === undefined && (a.policy.claimsOp?.(n.domain, n.opType) ?? false);
  const slots = nodeSlots(n, schema, a.dt, a.target, claimed, a.slotGroups);
  const nIn = n.inputs.length;
  const nOut = n.outputs.length;
  if (!slots.hasFloat) {
    return { node: n, graph: graphPath, color: 'none', rule: 'no-float', converted: false, materialized: false, inputs: new Array(nIn).fill(undefined), outputs: new Array(nOut).fill(undefined) };
  }
  if (n.domain === '' && n.opType === 'Cast' && (n.getInt('to') === undefined || n.getInt('to') !== DataType.FLOAT)) {
    // A Cast to another type reads its input in whatever float type it is planned (Cast takes any).
    const why = n.getInt('to') === undefined ? 'Cast with a string `to` (opset 1) is left alone' : `Cast to ${dataTypeText(n.getInt('to')!)} reads its input as planned`;
    return { node: n, graph: graphPath, color: 'gray', rule: 'cast-boundary', reason: why, converted: false, materialized: false, inputs: new Array(nIn).fill(undefined), outputs: new Array(nOut).fill(undefined) };
  }
  const touchesForced = (g: SlotGroup): boolean => a.forced.size > 0 && (
    g.inputs.some((i) => { const v = n.inputs[i]; return v !== undefined && a.forced.has(v); })
    || g.outputs.some((o) => a.forced.has(n.outputs[o]!)));
  const convertible = slots.groups.filter((g) => g.float && g.admits && g.unsound === undefined && !touchesForced(g));
  const v = verdictOf(n, a, slots, convertible, schema !== undefined, claimed);
  const T = a.target;
  const acc = v.lowPrecision ? v.decision?.accumulation : undefined;
  const materialized = v.lowPrecision && a.opts.accumulation === 'materialize' && acc !== undefined && acc !== T;
  const groupDType = materialized ? acc! : T;
  const outputOverride = materialized ? (v.decision?.output ?? T) : v.decision?.output;
  const inputs: (DataType | undefined)[] = new Array(nIn).fill(undefined);
  const outputs: (DataType | undefined)[] = new Array(nOut).fill(undefined);
  const conv: readonly SlotGroup[] = v.lowPrecision ? convertible : [];
  for (const g of slots.groups) {
    for (const i of g.inputs) if (a.isFloat(n.inputs[i])) inputs[i] = conv.includes(g) ? groupDType : DataType.FLOAT;
    for (const o of g.outputs) {
      const val = n.outputs[o];
      if (!a.isFloat(val)) continue;
      outputs[o] = conv.includes(g) ? groupDType : DataType.FLOAT;
      const seen = conv.includes(g) && v.lowPrecision && outputOverride !== undefined && outputOverride !== groupDType ? outputOverride : outputs[o]!;
      a.planned.set(val!, seen);
    }
  }
  for (const i of slots.fixedInputs) inputs[i] = DataType.FLOAT;
  for (const o of slots.fixedOutputs) {
    outputs[o] = DataType.FLOAT;
    a.planned.set(n.outputs[o]!, DataType.FLOAT);
  }
  if (v.rule === 'weight-range' && !(n.domain === '' && RANGE_COMPRESSING.has(n.opType))) {
    const direct = !(v.reason ?? '').startsWith('reads ');
    if (!direct || !(n.domain === '' && LARGE_WEIGHT_SHRINKS.has(n.opType))) {
      const why = direct ? `${n.opType} '${n.name !== '' ? n.name : n.outputs[0]?.name ?? ''}' scales by a weight beyond ±65504` : (a.large.get(n.inputs.find((x) => x !== undefined && a.large.has(x))!) ?? '');
      for (const val of n.outputs) if (a.isFloat(val)) a.large.set(val, why);
    }
  }
  if (v.rule === 'cast-intent') {
    const src = n.inputs[0];
    const fromConstant = n.opType === 'Cast' && src !== undefined && isPlannableConstant(src);
    if (!fromConstant) for (const val of n.outputs) if (a.isFloat(val)) a.island.add(val);
  }
  const converted = v.lowPrecision && !materialized;
  const out = v.decision?.output;
  // Built key by key (no spreads: one plan per node), in the order of NodePlan.
  const plan: { -readonly [K in keyof NodePlan]?: NodePlan[K] } = { node: n, graph: graphPath, color: v.color, rule: v.rule };
  if (v.reason !== undefined) plan.reason = v.reason;
  if (v.lowPrecision && acc !== undefined) plan.accumulation = acc;
  if (v.lowPrecision && out !== undefined && out !== T) plan.output = out;
  plan.converted = converted;
  plan.materialized = materialized;
  plan.inputs = inputs;
  plan.outputs = outputs;
  return plan as NodePlan;
}
