import type { DataType, Graph, Node, Value } from '@mixprec/ir';
import { constantValue } from '@mixprec/transforms';
import { unitValues, type Unit, type UnitIndex } from './units.js';

/**
 * The rule that decided a candidate tensor (report vocabulary):
 * - `cast` / `cast-unproven-input-opt-in`: narrowed (the second when the proof rests on an
 *   input range assumed under `unprovenInputs: 'cast'`);
 * - `constant-foldable`: known at compile time and folded away, a dtype change has no effect;
 * - `indexing-consumer`: feeds (or reaches through data movement) an index/shape position;
 * - `light-consumer`: no computationally intensive op uses it (per the policy);
 * - `schema`: the ops it touches do not admit the narrow type at the model's opset;
 * - `runtime`: the schema admits it, but the target runtime has no such kernel;
 * - `range-unproven`: its range (or that of a value computed with it) is not proven to fit;
 * - `quantized`: part of a quantized computation (never touched);
 * - `subgraph`: lives inside an If/Loop/Scan body (bodies are kept as they are);
 * - `no-benefit`: narrowing would only add casts (`int64-to-int32`).
 */
export type NarrowingRule =
  | 'cast' | 'cast-unproven-input-opt-in' | 'constant-foldable' | 'indexing-consumer' | 'light-consumer' | 'schema'
  | 'runtime' | 'range-unproven' | 'quantized' | 'subgraph' | 'no-benefit';

/** How far a unit got through the checks (higher is closer to being narrowed). */
export const STAGE = Object.freeze({
  quantized: 0, subgraph: 1, schema: 2, 'constant-foldable': 3, runtime: 4, 'indexing-consumer': 5,
  'range-unproven': 6, admitted: 7,
});

/** A judge's answer for one unit. */
export interface UnitVerdict {
  readonly rule: keyof typeof STAGE;
  readonly reason: string;
  /** The policy finds the node intensive (`int16`); always true for `int64-to-int32`. */
  readonly intensive: boolean;
  /** Admitted on an assumed input range. */
  readonly assumed: boolean;
}

/** How a narrowed value gets its narrow dtype. */
export type ValueMode =
  /** its producer now computes in the narrow type */
  | 'in-place'
  /** a graph input whose declared dtype changes (default IO mode) */
  | 'input'
  /** a graph input kept as it is, followed by one Cast (keep-io mode, IR < 4 initializer inputs) */
  | 'input-cast'
  /** a constant stored in the narrow type (in place, or as a narrow copy when other uses keep it) */
  | 'constant'
  /** a value whose producer keeps its type: one Cast after it */
  | 'cast-after';

/** Values and units that change dtype together. */
export interface Component {
  readonly units: readonly Unit[];
  readonly values: readonly Value[];
}

/** What to narrow. */
export interface NarrowingPlan {
  readonly target: DataType;
  readonly verdicts: ReadonlyMap<Unit, UnitVerdict>;
  readonly components: readonly Component[];
  /** Components chosen, with the reason when one was rejected. */
  readonly decisions: ReadonlyMap<Component, { readonly narrow: boolean; readonly reason: string }>;
  /** Narrowed values and how. */
  readonly modes: ReadonlyMap<Value, ValueMode>;
  /** Units that now compute in the narrow type. */
  readonly narrowedUnits: ReadonlySet<Unit>;
}

/** Inputs of {@link planNarrowing}. */
export interface PlanConfig {
  readonly graph: Graph;
  readonly index: UnitIndex;
  readonly target: DataType;
  readonly judge: (u: Unit) => UnitVerdict;
  /** Whether a graph input keeps its declared dtype (keep-io mode for that name). */
  readonly keepIo: (v: Value) => boolean;
  /** Known (compile-time) values. */
  readonly known: ReadonlySet<Value>;
  /** Whether narrowing a component pays. */
  readonly worthIt: (
    c: Component, modes: ReadonlyMap<Value, ValueMode>, p: PlanView, verdicts: ReadonlyMap<Unit, UnitVerdict>,
  ) => { narrow: boolean; reason: string };
}

/** Questions a cost function may ask about a tentative plan. */
export interface PlanView {
  /** True when the use (node, slot) reads the narrow value (its unit is in the component). */
  isInternalUse(node: Node, slot: number, c: Component): boolean;
}

class UnionFind<T> {
  readonly #parent = new Map<T, T>();
  find(x: T): T {
    let p = this.#parent.get(x) ?? x;
    if (p !== x) {
      p = this.find(p);
      this.#parent.set(x, p);
    }
    return p;
  }
  union(a: T, b: T): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.#parent.set(rb, ra);
  }
}

/** How a value of a narrowed component would get its narrow type. */
export function modeOf(v: Value, unitsOf: ReadonlySet<Unit>, cfg: PlanConfig): ValueMode {
  const p = v.producer();
  if (p !== undefined && p.graph === cfg.graph) {
    const u = cfg.index.ofOutput(p, v.index()!);
    if (u !== undefined && unitsOf.has(u)) return 'in-place';
  }
  // IR < 4 initializers listed as inputs carry a default the caller may override: keep them.
  if (v.isGraphInput()) return v.isInitializer() || cfg.keepIo(v) ? 'input-cast' : 'input';
  if (cfg.known.has(v) && (v.isInitializer() || (p !== undefined && constantValue(p)?.kind === 'dense'))) return 'constant';
  return 'cast-after';
}

/**
 * Plans a narrowing: judges every unit, joins the values of admitted units into components
 * (a union-find over shared values: one dtype per type group), and keeps the components the
 * cost function accepts.
 */
export function planNarrowing(cfg: PlanConfig): NarrowingPlan {
  const verdicts = new Map<Unit, UnitVerdict>();
  const uf = new UnionFind<Value>();
  const admitted: Unit[] = [];
  for (const u of cfg.index.units) {
    const v = cfg.judge(u);
    verdicts.set(u, v);
    if (v.rule !== 'admitted') continue;
    admitted.push(u);
    const vals = unitValues(u);
    for (let k = 1; k < vals.length; k++) uf.union(vals[0]!, vals[k]!);
  }
  // Components in the order of their first admitted unit (graph order: deterministic).
  const byRoot = new Map<Value, { units: Unit[]; values: Value[] }>();
  const seen = new Set<Value>();
  for (const u of admitted) {
    const vals = unitValues(u);
    const root = uf.find(vals[0]!);
    let comp = byRoot.get(root);
    if (comp === undefined) {
      comp = { units: [], values: [] };
      byRoot.set(root, comp);
    }
    comp.units.push(u);
    for (const v of vals) {
      if (seen.has(v)) continue;
      seen.add(v);
      comp.values.push(v);
    }
  }
  const components: Component[] = [...byRoot.values()];
  const view: PlanView = {
    isInternalUse: (node, slot, c) => {
      const u = cfg.index.ofInput(node, slot);
      return u !== undefined && node.graph === cfg.graph && (c.units as Unit[]).includes(u);
    },
  };
  const decisions = new Map<Component, { narrow: boolean; reason: string }>();
  const modes = new Map<Value, ValueMode>();
  const narrowedUnits = new Set<Unit>();
  for (const c of components) {
    const unitSet = new Set(c.units);
    const tentative = new Map<Value, ValueMode>();
    for (const v of c.values) tentative.set(v, modeOf(v, unitSet, cfg));
    const d = cfg.worthIt(c, tentative, view, verdicts);
    decisions.set(c, d);
    if (!d.narrow) continue;
    for (const [v, m] of tentative) modes.set(v, m);
    for (const u of c.units) narrowedUnits.add(u);
  }
  return { target: cfg.target, verdicts, components, decisions, modes, narrowedUnits };
}
