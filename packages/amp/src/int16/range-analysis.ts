import {
  DataType, getOpSchema, topologicalOrder, type Dim, type Graph, type Model, type Node, type Value,
} from '@mixprec/ir';
import { constantValue } from '@mixprec/transforms';
import { UNBOUNDED, meet, typeRange, type Interval } from './interval.js';
import type { RangeContext, RangeRule } from './range-context.js';
import { ARITH_RULES } from './range-rules-arith.js';
import { CREATE_RULES } from './range-rules-create.js';
import { SHAPE_RULES } from './range-rules-shape.js';
import { clampRange, constantRange, isTracked, unknownRange, type ValueRange } from './value-range.js';
import { ValueTypes } from './value-types.js';

/** Largest size assumed for a symbolic or unknown dimension (ONNX runtimes index with int32 at most). */
export const DEFAULT_DIM_MAX = (1n << 31n) - 1n;

/** What the caller tells range analysis about the outside world. */
export interface RangeOptions {
  /** Proven ranges of graph inputs by name (given by the user: `inputRanges`). */
  readonly inputRanges?: ReadonlyMap<string, Interval>;
  /**
   * Range assumed for integer graph inputs that have no proven range (`unprovenInputs: 'cast'`);
   * values derived from it are marked `assumed`.
   */
  readonly assumedInputRange?: Interval;
  /** Upper bounds of symbolic dimensions by name (`dimBounds: { N: 4096 }`). */
  readonly dimBounds?: ReadonlyMap<string, bigint>;
}

/** Op type → rule (a Map: op names such as `constructor` must not reach Object.prototype). */
const RULES: ReadonlyMap<string, RangeRule> = new Map([
  ...Object.entries(ARITH_RULES), ...Object.entries(SHAPE_RULES), ...Object.entries(CREATE_RULES),
]);

/**
 * Value-range analysis: a bound on every element of every integer (and BOOL, and float) value
 * of the main graph, by interval propagation in topological order. Constants give exact
 * (per-element for small tensors) ranges; `Shape` is bounded by the dims (static dims exactly,
 * symbols by `dimBounds` or [0, 2^31 − 1]); graph inputs are unbounded unless the user proves
 * or assumes a range. Integer results never rely on wrap-around: a bound that could leave the
 * value's type is replaced by the type's range. Values inside subgraphs (If/Loop/Scan bodies)
 * and outputs of ops without a rule are bounded by their type only (conservative).
 */
export class RangeAnalysis {
  readonly #types: ValueTypes;
  readonly #options: RangeOptions;
  readonly #ranges = new Map<Value, ValueRange>();
  /** The analysis without the assumed input range (undefined when nothing is assumed). */
  readonly #proven: RangeAnalysis | undefined;
  /** Graph inputs whose range is an assumption. */
  readonly assumedInputs: ReadonlySet<Value>;
  /** Graph inputs whose range the user gave. */
  readonly userInputs: ReadonlySet<Value>;

  constructor(model: Model, types: ValueTypes, options: RangeOptions = {}) {
    this.#types = types;
    this.#options = options;
    const assumed = new Set<Value>();
    const user = new Set<Value>();
    this.#seedInputs(model.graph, assumed, user);
    this.assumedInputs = assumed;
    this.userInputs = user;
    this.#propagate(model.graph);
    this.#proven = options.assumedInputRange === undefined ? undefined
      : new RangeAnalysis(model, types, { ...options, assumedInputRange: undefined });
  }

  /** The range of `v` (its type's range when nothing better is known). */
  get(v: Value): ValueRange {
    return this.#ranges.get(v) ?? unknownRange(this.#types.dtype(v));
  }

  /** The range proven without any assumed input range (the same as {@link get} when nothing is assumed). */
  proven(v: Value): ValueRange {
    return this.#proven === undefined ? this.get(v) : this.#proven.get(v);
  }

  /** Bounds of one dimension. */
  dim(d: Dim): Interval {
    if (typeof d === 'number') return { lo: BigInt(d), hi: BigInt(d) };
    const max = typeof d === 'string' ? this.#options.dimBounds?.get(d) : undefined;
    return { lo: 0n, hi: max ?? DEFAULT_DIM_MAX };
  }

  #seedInputs(g: Graph, assumed: Set<Value>, user: Set<Value>): void {
    for (const v of g.inputs) {
      const dtype = this.#types.dtype(v);
      const given = this.#options.inputRanges?.get(v.name);
      if (given !== undefined) {
        this.#ranges.set(v, { all: meet(given, typeRange(dtype)) ?? typeRange(dtype) });
        user.add(v);
      } else if (this.#options.assumedInputRange !== undefined && dtype !== undefined && dtype !== DataType.BOOL && typeRange(dtype) !== UNBOUNDED) {
        this.#ranges.set(v, { all: meet(this.#options.assumedInputRange, typeRange(dtype)) ?? typeRange(dtype), assumed: true });
        assumed.add(v);
      } else {
        this.#ranges.set(v, unknownRange(dtype));
      }
    }
    for (const v of g.initializers.values()) {
      if (v.isGraphInput() || v.constValue === undefined) continue;
      const r = constantRange(v.constValue);
      if (r !== undefined) this.#ranges.set(v, r);
    }
  }

  #propagate(g: Graph): void {
    let order: Node[];
    try {
      order = topologicalOrder(g);
    } catch {
      order = g.nodes();
    }
    for (const node of order) this.#visit(node);
  }

  #visit(node: Node): void {
    if (node.opType === 'Constant' && node.domain === '') {
      const c = constantValue(node);
      const r = c?.kind === 'dense' ? constantRange(c.tensor) : undefined;
      if (r !== undefined) this.#ranges.set(node.outputs[0]!, r);
      return;
    }
    const rule = node.domain === '' && node.subgraphs().length === 0 ? RULES.get(node.opType) : undefined;
    const opset = this.#types.opset(node);
    if (rule === undefined || getOpSchema(node.domain, node.opType, opset) === undefined) return;
    const types = this.#types;
    const ctx: RangeContext = {
      node,
      opset,
      inputs: node.inputs.map((v) => (v === undefined ? undefined : this.#inputRange(v))),
      inDType: (i) => {
        const v = node.inputs[i];
        return v === undefined ? undefined : types.dtype(v);
      },
      outDType: (o) => {
        const v = node.outputs[o];
        return v === undefined ? undefined : types.dtype(v);
      },
      inShape: (i) => {
        const v = node.inputs[i];
        return v === undefined ? undefined : types.shape(v);
      },
      outShape: (o) => {
        const v = node.outputs[o];
        return v === undefined ? undefined : types.shape(v);
      },
      dim: (d) => this.dim(d),
    };
    let out: readonly (ValueRange | undefined)[] | undefined;
    try {
      out = rule(ctx);
    } catch {
      out = undefined; // a malformed node (bad axis, …): nothing is known
    }
    node.outputs.forEach((v, o) => {
      const r = out?.[o];
      if (r === undefined || v.name === '') return;
      const dtype = types.dtype(v);
      if (!isTracked(dtype)) return;
      this.#ranges.set(v, clampRange(r, dtype));
    });
  }

  /** Range of a node input; values captured from outer scopes are never seen from the main graph. */
  #inputRange(v: Value): ValueRange {
    return this.#ranges.get(v) ?? unknownRange(this.#types.dtype(v));
  }
}

/** Range analysis of a model's main graph (types from the model's value types and schemas). */
export function analyzeRanges(model: Model, options: RangeOptions = {}): RangeAnalysis {
  return new RangeAnalysis(model, new ValueTypes(model), options);
}
