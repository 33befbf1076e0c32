import {
  DataType, dataTypeText, elementCount, topologicalOrder, type Graph, type Model, type Node, type Value,
} from '@mixprec/ir';
import type { IntegerPolicy } from './integer-policy.js';
import { fitsType, formatInterval } from './interval.js';
import type { Component, PlanView, UnitVerdict, ValueMode } from './narrowing-plan.js';
import { isDataMovement, isIndexSlot, isQuantizedOp } from './op-roles.js';
import type { RangeAnalysis } from './range-analysis.js';
import { unitAdmits, unitValues, type Unit } from './units.js';
import type { ValueTypes } from './value-types.js';

/** What the judges consult. */
export interface JudgeContext {
  readonly model: Model;
  readonly types: ValueTypes;
  readonly ranges: RangeAnalysis;
  readonly known: ReadonlySet<Value>;
  readonly policy: IntegerPolicy;
  readonly target: DataType.INT16 | DataType.INT32;
  /** Index-tainted values and why (`int16` only; empty for `int64-to-int32`). */
  readonly tainted: ReadonlyMap<Value, string>;
}

function label(n: Node): string {
  return `${n.opType} '${n.name !== '' ? n.name : n.outputs[0]?.name ?? ''}'`;
}

/** Elements of the largest tensor of a unit among those of static shape (undefined: none is static). */
export function unitElements(u: Unit, types: ValueTypes): number | undefined {
  let best: number | undefined;
  for (const v of unitValues(u)) {
    const s = types.shape(v);
    if (s === undefined || !s.every((d): d is number => typeof d === 'number')) continue;
    best = Math.max(best ?? 0, elementCount(s));
  }
  return best;
}

/**
 * Judges one unit for a narrowing to `ctx.target`, in order: quantized op → schema → runtime
 * kernel → index taint (`int16` only) → every value (and intermediate result) proven to fit →
 * admitted, with the policy's intensity (never for a node that folds to a constant).
 */
export function judgeUnit(u: Unit, ctx: JudgeContext): UnitVerdict {
  const node = u.node;
  const t = dataTypeText(ctx.target);
  const no = (rule: UnitVerdict['rule'], reason: string): UnitVerdict => ({ rule, reason, intensive: intensive(u, ctx), assumed: false });
  if (isQuantizedOp(node)) return no('quantized', `${label(node)} is a quantized op`);
  if (!unitAdmits(u, ctx.target)) {
    const opset = ctx.types.opset(node);
    return no('schema', `${label(node)} (opset ${opset}) does not admit tensor(${t}) for ${u.param}`);
  }
  if (!ctx.policy.hasKernel(node, ctx.target)) {
    return no('runtime', `${label(node)} has no ${t} kernel on the target runtime (${ctx.policy.runtime})`);
  }
  let assumed = false;
  for (const v of unitValues(u)) {
    const why = ctx.tainted.get(v);
    if (why !== undefined) return no('indexing-consumer', `${label(node)}: '${v.name}' ${why}`);
  }
  for (const v of unitValues(u)) {
    const r = ctx.ranges.get(v);
    if (!fitsType(r.all, ctx.target)) return no('range-unproven', `${label(node)}: '${v.name}' in ${formatInterval(r.all)} is not proven to fit ${t}`);
    if (v.producer() === node && r.partial !== undefined && !fitsType(r.partial, ctx.target)) {
      return no('range-unproven', `intermediate sums of ${label(node)} in ${formatInterval(r.partial)} do not fit ${t}`);
    }
    if (!fitsType(ctx.ranges.proven(v).all, ctx.target)) assumed = true;
  }
  // A node that folds to a constant costs nothing at run time: it may follow the narrowing
  // (its output is then stored narrow, not cast) but never makes it pay.
  if (folds(node, ctx)) return { rule: 'admitted', reason: `${label(node)} folds to a constant; it follows in ${t}`, intensive: false, assumed };
  return { rule: 'admitted', reason: `${label(node)} computes in ${t}`, intensive: intensive(u, ctx), assumed };
}

function folds(node: Node, ctx: JudgeContext): boolean {
  const outs = node.outputs.filter((o) => o.name !== '');
  return outs.length > 0 && outs.every((o) => ctx.known.has(o));
}

function intensive(u: Unit, ctx: JudgeContext): boolean {
  if (folds(u.node, ctx)) return false;
  if (ctx.target === DataType.INT32) return true;
  return ctx.policy.isIntensive({
    node: u.node, model: ctx.model, opset: ctx.types.opset(u.node), target: ctx.target, elements: unitElements(u, ctx.types),
  });
}

/**
 * Values that hold indices (`int16` rule 2): used at an index/shape slot (Gather indices,
 * Reshape shape, Slice starts, …), reaching such a slot through data movement only (Reshape,
 * Concat, Cast, …: still the same indices), or derived from NonZero's output by data movement.
 */
export function indexTaint(g: Graph): Map<Value, string> {
  const out = new Map<Value, string>();
  let order: Node[];
  try {
    order = topologicalOrder(g);
  } catch {
    order = g.nodes();
  }
  const visitUses = (n: Node): void => {
    n.inputs.forEach((v, i) => {
      if (v !== undefined && !out.has(v) && isIndexSlot(n, i)) out.set(v, `feeds input ${i} of ${label(n)} (an index/shape input)`);
    });
    for (const sg of n.subgraphs()) for (const m of sg) visitUses(m);
  };
  for (const n of order) visitUses(n);
  // Forward: NonZero's indices, through data movement.
  const derived = new Set<Value>();
  for (const n of order) {
    if (n.domain === '' && n.opType === 'NonZero' && n.outputs[0] !== undefined) {
      derived.add(n.outputs[0]);
      if (!out.has(n.outputs[0])) out.set(n.outputs[0], `holds the indices computed by ${label(n)}`);
    }
    if (isDataMovement(n) && dataInputs(n).some((v) => v !== undefined && derived.has(v))) {
      for (const o of n.outputs) {
        if (o.name === '') continue;
        derived.add(o);
        if (!out.has(o)) out.set(o, `holds indices derived from NonZero through ${label(n)}`);
      }
    }
  }
  // Backward: data movement whose result is an index passes the taint to its data inputs.
  for (let k = order.length - 1; k >= 0; k--) {
    const n = order[k]!;
    if (!isDataMovement(n)) continue;
    const hit = n.outputs.find((o) => o.name !== '' && out.has(o));
    if (hit === undefined) continue;
    for (const v of dataInputs(n)) if (v !== undefined && !out.has(v)) out.set(v, `reaches an index input through ${label(n)} ('${hit.name}')`);
  }
  return out;
}

/** The inputs of a data-movement op that carry its data (not its shape/indices arguments). */
function dataInputs(n: Node): readonly (Value | undefined)[] {
  return n.opType === 'Concat' ? n.inputs : [n.inputs[0]];
}

/** `int16`: a component pays when the policy finds one of its ops intensive. */
export function int16WorthIt(c: Component, verdicts: ReadonlyMap<Unit, UnitVerdict>): { narrow: boolean; reason: string } {
  const hot = c.units.filter((u) => verdicts.get(u)?.intensive === true);
  if (hot.length > 0) return { narrow: true, reason: `intensive: ${hot.map((u) => label(u.node)).join(', ')}` };
  return { narrow: false, reason: `no intensive op among ${c.units.map((u) => label(u.node)).join(', ')}` };
}

/**
 * `int64-to-int32`: a component pays when it removes more run-time INT64 values (constants
 * count as stored weights) than the casts back to INT64 it needs add (a value needs one when some use keeps INT64: a fixed `tensor(int64)`
 * input such as Reshape's shape, an op outside the component, a kept graph output).
 */
export function int32WorthIt(
  c: Component, modes: ReadonlyMap<Value, ValueMode>, view: PlanView, keepOutput: (v: Value) => boolean,
  known: ReadonlySet<Value>,
): { narrow: boolean; reason: string } {
  let removed = 0;
  let castsBack = 0;
  for (const v of c.values) {
    const m = modes.get(v)!;
    const external = v.uses().some((u) => !view.isInternalUse(u.node, u.index, c));
    if (m === 'in-place' || m === 'input') {
      // A value computed at compile time folds away whatever its type: it removes nothing.
      if (!known.has(v)) removed++;
      if (external || (v.isGraphOutput() && keepOutput(v))) castsBack++;
    } else if (m === 'constant' && !external && !v.isGraphOutput()) {
      removed++;
    }
  }
  if (removed > castsBack) return { narrow: true, reason: `removes ${removed} INT64 value(s), adds ${castsBack} cast(s) back` };
  return { narrow: false, reason: `narrowing would only add casts (removes ${removed} INT64 value(s), needs ${castsBack} cast(s) back)` };
}
