import { DataType, PreconditionError, type Model, type Node } from '@mixprec/ir';
import { ortCpuRuns } from './ort-kernels.js';

/** Which runtime's kernels bound what may compute in a narrower integer type. */
export type IntegerRuntime = 'ort-cpu' | 'onnx';

/** What a policy sees of one node (one integer type group of it). */
export interface IntegerPolicyQuery {
  readonly node: Node;
  readonly model: Model;
  readonly opset: number;
  /** INT16 (`int16` pass) or INT32 (`int64-to-int32`). */
  readonly target: DataType.INT16 | DataType.INT32;
  /** Elements of the largest tensor of the group among those of static shape (undefined: none is). */
  readonly elements: number | undefined;
}

/**
 * Decides, for the `int16` pass, which consumers make narrowing pay: a narrowed tensor is only
 * worth its casts when a computationally intensive op consumes it. Pure and deterministic.
 */
export interface IntegerPolicy {
  readonly name: string;
  readonly description: string;
  readonly runtime: IntegerRuntime;
  /** True when the node counts as computationally intensive (worth narrowing). */
  isIntensive(q: IntegerPolicyQuery): boolean;
  /**
   * True when the target runtime runs the node with the group in `target` (ONNX-schema
   * admission is checked separately, always).
   */
  hasKernel(node: Node, target: DataType.INT16 | DataType.INT32): boolean;
}

/**
 * The default intensive ops: element-wise arithmetic and comparison, Where, Clip, Max/Min
 * (the list); any other op counts when it moves at least `minElements` elements.
 */
export const DEFAULT_INTENSIVE_OPS: readonly string[] = Object.freeze([
  'Add', 'Sub', 'Mul', 'Div', 'Mod', 'Neg', 'Abs', 'Sign', 'Pow',
  'BitwiseAnd', 'BitwiseOr', 'BitwiseXor', 'BitwiseNot',
  'Equal', 'Less', 'LessOrEqual', 'Greater', 'GreaterOrEqual',
  'Where', 'Clip', 'Max', 'Min', 'Relu',
]);

/** Default element threshold for ops outside the intensive list. */
export const DEFAULT_MIN_ELEMENTS = 4096;

/** Input of {@link defineIntegerPolicy}. */
export interface IntegerPolicySpec {
  readonly name: string;
  readonly description?: string;
  /** Ops (ONNX domain) that always count as intensive; default {@link DEFAULT_INTENSIVE_OPS}. */
  readonly intensiveOps?: readonly string[];
  /** Other ops count from this many elements on; default 4096. `Infinity` disables. */
  readonly minElements?: number;
  /**
   * `ort-cpu` (default): only ops onnxruntime's CPU provider can run in the narrow type are
   * narrowed (measured table, see ort-kernels.ts); `onnx`: whatever the ONNX schema admits.
   */
  readonly runtime?: IntegerRuntime;
  /** Overrides: called first; `undefined` falls back to the lists. */
  readonly decide?: (q: IntegerPolicyQuery) => boolean | undefined;
}

/** Builds an integer policy from lists, a threshold and an optional callable. */
export function defineIntegerPolicy(spec: IntegerPolicySpec): IntegerPolicy {
  const ops = new Set(spec.intensiveOps ?? DEFAULT_INTENSIVE_OPS);
  const minElements = spec.minElements ?? DEFAULT_MIN_ELEMENTS;
  if (!(minElements >= 0)) throw new PreconditionError(`Integer policy '${spec.name}': minElements must be a non-negative number, got ${minElements}`);
  const runtime = spec.runtime ?? 'ort-cpu';
  const decide = spec.decide;
  return Object.freeze({
    name: spec.name,
    description: spec.description ?? `intensive: ${[...ops].join(', ')}; others from ${minElements} elements; runtime ${runtime}`,
    runtime,
    isIntensive(q: IntegerPolicyQuery): boolean {
      const d = decide?.(q);
      if (d !== undefined) return d;
      if (q.node.domain === '' && ops.has(q.node.opType)) return true;
      // A conversion is not computation: narrowing a lone Cast would only move the cast.
      if (q.node.domain === '' && (q.node.opType === 'Cast' || q.node.opType === 'CastLike' || q.node.opType === 'Identity')) return false;
      return q.elements !== undefined && q.elements >= minElements;
    },
    hasKernel(node: Node, target: DataType.INT16 | DataType.INT32): boolean {
      return runtime === 'onnx' ? true : ortCpuRuns(node, target);
    },
  });
}

/** The default policy: the intensive list, 4096 elements, onnxruntime CPU kernels. */
export const defaultIntegerPolicy: IntegerPolicy = defineIntegerPolicy({
  name: 'default',
  description: 'Element-wise arithmetic/comparison, Where, Clip, Max/Min, and ops moving ≥ 4096 elements; only ops onnxruntime CPU runs in int16',
});
