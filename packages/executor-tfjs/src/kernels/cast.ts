import * as tf from '@tensorflow/tfjs-core';
import { DataType, dataTypeName, integerRange, parseDataType } from '@mixprec/ir';
import type { KernelContext } from '../context.js';
import { bigintsOf, makeTensor, makeWide, numbersOf } from '../host.js';
import { family } from '../registry.js';
import { storageOf, TensorValue } from '../values.js';

/**
 * Cast and CastLike.
 * - to FLOAT16/BFLOAT16: the value is rounded onto the grid (nearest even) by the executor;
 * - float → integer: truncation toward zero, saturated to the target range, NaN → 0
 *   (ONNX leaves out-of-range results undefined; saturation is the documented choice here);
 * - integer → narrower integer: two's-complement wrap (as C casts and onnxruntime do);
 * - → BOOL: x ≠ 0; BOOL → numbers: 0/1;
 * - STRING ↔ numbers: decimal text (shortest round-trip float32 text when printing).
 */
export function castValue(ctx: KernelContext, v: TensorValue, to: DataType): TensorValue {
  const toSt = storageOf(to);
  if (toSt === undefined) ctx.fail(`cannot cast to ${dataTypeName(to)}`);
  if (v.dtype === to) return v.tf !== undefined ? TensorValue.ofTf(to, tf.clone(v.tf)) : v;
  if (v.strings !== undefined) return fromStrings(ctx, v, to);
  if (to === DataType.STRING) {
    const d = numbersOf(v);
    const isF = storageOf(v.dtype) === 'float32';
    const w = v.wide;
    return TensorValue.ofStrings(v.shape, Array.from(d, (x, i) => (w !== undefined ? w[i]!.toString() : isF ? floatText(x) : String(x))));
  }
  const fromSt = storageOf(v.dtype);
  if (toSt === 'float32') {
    if (fromSt === 'float32') return TensorValue.ofTf(to, tf.clone(ctx.tfOf(v)));
    return TensorValue.ofTf(to, tf.cast(ctx.tfOf(v), 'float32'));
  }
  if (toSt === 'bool') {
    if (v.wide !== undefined) return makeTensor(to, v.shape, Array.from(v.wide, (x) => (x !== 0n ? 1 : 0)));
    return TensorValue.ofTf(to, tf.notEqual(ctx.tfOf(v), tf.scalar(0, ctx.tfOf(v).dtype)));
  }
  // → integer
  const range = integerRange(to)!;
  if (fromSt === 'float32') {
    const d = numbersOf(v);
    const lo = Number(range[0]);
    const hi = Number(range[1]);
    if (to === DataType.INT64 || to === DataType.UINT64) {
      const big = new BigInt64Array(d.length);
      for (let i = 0; i < d.length; i++) {
        const x = d[i]!;
        const t = Number.isNaN(x) ? 0n : x <= lo ? range[0] : x >= hi ? range[1] : BigInt(Math.trunc(x));
        big[i] = BigInt.asIntN(64, t);
      }
      return makeWide(to, v.shape, big);
    }
    const out = new Float64Array(d.length);
    for (let i = 0; i < d.length; i++) {
      const x = d[i]!;
      out[i] = Number.isNaN(x) ? 0 : Math.min(hi, Math.max(lo, Math.trunc(x)));
    }
    return makeTensor(to, v.shape, out);
  }
  // integer or bool → integer: exact, wrapped to the target width
  const bits = BigInt(to === DataType.INT8 || to === DataType.UINT8 ? 8 : to === DataType.INT16 || to === DataType.UINT16 ? 16 : to === DataType.INT32 || to === DataType.UINT32 ? 32 : 64);
  const signed = range[0] < 0n;
  const src = v.wide !== undefined ? v.wide : bigintsOf(v);
  const res = src.map((x) => (signed ? BigInt.asIntN(Number(bits), x) : BigInt.asUintN(Number(bits), x)));
  return makeWide(to, v.shape, to === DataType.UINT64 ? res.map((x) => BigInt.asIntN(64, x)) : res);
}

function fromStrings(ctx: KernelContext, v: TensorValue, to: DataType): TensorValue {
  const s = v.strings!;
  if (to === DataType.STRING) return v;
  const vals = s.map((x) => {
    const t = x.trim().toLowerCase();
    if (t === 'inf' || t === '+inf' || t === 'infinity' || t === '+infinity') return Infinity;
    if (t === '-inf' || t === '-infinity') return -Infinity;
    if (t === 'nan') return NaN;
    const n = Number(t);
    if (Number.isNaN(n)) ctx.fail(`cannot parse '${x}' as a number`);
    return n;
  });
  const tmp = makeTensor(DataType.FLOAT, v.shape, vals);
  if (to === DataType.FLOAT || to === DataType.FLOAT16 || to === DataType.BFLOAT16 || to === DataType.DOUBLE) return tmp.relabel(to);
  const r = castValue(ctx, tmp, to);
  tmp.tf?.dispose();
  return r;
}

/** The shortest decimal text that reads back as the same float32 value. */
function floatText(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'INF' : '-INF';
  for (let p = 1; p <= 9; p++) {
    const s = x.toPrecision(p);
    if (Math.fround(Number(s)) === x) return String(Number(s));
  }
  return String(x);
}

function targetOf(ctx: KernelContext): DataType {
  const a = ctx.attr('to');
  if (a?.type === 'STRING') {
    const d = parseDataType(ctx.str('to', ''));
    if (d === undefined) ctx.fail(`unknown 'to' type '${ctx.str('to', '')}'`);
    return d;
  }
  const to = ctx.int('to');
  if (to === undefined) ctx.fail("attribute 'to' is required");
  return to;
}

export const CAST = family('', {
  Cast: (ctx) => [castValue(ctx, ctx.tensor(0), targetOf(ctx))],
  CastLike: (ctx) => [castValue(ctx, ctx.tensor(0), ctx.tensor(1).dtype)],
});
