import * as tf from '@tensorflow/tfjs-core';
import { DataType, elementDType } from '@mixprec/ir';
import type { KernelContext } from '../context.js';
import { makeTensor } from '../host.js';
import { family } from '../registry.js';
import {
  cloneValue, disposeValue, optionalValue, sequenceValue, type RValue, type SequenceValue, TensorValue,
} from '../values.js';
import { axisOf } from './util.js';

/** Sequence ops and optionals (SequenceConstruct … SequenceMap, Optional*). */

const cloneT = (v: TensorValue): TensorValue => cloneValue(v) as TensorValue;

function position(ctx: KernelContext, i: number, len: number, insert: boolean): number {
  if (!ctx.has(i)) return insert ? len : len - 1;
  const p = ctx.scalar(i);
  const q = p < 0 ? p + len : p;
  if (q < 0 || q > (insert ? len : len - 1)) ctx.fail(`position ${p} is out of range for a sequence of length ${len}`);
  return q;
}

function splitToSequence(ctx: KernelContext): RValue[] {
  const x = ctx.tensor(0);
  const axis = axisOf(ctx, ctx.int('axis', 0), x.rank);
  const keep = ctx.int('keepdims', 1) !== 0;
  const t = ctx.tfOf(x);
  const dim = x.shape[axis]!;
  let sizes: number[];
  if (!ctx.has(1)) sizes = new Array<number>(dim).fill(1);
  else {
    const s = ctx.tensor(1);
    const v = ctx.numbers(1);
    if (s.rank === 0) {
      sizes = [];
      for (let o = 0; o < dim; o += v[0]!) sizes.push(Math.min(v[0]!, dim - o));
    } else sizes = v;
  }
  let off = 0;
  const items = sizes.map((sz) => {
    const begin = x.shape.map((_, i) => (i === axis ? off : 0));
    const size = x.shape.map((d, i) => (i === axis ? sz : d));
    off += sz;
    let piece = tf.slice(t, begin, size);
    if (!ctx.has(1) && !keep) piece = tf.squeeze(piece, [axis]);
    return TensorValue.ofTf(x.dtype, piece);
  });
  return [sequenceValue(x.dtype, items)];
}

function concatFromSequence(ctx: KernelContext): RValue[] {
  const s = ctx.sequence(0);
  if (s.items.length === 0) ctx.fail('cannot concatenate an empty sequence');
  const newAxis = ctx.int('new_axis', 0) !== 0;
  const rank = s.items[0]!.rank + (newAxis ? 1 : 0);
  const axis = axisOf(ctx, ctx.int('axis') ?? ctx.fail('axis is required'), rank);
  const ts = s.items.map((v) => ctx.tfOf(v));
  return [TensorValue.ofTf(s.items[0]!.dtype, newAxis ? tf.stack(ts, axis) : tf.concat(ts, axis))];
}

function sequenceMap(ctx: KernelContext): RValue[] {
  const body = ctx.graph('body');
  const seqs: (SequenceValue | TensorValue)[] = ctx.inputs.map((_, i) => {
    const v = ctx.value(i);
    return v.kind === 'optional' ? ctx.fail('optional inputs are not supported') : v;
  });
  const len = (seqs[0] as SequenceValue).items.length;
  const results: TensorValue[][] = body.outputs.map(() => []);
  for (let k = 0; k < len; k++) {
    const ins = seqs.map((v) => (v.kind === 'sequence' ? cloneT(v.items[k] ?? ctx.fail('sequences differ in length')) : cloneT(v)));
    const outs = ctx.host.runSubgraph(body, ins);
    outs.forEach((o, j) => results[j]!.push(o.kind === 'tensor' ? o : ctx.fail('body outputs must be tensors')));
  }
  return results.map((items, j) => sequenceValue(items[0]?.dtype ?? elementDType(body.outputs[j]!.type), items));
}

export const SEQUENCE = family('', {
  SequenceConstruct: (ctx) => {
    const items = ctx.inputs.map((_, i) => cloneT(ctx.tensor(i)));
    return [sequenceValue(items[0]?.dtype, items)];
  },
  SequenceEmpty: (ctx) => [sequenceValue(ctx.int('dtype', DataType.FLOAT), [])],
  SequenceInsert: (ctx) => {
    const s = ctx.sequence(0);
    const items = s.items.map(cloneT);
    items.splice(position(ctx, 2, items.length, true), 0, cloneT(ctx.tensor(1)));
    return [sequenceValue(s.elemDType ?? ctx.tensor(1).dtype, items)];
  },
  SequenceAt: (ctx) => {
    const s = ctx.sequence(0);
    return [cloneT(s.items[position(ctx, 1, s.items.length, false)]!)];
  },
  SequenceErase: (ctx) => {
    const s = ctx.sequence(0);
    const items = s.items.map(cloneT);
    const [gone] = items.splice(position(ctx, 1, items.length, false), 1);
    disposeValue(gone);
    return [sequenceValue(s.elemDType, items)];
  },
  SequenceLength: (ctx) => [makeTensor(DataType.INT64, [], [ctx.sequence(0).items.length])],
  SplitToSequence: splitToSequence,
  ConcatFromSequence: concatFromSequence,
  SequenceMap: sequenceMap,
  Optional: (ctx) => {
    const v = ctx.inputs[0];
    if (v === undefined) return [optionalValue(undefined)];
    if (v.kind === 'optional') ctx.fail('an optional cannot hold an optional');
    return [optionalValue(cloneValue(v) as TensorValue | SequenceValue)];
  },
  OptionalHasElement: (ctx) => {
    const v = ctx.inputs[0];
    const has = v !== undefined && (v.kind !== 'optional' || v.value !== undefined);
    return [makeTensor(DataType.BOOL, [], [has ? 1 : 0])];
  },
  OptionalGetElement: (ctx) => {
    const v = ctx.value(0);
    if (v.kind !== 'optional') return [cloneValue(v)];
    const inner = v.value ?? ctx.fail('the optional is empty');
    return [cloneValue(inner)];
  },
});
