import * as tf from '@tensorflow/tfjs-core';
import { TensorValue, type RValue } from './values.js';

/**
 * Channels-last values across elementwise ops.
 *
 * 2-D convolutions run on tfjs in NHWC order and leave their outputs stored channels-last
 * ({@link TensorValue.ofChannelsLast}); any kernel reading such a value through `ctx.tf(i)`
 * gets the logical NCHW tensor (transposed once, on demand). Elementwise ops (KernelSpec
 * `layout: 'elementwise'`) instead run on the stored NHWC tensors directly, so that a chain
 * conv → activation → … → conv never changes layout: broadcasting commutes with a permutation
 * of the axes applied to every operand alike, and each element is computed by the same
 * float32 operation, so the results are the same numbers in another order.
 *
 * Before such an op, every operand is brought into the same axis order: a channels-last one is
 * its stored tensor; a single element is left as is (it broadcasts the same in any order); any
 * other operand of rank ≤ 4 is padded to rank 4 ([a, b, c, d], as broadcasting aligns it) and
 * permuted to [a, c, d, b] — a reshape when that keeps its element order (b = 1, or c = d = 1:
 * e.g. a per-channel [1, C, 1, 1]), else a transpose. The op's rank-4 outputs are then
 * channels-last values. Operands of rank > 4, and wide or string ones, leave the op on the
 * logical layout.
 */

/**
 * The operands of an elementwise op in NHWC order when at least one of them is stored
 * channels-last (new tensors are made in the caller's tidy scope); undefined otherwise.
 */
export function channelsLastOperands(ins: readonly (RValue | undefined)[]): (RValue | undefined)[] | undefined {
  let any = false;
  for (const x of ins) {
    if (x === undefined) continue;
    if (x.kind !== 'tensor' || x.stored === undefined || x.rank > 4) return undefined;
    if (x.channelsLast) any = true;
  }
  if (!any) return undefined;
  return ins.map((x) => (x === undefined ? undefined : inNhwcOrder(x as TensorValue)));
}

function inNhwcOrder(v: TensorValue): TensorValue {
  if (v.channelsLast) return TensorValue.ofTf(v.dtype, v.stored!);
  if (v.size === 1) return v;
  const s = [...new Array<number>(4 - v.rank).fill(1), ...v.shape] as [number, number, number, number];
  const [a, b, c, d] = s;
  const t = v.stored!;
  const moved = b === 1 || (c === 1 && d === 1) ? tf.reshape(t, [a, c, d, b]) : tf.transpose(tf.reshape(t, s), [0, 2, 3, 1]);
  return TensorValue.ofTf(v.dtype, moved);
}

/** An output of an op run on NHWC operands, as a channels-last value when it has rank 4. */
export function asChannelsLast(o: RValue | undefined): RValue | undefined {
  if (o === undefined || o.kind !== 'tensor' || o.channelsLast) return o;
  const t = o.stored;
  return t !== undefined && t.rank === 4 && o.rank === 4 ? TensorValue.ofChannelsLast(o.dtype, t) : o;
}
