import {
  DataType, Narrower, walkGraphs, type Diagnostic, type Graph, type LowPrecisionFloat, type Model, type NarrowCounts, type Node,
  type Tensor, type Value,
} from '@mixprec/ir';
import { OpFactsCache } from './analysis-op-facts.js';
import { isPlannableConstant, rangeStats, type RangeStats } from './constants.js';
import { DTypeResolver } from './dtypes.js';
import { SlotGroupCache, floatFlags, type FlagSummary } from './node-slots.js';
import type { ResolvedAmpOptions } from './options.js';
import type { KeptForRange, NodePlan } from './plan.js';
import { DTypeRows } from './plan-rows.js';
import type { Policy } from './policy.js';
import { NarrowingView } from './narrowing-view.js';
import { PolicyDecider } from './policy-memo.js';
import { ioKeptFloat32 } from './runtime-gaps.js';

/**
 * The mutable working state of one analysis run (created per call: passes keep no state).
 * Decisions are recomputed from scratch on every round of the container fixpoint.
 */
export class Analysis {
  readonly target: LowPrecisionFloat;
  readonly dt: DTypeResolver;
  readonly main: Graph;
  /** Every graph of the model, as `walkGraphs` lists them (the analysis does not change the model). */
  readonly graphs: readonly Graph[];
  readonly plans = new Map<Node, NodePlan>();
  /** Planned dtype of values (what consumers see). */
  readonly planned = new Map<Value, DataType>();
  /**
   * Graph inputs (main and bodies) and then constants, in the order they were first planned (the
   * order of {@link planned} restricted to them): all the rewrite's first step needs to visit.
   */
  readonly plannedInputs: Value[] = [];
  readonly plannedConstants: Value[] = [];
  /** Container values (sequence/optional/…) that must stay FLOAT: a Cast cannot convert them. */
  readonly forced = new Set<Value>();
  /**
   * Values of an author's float32 island: outputs of a runtime `Cast(to=FLOAT)` from a 16-bit or
   * double value, and float outputs of nodes computing only on such values.
   */
  readonly island = new Set<Value>();
  /**
   * Values that may exceed the 16-bit range: outputs of nodes kept float32 by a weight beyond
   * it, and of the range-keeping ops that read them (see `RANGE_COMPRESSING`).
   */
  readonly large = new Map<Value, string>();
  /** Wanted dtype per graph output slot. */
  readonly graphOutputs = new Map<Graph, (DataType | undefined)[]>();
  readonly paths = new Map<Graph, string>();
  readonly kept: KeptForRange[] = [];
  readonly notes: Diagnostic[] = [];
  readonly #stats = new Map<Tensor, RangeStats>();
  /** The SIMD kernels of this run's weight statistics (one WebAssembly instance, made on first use). */
  readonly #narrower = new Narrower();
  /** Type groups per schema and arity, shared by the nodes (see `nodeSlots`). */
  readonly slotGroups = new SlotGroupCache();
  /** What is the same for every node of an op type (schema, quantized, runtime gap, …). */
  readonly ops: OpFactsCache;
  /**
   * Node outputs planned in another dtype than their node computes (a policy output dtype, or
   * `materialize`), counted over all rounds: while 0, the rewrite needs no output Casts.
   */
  outputOverrides = 0;
  /** Scratch of `floatFlags` for the node being decided (decisions do not nest). */
  #flags = new Uint8Array(16);
  /** Shared dtype rows of the node plans. */
  readonly rows = new DTypeRows();
  /** The policy, asked once per op type where its rules allow (see `PolicyRule.scope`). */
  readonly decider: PolicyDecider;

  constructor(readonly model: Model, readonly opts: ResolvedAmpOptions) {
    this.target = opts.target;
    this.dt = new DTypeResolver(model);
    this.main = model.graph;
    this.graphs = this.dt.withSubgraphs.length === 0 ? [this.main] : [...walkGraphs(model)];
    this.paths.set(this.main, this.main.name === '' ? 'main' : this.main.name);
    this.decider = new PolicyDecider(opts.policy);
    this.ops = new OpFactsCache(opts, (d) => this.opset(d), (d, op) => opts.policy.claimsOp?.(d, op) ?? false);
  }

  /**
   * Which positions of `n` hold a FLOAT value (inputs first, then outputs), in a scratch array
   * valid until the next call.
   */
  floatFlags(n: Node): Uint8Array {
    const size = n.inputs.length + n.outputs.length;
    if (this.#flags.length < size) this.#flags = new Uint8Array(Math.max(size, 2 * this.#flags.length));
    return floatFlags(n, this.dt, this.#flags, this.flagSummary);
  }

  /** What the last {@link floatFlags} call found besides the flags. */
  readonly flagSummary: FlagSummary = { mask: 0, plain: false };

  /** Clears the decisions of a round (forced containers, paths and range stats stay). */
  resetRound(): void {
    this.plans.clear();
    this.planned.clear();
    this.plannedInputs.length = 0;
    this.plannedConstants.length = 0;
    this.island.clear();
    this.large.clear();
    this.graphOutputs.clear();
    this.kept.length = 0;
    this.notes.length = 0;
  }

  get policy(): Policy {
    return this.opts.policy;
  }

  opset(domain: string): number | undefined {
    return this.model.opset(domain) ?? (domain === '' ? this.model.opset('ai.onnx') : undefined);
  }

  /** The original element dtype of a value. */
  orig(v: Value | undefined): DataType | undefined {
    return this.dt.dtype(v);
  }

  isFloat(v: Value | undefined): boolean {
    return v !== undefined && v.name !== '' && this.dt.dtype(v) === DataType.FLOAT;
  }

  /** Plans a graph input (of any graph): see {@link plannedInputs}. */
  planInput(v: Value, d: DataType): void {
    if (!this.planned.has(v)) this.plannedInputs.push(v);
    this.planned.set(v, d);
  }

  /** Plans a constant: see {@link plannedConstants}. */
  planConstant(v: Value, d: DataType): void {
    if (!this.planned.has(v)) this.plannedConstants.push(v);
    this.planned.set(v, d);
  }

  /** The planned dtype of a value (its original one when the plan says nothing). */
  plannedOf(v: Value | undefined): DataType | undefined {
    if (v === undefined) return undefined;
    return this.planned.get(v) ?? this.dt.dtype(v);
  }

  /** A graph input of the main graph (castable for free, as TVM treats Vars). */
  isMainInput(v: Value): boolean {
    return v.isGraphInput() && v.graph() === this.main;
  }

  /** Whether a value can be had in the target type for free: planned so, a constant, or a main-graph input. */
  available(v: Value): boolean {
    if (this.plannedOf(v) === this.target) return true;
    if (this.forced.has(v)) return false;
    return isPlannableConstant(v) || this.isMainInput(v);
  }

  stats(t: Tensor): RangeStats {
    let s = this.#stats.get(t);
    if (s === undefined) {
      s = rangeStats(t, this.target, this.#narrower);
      this.#stats.set(t, s);
    }
    return s;
  }

  /**
   * The conversion counts of the FLOAT weights measured (see {@link stats}): a view over the
   * statistics, to be taken when the analysis ends (no more weights are measured then).
   */
  narrowingCounts(): ReadonlyMap<Tensor, NarrowCounts> {
    return new NarrowingView(this.#stats);
  }

  path(g: Graph): string {
    return this.paths.get(g) ?? g.name;
  }

  /** Registers the path of a subgraph held by `n`'s attribute `attr`. */
  registerSubgraph(parent: Graph, n: Node, attr: string, g: Graph): void {
    if (this.paths.has(g)) return;
    const label = n.name !== '' ? n.name : `${n.opType}<${n.outputs[0]?.name ?? ''}>`;
    this.paths.set(g, `${this.path(parent)}/${label}.${attr}`);
  }

  keepIo(name: string): boolean {
    return this.opts.keepAllIo || this.opts.keepIoNames.has(name) || this.legacyRuntime;
  }

  /**
   * The main graph's float IO stays float32 (see `ioKeptFloat32`): no Cast admits the target at
   * this opset (bfloat16 before 13), or onnxruntime cannot run float16 at ai.onnx opsets below 6
   * (its fallback Casts, and Cast-1 itself, fail there) under `runtime: ort-cpu`.
   */
  get legacyRuntime(): boolean {
    return ioKeptFloat32(this.opset('') ?? 1, this.target, this.opts.runtime) !== undefined;
  }
}
