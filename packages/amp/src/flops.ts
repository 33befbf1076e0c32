import type { Dim, Node, Value } from '@mixprec/ir';
import { constantNodeTensor } from './constants.js';

/** Reductions and pools: the work is the input's size. */
const INPUT_SIZED = new Set([
  'ReduceSum', 'ReduceMean', 'ReduceMax', 'ReduceMin', 'ReduceProd', 'ReduceSumSquare', 'ReduceL1', 'ReduceL2',
  'ReduceLogSum', 'ReduceLogSumExp', 'GlobalAveragePool', 'GlobalMaxPool', 'GlobalLpPool', 'ArgMax', 'ArgMin',
]);

function dimsOf(v: Value | undefined): readonly number[] | undefined {
  if (v === undefined) return undefined;
  // `directConstant`, asking for a Constant's tensor only when the producer is one.
  const p = v.isInitializer() ? undefined : v.producer();
  const c = v.isInitializer() ? v.constValue : p !== undefined && p.opType === 'Constant' ? constantNodeTensor(p) : undefined;
  if (c !== undefined) return c.dims;
  const s: readonly Dim[] | undefined = v.shape;
  if (s === undefined) return undefined;
  for (let i = 0; i < s.length; i++) {
    const d = s[i];
    if (typeof d !== 'number' || d < 0) return undefined;
  }
  return s as readonly number[];
}

function prod(ds: readonly number[], from = 0): number {
  let p = 1;
  for (let i = from; i < ds.length; i++) p *= ds[i]!;
  return p;
}

/**
 * Floating-point operations of one node from its (inferred) shapes: MatMul/Gemm 2·M·N·K,
 * Conv 2·|Y|·(Cin/group)·∏k, ConvTranspose 2·|X|·(Cout/group)·∏k, reductions and global pools the
 * input size, everything else the output size. Undefined when a needed shape is unknown.
 */
export function nodeFlops(n: Node): number | undefined {
  const out = dimsOf(n.outputs[0]);
  if (n.domain === '') {
    switch (n.opType) {
      case 'MatMul': {
        const a = dimsOf(n.inputs[0]);
        if (out === undefined || a === undefined || a.length === 0) return undefined;
        return 2 * prod(out) * a[a.length - 1]!;
      }
      case 'Gemm': {
        const a = dimsOf(n.inputs[0]);
        if (out === undefined || a === undefined || a.length !== 2) return undefined;
        const k = n.getInt('transA', 0) === 1 ? a[0]! : a[1]!;
        return 2 * prod(out) * k;
      }
      case 'Conv': {
        const w = dimsOf(n.inputs[1]);
        if (out === undefined || w === undefined) return undefined;
        return 2 * prod(out) * prod(w, 1);
      }
      case 'ConvTranspose': {
        const x = dimsOf(n.inputs[0]);
        const w = dimsOf(n.inputs[1]);
        if (x === undefined || w === undefined) return undefined;
        return 2 * prod(x) * prod(w, 1);
      }
      default:
        if (INPUT_SIZED.has(n.opType)) {
          const x = dimsOf(n.inputs[0]);
          return x === undefined ? undefined : prod(x);
        }
    }
  }
  return out === undefined ? undefined : prod(out);
}
