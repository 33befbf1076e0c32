import {
  DataType, getOpSchema, isStandardFloat, tensorToNumbers, type Attr, type Dim, type LowPrecisionFloat, type Model,
  type Node, type Tensor, type Value,
} from '@mixprec/ir';
import { constantValue } from '@mixprec/transforms';
import type { PolicyQuery } from './policy.js';

/*
 * Helpers for policy rules that decide by shapes and attributes ("Conv green only when
 * Cout·Cin·k² ≥ 4096"). Every helper answers `undefined` when a fact is unknown (a symbolic or
 * missing dimension, a weight that is not a constant): a rule should then have no opinion, so
 * a lower rule or the fallback decides. Nothing here reads tensor data, only dims.
 */

/** The product of `dims` when every one is a known number, else undefined. */
export function knownProduct(dims: readonly Dim[] | undefined): number | undefined {
  if (dims === undefined) return undefined;
  let p = 1;
  for (const d of dims) {
    if (typeof d !== 'number' || !Number.isFinite(d) || d < 0) return undefined;
    p *= d;
  }
  return p;
}

/** The shape of input `index` of the queried node: from shape inference, else from a constant's dims. */
export function inputShape(q: PolicyQuery, index: number): readonly Dim[] | undefined {
  const v = q.node.inputs[index];
  if (v === undefined) return undefined;
  return q.shapeOf(v) ?? q.constantOf(v)?.dims;
}

/** The shape of output `index` of the queried node, when inferred. */
export function outputShape(q: PolicyQuery, index: number): readonly Dim[] | undefined {
  const v = q.node.outputs[index];
  return v === undefined || v.name === '' ? undefined : q.shapeOf(v);
}

/**
 * Multiply-accumulate count of one run of the node, for the ops whose cost is dominated by
 * MACs; undefined for other ops and whenever a needed dimension is unknown.
 * - MatMul `[…, M, K] × […, K, N]`: batch·M·N·K (numpy broadcasting of the batch dims; 1-D
 *   operands are promoted as numpy does);
 * - Gemm: M·N·K after `transA`/`transB`;
 * - Conv: output elements · (Cin/group)·∏kernel, i.e. N·Cout·∏out·Cin/g·∏k;
 * - ConvTranspose: input elements · (Cout/group)·∏kernel.
 */
export function macsOf(q: PolicyQuery): number | undefined {
  const n = q.node;
  if (n.domain !== '') return undefined;
  switch (n.opType) {
    case 'MatMul': return matMulMacs(inputShape(q, 0), inputShape(q, 1));
    case 'Gemm': return gemmMacs(q);
    case 'Conv': {
      const w = inputShape(q, 1);
      if (w === undefined || w.length < 2) return undefined;
      const perOutput = knownProduct(w.slice(1));
      const out = knownProduct(outputShape(q, 0));
      return perOutput === undefined || out === undefined ? undefined : out * perOutput;
    }
    case 'ConvTranspose': {
      const w = inputShape(q, 1);
      if (w === undefined || w.length < 2) return undefined;
      const perInput = knownProduct(w.slice(1));
      const x = knownProduct(inputShape(q, 0));
      return perInput === undefined || x === undefined ? undefined : x * perInput;
    }
    default: return undefined;
  }
}

function matMulMacs(a0: readonly Dim[] | undefined, b0: readonly Dim[] | undefined): number | undefined {
  if (a0 === undefined || b0 === undefined || a0.length === 0 || b0.length === 0) return undefined;
  const a = a0.length === 1 ? [1, a0[0]] : a0;
  const b = b0.length === 1 ? [b0[0], 1] : b0;
  const m = a[a.length - 2];
  const k = a[a.length - 1];
  const n = b[b.length - 1];
  if (typeof m !== 'number' || typeof k !== 'number' || typeof n !== 'number') return undefined;
  const batchA = a.slice(0, -2);
  const batchB = b.slice(0, -2);
  let batch = 1;
  for (let i = 0; i < Math.max(batchA.length, batchB.length); i++) {
    const da = batchA[batchA.length - 1 - i] ?? 1;
    const db = batchB[batchB.length - 1 - i] ?? 1;
    if (typeof da !== 'number' || typeof db !== 'number') return undefined;
    batch *= da === 1 ? db : da;
  }
  return batch * m * k * n;
}

function gemmMacs(q: PolicyQuery): number | undefined {
  const a = inputShape(q, 0);
  const b = inputShape(q, 1);
  if (a === undefined || b === undefined || a.length !== 2 || b.length !== 2) return undefined;
  const transA = q.node.getInt('transA', 0) !== 0;
  const transB = q.node.getInt('transB', 0) !== 0;
  const m = transA ? a[1] : a[0];
  const k = transA ? a[0] : a[1];
  const n = transB ? b[0] : b[1];
  return typeof m === 'number' && typeof k === 'number' && typeof n === 'number' ? m * n * k : undefined;
}

/**
 * How many terms are summed (or compared) into each output element, when known — the
 * "depth of reduction" of NVIDIA ModelOpt's rule:
 * - MatMul/Gemm: the contracted dimension K; Conv: Cin/group·∏kernel;
 * - Reduce*: the product of the reduced dims (`axes` attribute, or constant `axes` input from
 *   opset 18 / ReduceSum 13; no axes → all dims, or 1 with `noop_with_empty_axes`);
 * - GlobalAveragePool/GlobalLpPool/GlobalMaxPool: ∏ spatial dims; AveragePool/LpPool/MaxPool: ∏ kernel;
 * - Softmax/LogSoftmax/Hardmax: the `axis` dim (opset ≥ 13) or ∏ dims from `axis` (before);
 * - LayerNormalization: ∏ dims from `axis`; CumSum: the length of its (constant) axis.
 */
export function reductionDepth(q: PolicyQuery): number | undefined {
  const n = q.node;
  if (n.domain !== '') return undefined;
  const x = inputShape(q, 0);
  switch (n.opType) {
    case 'MatMul': {
      const k = x === undefined || x.length === 0 ? undefined : x[x.length - 1];
      return typeof k === 'number' ? k : undefined;
    }
    case 'Gemm': {
      if (x === undefined || x.length !== 2) return undefined;
      const k = n.getInt('transA', 0) !== 0 ? x[0] : x[1];
      return typeof k === 'number' ? k : undefined;
    }
    case 'Conv': {
      const w = inputShape(q, 1);
      return w === undefined || w.length < 2 ? undefined : knownProduct(w.slice(1));
    }
    case 'ReduceSum': case 'ReduceMean': case 'ReduceProd': case 'ReduceSumSquare': case 'ReduceL1': case 'ReduceL2':
    case 'ReduceLogSum': case 'ReduceLogSumExp': case 'ReduceMax': case 'ReduceMin':
      return reducedElements(q, x);
    case 'GlobalAveragePool': case 'GlobalLpPool': case 'GlobalMaxPool':
      return x === undefined || x.length < 2 ? undefined : knownProduct(x.slice(2));
    case 'AveragePool': case 'LpPool': case 'MaxPool':
      return knownProduct(n.getInts('kernel_shape'));
    case 'Softmax': case 'LogSoftmax': case 'Hardmax': {
      if (x === undefined) return undefined;
      const legacy = q.opset < 13;
      const axis = normAxis(n.getInt('axis', legacy ? 1 : -1), x.length);
      if (axis === undefined) return undefined;
      return legacy ? knownProduct(x.slice(axis)) : knownProduct([x[axis]]);
    }
    case 'LayerNormalization': {
      const axis = x === undefined ? undefined : normAxis(n.getInt('axis', -1), x.length);
      return axis === undefined ? undefined : knownProduct(x!.slice(axis));
    }
    case 'CumSum': {
      const a = n.inputs[1] === undefined ? undefined : q.constantOf(n.inputs[1]);
      const axis = a === undefined || x === undefined ? undefined : normAxis(Number(tensorToNumbers(a)[0]), x.length);
      return axis === undefined ? undefined : knownProduct([x![axis]]);
    }
    default: return undefined;
  }
}

function normAxis(axis: number, rank: number): number | undefined {
  const a = axis < 0 ? axis + rank : axis;
  return Number.isInteger(a) && a >= 0 && a < rank ? a : undefined;
}

function reducedElements(q: PolicyQuery, x: readonly Dim[] | undefined): number | undefined {
  if (x === undefined) return undefined;
  const n = q.node;
  let axes: number[] | undefined = n.getInts('axes');
  if (axes === undefined && n.inputs[1] !== undefined) {
    const t = q.constantOf(n.inputs[1]);
    if (t === undefined) return undefined; // axes computed at run time
    axes = tensorToNumbers(t).map(Number);
  }
  if (axes === undefined || axes.length === 0) {
    return n.getInt('noop_with_empty_axes', 0) !== 0 ? 1 : knownProduct(x);
  }
  const dims: Dim[] = [];
  for (const a of axes) {
    const i = normAxis(a, x.length);
    if (i === undefined) return undefined;
    dims.push(x[i]);
  }
  return knownProduct(dims);
}

/**
 * Elements of the node's float weights: the sum over its inputs that are float constants
 * (initializers or Constant outputs; a value that is also a graph input counts, as its
 * initializer is the default). Undefined when the node has no float constant input.
 */
export function weightElements(q: PolicyQuery): number | undefined {
  let total: number | undefined;
  for (const v of q.node.inputs) {
    if (v === undefined) continue;
    const t = q.constantOf(v);
    if (t === undefined || !isStandardFloat(t.dtype)) continue;
    total = (total ?? 0) + knownProduct(t.dims)!;
  }
  return total;
}

/**
 * Whether the node is a depthwise convolution: a Conv with group > 1 where every group sees
 * exactly one input channel (W is `[Cout, 1, k…]`). False for other ops and for Convs with
 * group 1; undefined when W's shape is unknown.
 */
export function isDepthwiseConv(q: PolicyQuery): boolean | undefined {
  const n = q.node;
  if (n.domain !== '' || n.opType !== 'Conv') return false;
  if (n.getInt('group', 1) <= 1) return false;
  const w = inputShape(q, 1);
  const cinPerGroup = w?.[1];
  return typeof cinPerGroup === 'number' ? cinPerGroup === 1 : undefined;
}

/**
 * An attribute of the node, or the schema's default when the node does not set it (so
 * `group` of a Conv reads 1 when absent). Undefined when neither exists.
 */
export function attrOrDefault(q: PolicyQuery, name: string): Attr | undefined {
  const own = q.node.attributes.get(name);
  if (own !== undefined) return own;
  return getOpSchema(q.node.domain, q.node.opType, q.opset)?.attributes.get(name)?.default;
}

/** Options of {@link createPolicyQuery}. */
export interface PolicyQueryOptions {
  /** Default: FLOAT16. */
  readonly target?: LowPrecisionFloat;
  /** Default: the value's declared tensor shape. */
  readonly shapeOf?: (v: Value) => readonly Dim[] | undefined;
  /** Default: the initializer's tensor, or the dense value of the Constant node producing `v`. */
  readonly constantOf?: (v: Value) => Tensor | undefined;
}

/**
 * A {@link PolicyQuery} for `node` from what the IR already knows (declared shapes,
 * initializers, Constant nodes): what tests, examples and tools use to ask a policy about a
 * node outside the amp pass (which passes the shapes `infer-types` computed).
 */
export function createPolicyQuery(node: Node, model: Model, options: PolicyQueryOptions = {}): PolicyQuery {
  const domain = node.domain;
  const opset = model.opset(domain) ?? (domain === '' ? model.opset('ai.onnx') : undefined) ?? 1;
  return {
    node,
    model,
    target: options.target ?? DataType.FLOAT16,
    opset,
    shapeOf: options.shapeOf ?? ((v) => v.shape),
    constantOf: options.constantOf ?? defaultConstantOf,
  };
}

function defaultConstantOf(v: Value): Tensor | undefined {
  if (v.constValue !== undefined) return v.constValue;
  const p = v.producer();
  if (p === undefined) return undefined;
  const c = constantValue(p);
  return c?.kind === 'dense' ? c.tensor : undefined;
}
