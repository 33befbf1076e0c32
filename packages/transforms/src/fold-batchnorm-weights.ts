import { DataType, Node, Value, tensorToFloat64, tensorType, type Graph, type Model, type Tensor } from '@mixprec/ir';
import { constantValue } from './constant-value.js';
import { fromNumbers, isFloatDType } from './const-eval-numeric.js';

/**
 * Constants read and written by `fold-batchnorm`: where a constant operand comes from (an
 * initializer or a Constant node), and how a new value replaces it without touching other
 * users.
 */

/** A constant operand of a node: its value and where it lives. */
export interface ConstOperand {
  readonly value: Value;
  readonly tensor: Tensor;
  /** The Constant node holding it, when it is not an initializer. */
  readonly constantNode?: Node;
}

/** The constant behind `v`: a non-overridable initializer or a dense Constant output. */
export function constOperand(model: Model, v: Value | undefined): ConstOperand | undefined {
  if (v === undefined) return undefined;
  if (v.isInitializer()) {
    if (v.isGraphInput() && model.irVersion >= 4) return undefined; // overridable at run time
    return { value: v, tensor: v.constValue! };
  }
  const p = v.producer();
  if (p?.opType !== 'Constant' || p.domain !== '') return undefined;
  const cv = constantValue(p);
  return cv?.kind === 'dense' ? { value: v, tensor: cv.tensor, constantNode: p } : undefined;
}

/** A floating-point constant as float64 values (undefined for other element types). */
export function floatValues(c: ConstOperand | undefined): Float64Array | undefined {
  if (c === undefined || !isFloatDType(c.tensor.dtype)) return undefined;
  return tensorToFloat64(c.tensor);
}

/** A tensor of `dtype` from float64 values, rounded once (FLOAT16/BFLOAT16 included). */
export function floatTensor64(dtype: DataType, dims: readonly number[], values: Float64Array): Tensor {
  return fromNumbers(dtype, dims, values);
}

/**
 * Gives input `index` of `node` the value `t`. When the old operand is read by this node only
 * (and is not a graph output), it is updated in place (the initializer's tensor, or the
 * Constant's `value`), keeping its name; otherwise a new initializer of the node's graph,
 * named from `base` by the name authority, replaces it for this node alone.
 */
export function setConstInput(node: Node, index: number, old: ConstOperand | undefined, t: Tensor, base: string): void {
  const g = node.graph!;
  const v = old?.value;
  const alone = v !== undefined && v.useCount === 1 && !v.isGraphOutput() && !v.isGraphInput();
  if (alone && old!.constantNode === undefined && v.graph() === g) {
    v.constValue = t;
    v.type = tensorType(t.dtype, t.dims);
    return;
  }
  if (alone && old!.constantNode !== undefined) {
    const c = old!.constantNode;
    for (const k of [...c.attributes.keys()]) if (k.startsWith('value') || k === 'sparse_value') c.removeAttr(k);
    c.setAttr('value', { type: 'TENSOR', value: t });
    if (v.type !== undefined) v.type = tensorType(t.dtype, t.dims);
    return;
  }
  const fresh = new Value(g.names.freshValueName(base), tensorType(t.dtype, t.dims), t);
  g.addInitializer(fresh);
  if (index < node.inputs.length) node.replaceInput(index, fresh);
  else {
    while (node.inputs.length < index) node.appendInput(undefined);
    node.appendInput(fresh);
  }
}

/** A new initializer of `g` holding `t`, named from `base`. */
export function newInitializer(g: Graph, base: string, t: Tensor): Value {
  const v = new Value(g.names.freshValueName(base), tensorType(t.dtype, t.dims), t);
  g.addInitializer(v);
  return v;
}

/**
 * Scales weight slices by output channel: `channelOf(i)` gives the output channel of flat
 * element i. Computed in float64, stored in the weight's dtype.
 */
export function scaleByChannel(w: Tensor, scale: Float64Array, channelOf: (i: number) => number): Tensor {
  const x = tensorToFloat64(w);
  for (let i = 0; i < x.length; i++) x[i] = x[i]! * scale[channelOf(i)]!;
  return floatTensor64(w.dtype, w.dims, x);
}
