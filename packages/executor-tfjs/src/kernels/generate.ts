import * as tf from '@tensorflow/tfjs-core';
import { DataType, Tensor, tensorToFloat64 } from '@mixprec/ir';
import type { KernelContext } from '../context.js';
import { valueFromTensor } from '../convert.js';
import { makeTensor } from '../host.js';
import { densify } from '../sparse.js';
import { family } from '../registry.js';
import { storageOf, type RValue, TensorValue } from '../values.js';
import { out } from './util.js';

/** Ops that make tensors: Constant (sparse_value densified), ConstantOfShape, Range, EyeLike. */

function constant(ctx: KernelContext): RValue[] {
  const t = ctx.tensorAttr('value');
  if (t !== undefined) return [valueFromTensor(t, `${ctx.node.toString()} value`)];
  const f = ctx.float('value_float');
  if (f !== undefined && ctx.attr('value_float')?.type === 'FLOAT') return [makeTensor(DataType.FLOAT, [], [f])];
  const fs = ctx.attr('value_floats');
  if (fs?.type === 'FLOATS') return [makeTensor(DataType.FLOAT, [fs.value.length], fs.value)];
  const i = ctx.attr('value_int');
  if (i?.type === 'INT') return [makeTensor(DataType.INT64, [], [Number(i.value)])];
  const is = ctx.attr('value_ints');
  if (is?.type === 'INTS') return [valueFromTensor(Tensor.of(DataType.INT64, [is.value.length], BigInt64Array.from(is.value, (x) => BigInt(x))), 'value_ints')];
  const s = ctx.attr('value_string');
  if (s?.type === 'STRING') return [TensorValue.ofStrings([], [ctx.str('value_string', '')])];
  const ss = ctx.strs('value_strings');
  if (ss !== undefined) return [TensorValue.ofStrings([ss.length], ss)];
  const sp = ctx.attr('sparse_value');
  if (sp?.type === 'SPARSE_TENSOR') return [valueFromTensor(densify(sp.value, `${ctx.node.toString()} sparse_value`), `${ctx.node.toString()} sparse_value`)];
  return ctx.fail('has no value attribute (value, value_float(s), value_int(s), value_string(s) or sparse_value)');
}

function constantOfShape(ctx: KernelContext): RValue[] {
  const shape = ctx.numbers(0);
  const t = ctx.tensorAttr('value');
  const dtype = t?.dtype ?? DataType.FLOAT;
  const v = t === undefined ? 0 : tensorToFloat64(t)[0] ?? 0;
  const st = storageOf(dtype);
  if (st === undefined || st === 'string') ctx.fail(`value of type ${dtype} is not supported`);
  if (t !== undefined && t.dtype === DataType.INT64 && (v > 2147483647 || v < -2147483648)) {
    const n = shape.reduce((a, b) => a * b, 1);
    return [TensorValue.ofWide(dtype, shape, new BigInt64Array(n).fill((t.data as BigInt64Array)[0]!))];
  }
  return [out(dtype, tf.fill(shape, v, st))];
}

function range(ctx: KernelContext): RValue[] {
  const s = ctx.tensor(0);
  const start = ctx.scalar(0);
  const limit = ctx.scalar(1);
  const delta = ctx.scalar(2);
  if (delta === 0) ctx.fail('delta must not be 0');
  const n = Math.max(Math.ceil((limit - start) / delta), 0);
  const vals = new Float64Array(n);
  const isF = storageOf(s.dtype) === 'float32';
  // Accumulate (start, start + delta, start + delta + delta, …) as the ONNX function body of
  // Range and onnxruntime do; for floats each sum is rounded to float32.
  let acc = start;
  for (let i = 0; i < n; i++) {
    vals[i] = acc;
    acc = isF ? Math.fround(acc + delta) : acc + delta;
  }
  return [makeTensor(s.dtype, [n], vals)];
}

function eyeLike(ctx: KernelContext): RValue[] {
  const x = ctx.tensor(0);
  if (x.rank !== 2) ctx.fail(`input must be 2-D, got ${x.toString()}`);
  const dtype = ctx.int('dtype') ?? x.dtype;
  const k = ctx.int('k', 0);
  const [r, c] = x.shape as [number, number];
  const vals = new Float64Array(r * c);
  for (let i = 0; i < r; i++) {
    const j = i + k;
    if (j >= 0 && j < c) vals[i * c + j] = 1;
  }
  return [makeTensor(dtype, [r, c], vals)];
}

export const GENERATE = family('', {
  Constant: constant,
  ConstantOfShape: constantOfShape,
  Range: range,
  EyeLike: eyeLike,
});
