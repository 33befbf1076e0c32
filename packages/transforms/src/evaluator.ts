import { castTensor } from './const-eval-numeric.js';
import { castTarget } from './cast-lattice.js';
import { mathEvals } from './const-eval-math.js';
import { reduceEvals } from './const-eval-reduce.js';
import { tensorEvals } from './const-eval-tensor.js';
import type { Node, Tensor } from '@mixprec/ir';

/** What an evaluator may need besides the node and its input values. */
export interface EvalInfo {
  /** The model's opset of the node's domain (e.g. Squeeze-13 takes axes as an input). */
  readonly opset: number;
  /** Do not produce (or allocate) an output with more elements than this: return undefined. */
  readonly maxOutputElements: number;
}

/**
 * Computes a node's outputs from constant inputs, for `fold-constants`.
 * `inputs[i]` is the value of input slot i (undefined for an omitted optional input).
 * Returns one tensor per node output, or undefined when it cannot evaluate the node (an op it
 * does not know, a dtype or attribute it does not support, a result over the size limit);
 * the node is then left in the graph. An evaluator must be deterministic and must not keep
 * the tensors it is given beyond the call.
 */
export interface Evaluator {
  evaluate(node: Node, inputs: readonly (Tensor | undefined)[], info: EvalInfo): readonly Tensor[] | undefined;
}

/** The implementation of one op in the built-in evaluator. */
export type EvalFn = (node: Node, inputs: readonly (Tensor | undefined)[], info: EvalInfo) => Tensor[] | undefined;

const castEvals: ReadonlyMap<string, EvalFn> = new Map<string, EvalFn>([
  ['Cast', (n, [x]) => {
    const to = castTarget(n);
    const r = x === undefined || to === undefined ? undefined : castTensor(x, to);
    return r === undefined ? undefined : [r];
  }],
  ['CastLike', (_n, [x, like]) => {
    const r = x === undefined || like === undefined ? undefined : castTensor(x, like.dtype);
    return r === undefined ? undefined : [r];
  }],
]);

const BUILTIN: ReadonlyMap<string, EvalFn> = new Map<string, EvalFn>([
  ...castEvals, ...tensorEvals, ...mathEvals, ...reduceEvals,
]);

/** The op types (ONNX domain) the built-in evaluator knows. */
export function builtinEvaluatorOps(): readonly string[] {
  return [...BUILTIN.keys()].sort();
}

/**
 * The pure-TypeScript evaluator of `fold-constants`: Cast, CastLike, Identity, Shape, Size,
 * Gather, Concat, Unsqueeze, Squeeze, Reshape, Flatten, Slice, Range, ConstantOfShape, Expand,
 * Tile, Transpose, Add, Sub, Mul, Div, Pow, Min, Max, Neg, Abs, Sqrt, Sign, Floor, Ceil, Round,
 * Reciprocal, Equal, Less, Greater, LessOrEqual, GreaterOrEqual, Not, And, Or, Xor, Where,
 * Clip, ReduceSum, ReduceProd, ReduceMax, ReduceMin — ONNX domain only. Exact for integers
 * (INT64 through bigints), float32 semantics for FLOAT (one rounding per op), one rounding per
 * op for FLOAT16/BFLOAT16; Cast to FLOAT16/BFLOAT16 rounds once, also from DOUBLE and INT64.
 */
export const builtinEvaluator: Evaluator = Object.freeze({
  evaluate(node: Node, inputs: readonly (Tensor | undefined)[], info: EvalInfo): readonly Tensor[] | undefined {
    if (node.domain !== '') return undefined;
    const fn = BUILTIN.get(node.opType);
    if (fn === undefined) return undefined;
    const out = fn(node, inputs, info);
    return out !== undefined && out.length === node.outputs.length ? out : undefined;
  },
});

/** An evaluator that asks each of `evaluators` in turn and takes the first answer. */
export function chainEvaluators(...evaluators: readonly Evaluator[]): Evaluator {
  return Object.freeze({
    evaluate(node: Node, inputs: readonly (Tensor | undefined)[], info: EvalInfo): readonly Tensor[] | undefined {
      for (const e of evaluators) {
        const r = e.evaluate(node, inputs, info);
        if (r !== undefined) return r;
      }
      return undefined;
    },
  });
}
