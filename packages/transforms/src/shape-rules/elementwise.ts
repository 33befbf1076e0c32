import type { Dim } from '@mixprec/ir';
import { broadcastDim, broadcastShapes, mergeDim, type ShapeContext, type ShapeRule } from '../shape-inference.js';

/**
 * Element-wise ops: every output has input 0's shape (activations, casts, normalisations that
 * keep the shape, quantisation, scatter into `data`, …).
 */
const SAME_AS_FIRST = [
  'Abs', 'Acos', 'Acosh', 'Asin', 'Asinh', 'Atan', 'Atanh', 'BitwiseNot', 'Cast', 'CastLike', 'Ceil', 'Celu',
  'Clip', 'Cos', 'Cosh', 'CumSum', 'DequantizeLinear', 'Dropout', 'Elu', 'Erf', 'Exp', 'EyeLike', 'Floor', 'Gelu',
  'GroupNormalization', 'HardSigmoid', 'HardSwish', 'Hardmax', 'Identity', 'InstanceNormalization', 'IsInf', 'IsNaN',
  'LRN', 'LeakyRelu', 'Log', 'LogSoftmax', 'LpNormalization', 'MeanVarianceNormalization', 'Mish', 'Neg', 'Not',
  'QuantizeLinear', 'RandomNormalLike', 'RandomUniformLike', 'Bernoulli', 'Reciprocal', 'Relu', 'ReverseSequence',
  'Round', 'Scatter', 'ScatterElements', 'ScatterND', 'Selu', 'Shrink', 'Sigmoid', 'Sign', 'Sin', 'Sinh', 'Softmax',
  'Softplus', 'Softsign', 'Sqrt', 'Swish', 'Tan', 'Tanh', 'ThresholdedRelu', 'Trilu', 'ImageScaler',
] as const;

/** Ops whose inputs broadcast (numpy rules) to the one output. */
const BROADCAST = [
  'Add', 'And', 'BitShift', 'BitwiseAnd', 'BitwiseOr', 'BitwiseXor', 'Div', 'Equal', 'Greater', 'GreaterOrEqual',
  'Less', 'LessOrEqual', 'Max', 'Mean', 'Min', 'Mod', 'Mul', 'Or', 'PRelu', 'Pow', 'Sub', 'Sum', 'Where', 'Xor',
] as const;

const sameAsFirst: ShapeRule = (c) => {
  const s = c.shape(0);
  return c.node.outputs.map(() => s);
};

/** Equal shapes, merged dim by dim (variadic ops before opset 8 did not broadcast). */
function mergeShapes(shapes: readonly (readonly Dim[] | undefined)[]): Dim[] | undefined {
  let out: Dim[] | undefined;
  for (const s of shapes) {
    if (s === undefined) continue;
    if (out === undefined) out = [...s];
    else if (out.length === s.length) out = out.map((d, i) => mergeDim(d, s[i]));
    else return undefined;
  }
  return out;
}

const broadcast: ShapeRule = (c: ShapeContext) => {
  // The common case (opset ≥ 8, two inputs present): no list of shapes.
  if (c.opset >= 8 && c.inputCount === 2 && c.has(0) && c.has(1)) return [broadcastTwo(c.shape(0), c.shape(1))];
  const shapes: (readonly Dim[] | undefined)[] = [];
  for (let i = 0; i < c.inputCount; i++) if (c.has(i)) shapes.push(c.shape(i));
  const op = c.node.opType;
  // Before opset 7 the binary ops broadcast B onto A only when `broadcast=1`: the output is A.
  if (c.opset < 7 && c.node.attributes.has('broadcast')) return [c.shape(0)];
  if (c.opset < 7 && c.node.inputs.length === 2 && op !== 'PRelu' && op !== 'Where') {
    return [mergeShapes(shapes)];
  }
  if (c.opset < 8 && (op === 'Max' || op === 'Min' || op === 'Mean' || op === 'Sum')) return [mergeShapes(shapes)];
  return [broadcastShapes(shapes)];
};

/**
 * `broadcastShapes([a, b])` without the list. When the result is `a` dim for dim (the common
 * case: `b` broadcasts into `a`), `a` itself is returned (shape lists are read-only; whoever
 * stores one copies it, as for the shape `sameAsFirst` passes on).
 */
function broadcastTwo(a: readonly Dim[] | undefined, b: readonly Dim[] | undefined): readonly Dim[] | undefined {
  if (a === undefined || b === undefined) return undefined;
  if (a.length >= b.length && broadcastsInto(b, a)) return a;
  const rank = a.length > b.length ? a.length : b.length;
  const offA = rank - a.length;
  const offB = rank - b.length;
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    let d: Dim = 1;
    if (i >= offA) d = broadcastDim(d, a[i - offA]);
    if (i >= offB) d = broadcastDim(d, b[i - offB]);
    out.push(d);
  }
  return out;
}

/** Whether broadcasting `b` with `a` (`a.length ≥ b.length`) gives `a`'s dims unchanged. */
function broadcastsInto(b: readonly Dim[], a: readonly Dim[]): boolean {
  const off = a.length - b.length;
  for (let j = 0; j < b.length; j++) {
    const d = a[off + j];
    if (broadcastDim(d, b[j]) !== d) return false;
  }
  return true;
}

/** Rules of this family by op type. */
export const elementwiseRules: ReadonlyMap<string, ShapeRule> = new Map<string, ShapeRule>([
  ...SAME_AS_FIRST.map((op): [string, ShapeRule] => [op, sameAsFirst]),
  ...BROADCAST.map((op): [string, ShapeRule] => [op, broadcast]),
]);
