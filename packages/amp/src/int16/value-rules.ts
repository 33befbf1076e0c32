import { DataType, dataTypeName, dataTypeText, type Graph, type Model, type Node, type Value } from '@mixprec/ir';
import type { IntegerPolicy } from './integer-policy.js';
import { fitsType } from './interval.js';
import { STAGE, type NarrowingPlan, type NarrowingRule, type UnitVerdict } from './narrowing-plan.js';
import { isQuantizedOp } from './op-roles.js';
import type { RangeAnalysis } from './range-analysis.js';
import type { Unit, UnitIndex } from './units.js';

/** What {@link ruleOf} consults. */
export interface RuleInputs {
  readonly model: Model;
  readonly graph: Graph;
  readonly pass: 'int16' | 'int64-to-int32';
  readonly plan: NarrowingPlan;
  readonly index: UnitIndex;
  readonly ranges: RangeAnalysis;
  readonly foldable: ReadonlySet<Value>;
  readonly tainted: ReadonlyMap<Value, string>;
  readonly policy: IntegerPolicy;
  readonly opset: (n: Node) => number;
}

interface Touch {
  readonly stage: number;
  readonly rule: keyof typeof STAGE;
  readonly reason: string;
  readonly intensive: boolean;
  readonly unit?: Unit;
}

function label(n: Node): string {
  return `${n.opType} '${n.name !== '' ? n.name : n.outputs[0]?.name ?? ''}'`;
}

/** Every node that produces or uses `v`, with the verdict of the unit holding that position. */
function touches(v: Value, x: RuleInputs): Touch[] {
  const out: Touch[] = [];
  const t = dataTypeText(x.plan.target);
  const of = (n: Node, u: Unit | undefined, outside: boolean): Touch => {
    if (outside) return { stage: STAGE.subgraph, rule: 'subgraph', reason: `used inside the body of ${label(n.graph!.parentNode!)}`, intensive: false };
    if (u === undefined) {
      const known = x.index.schema(n) !== undefined;
      const intensive = x.pass === 'int64-to-int32' || x.policy.isIntensive({ node: n, model: x.model, opset: x.opset(n), target: DataType.INT16, elements: undefined });
      const reason = known ? `${label(n)} takes only its declared type at this position (no ${t})` : `${label(n)} has no known ONNX schema`;
      return { stage: STAGE.schema, rule: 'schema', reason, intensive };
    }
    const vd: UnitVerdict = x.plan.verdicts.get(u)!;
    return { stage: STAGE[vd.rule], rule: vd.rule, reason: vd.reason, intensive: vd.intensive, unit: u };
  };
  const p = v.producer();
  if (p !== undefined && p.graph === x.graph && !(p.opType === 'Constant' && p.domain === '')) out.push(of(p, x.index.ofOutput(p, v.index()!), false));
  for (const use of v.uses()) {
    const inside = use.node.graph !== x.graph;
    out.push(of(use.node, inside ? undefined : x.index.ofInput(use.node, use.index), inside));
  }
  return out;
}

/** The rule that decided one candidate of the main graph, and why. */
export function ruleOf(v: Value, x: RuleInputs): { rule: NarrowingRule; reason: string } {
  const all = [v.producer(), ...v.consumers()].filter((n): n is Node => n !== undefined);
  const q = all.find((n) => isQuantizedOp(n));
  if (q !== undefined) return { rule: 'quantized', reason: `part of the quantized computation of ${label(q)}` };
  const mode = x.plan.modes.get(v);
  if (mode !== undefined) {
    const assumed = !fitsType(x.ranges.proven(v).all, x.plan.target);
    const how = {
      'in-place': 'its producer computes in the narrow type', input: 'the graph input changes dtype',
      'input-cast': 'one Cast after the graph input', constant: 'stored in the narrow type', 'cast-after': 'one Cast after its producer',
    }[mode];
    return assumed
      ? { rule: 'cast-unproven-input-opt-in', reason: `${how}; its range rests on an assumed input range (unprovenInputs: cast)` }
      : { rule: 'cast', reason: `${how}; range proven` };
  }
  if (x.foldable.has(v)) return { rule: 'constant-foldable', reason: 'known at compile time and folded away' };
  const p = v.producer();
  if (p !== undefined && p.subgraphs().length > 0) return { rule: 'subgraph', reason: `produced by ${label(p)} (control flow is kept as it is)` };
  const taint = x.tainted.get(v);
  if (taint !== undefined) return { rule: 'indexing-consumer', reason: taint };
  const ts = touches(v, x);
  const relevant = x.pass === 'int16' ? ts.filter((t) => t.intensive) : ts;
  if (relevant.length === 0) {
    const users = v.consumers().map(label);
    return { rule: 'light-consumer', reason: users.length === 0 ? 'no op uses it' : `only lightweight uses: ${users.slice(0, 4).join(', ')}${users.length > 4 ? ', …' : ''}` };
  }
  let best = relevant[0]!;
  for (const t of relevant) if (t.stage > best.stage) best = t;
  if (best.rule === 'admitted') {
    const comp = x.plan.components.find((c) => best.unit !== undefined && c.units.includes(best.unit));
    const d = comp === undefined ? undefined : x.plan.decisions.get(comp);
    return { rule: x.pass === 'int16' ? 'light-consumer' : 'no-benefit', reason: d?.reason ?? best.reason };
  }
  return { rule: best.rule, reason: best.reason };
}

/** `INT16` etc., for reports. */
export function dtypeName(d: number | undefined): string {
  return d === undefined ? 'UNKNOWN' : dataTypeName(d);
}
