import * as tf from '@tensorflow/tfjs-core';
import type { KernelContext } from '../context.js';
import { packColumns } from '../gemm-module.js';
import { GEMM } from '../heap-kernels.js';

/**
 * A[M, K] · W[K, N] with a weight W that is a resident value of a prepared model, on the
 * executor's own matrix product (gemm-module.ts) when the wasm backend has it: W is packed
 * once (its columns padded with zeros to a multiple of 4, the padding cut off the result).
 * Each output is 0 + a·w over k ascending, each product and sum rounded to float32 — the
 * order XNNPACK's product (tfjs' matMul on wasm) uses. Undefined when it does not apply.
 */
export function residentProduct(ctx: KernelContext, a: tf.Tensor, weight: number, k: number, n: number): tf.Tensor | undefined {
  if (k < 1 || n < 1 || !ctx.isResident(weight) || tf.getKernel(GEMM, tf.getBackend()) === undefined) return undefined;
  const n4 = Math.ceil(n / 4) * 4;
  const packed = ctx.derived(weight, 'matmul:packed', () => {
    const w = ctx.tf(weight).dataSync();
    const padded = new Float32Array(k * n4);
    for (let r = 0; r < k; r++) for (let c = 0; c < n; c++) padded[r * n4 + c] = w[r * n + c]!;
    return tf.tensor1d(packColumns(padded, k, n4));
  });
  const zero = ctx.derived(weight, 'matmul:zero-bias', () => tf.zeros([n4]));
  const m = a.size / k;
  const y = tf.engine().runKernel(GEMM, { a: tf.reshape(a, [m, k]), b: packed, bias: zero }, { m, n: n4, k }) as tf.Tensor;
  return n4 === n ? y : tf.slice(y, [0, 0], [m, n]);
}
