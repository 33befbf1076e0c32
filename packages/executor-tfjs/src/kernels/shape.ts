import * as tf from '@tensorflow/tfjs-core';
import { DataType, elementCount } from '@mixprec/ir';
import type { KernelContext } from '../context.js';
import { broadcastShapes, makeTensor } from '../host.js';
import { family, type Kernel, type KernelSpec } from '../registry.js';
import type { RValue } from '../values.js';
import { axesOf, axisOf, out } from './util.js';

/**
 * Shape and layout ops: Reshape, Flatten, Squeeze, Unsqueeze, Transpose, Shape, Size, Expand,
 * Tile, Concat, Split, Slice, Pad, DepthToSpace, SpaceToDepth, Trilu.
 * The data-moving ones are exact for wide int64 and STRING tensors (see `movesData`).
 */

const moves0 = (run: Kernel): KernelSpec => ({ run, movesData: [0] });

function reshape(ctx: KernelContext): RValue[] {
  const x = ctx.tensor(0);
  const spec = ctx.opset < 5 ? (ctx.ints('shape') ?? []) : ctx.numbers(1).map(Math.trunc);
  const allowZero = ctx.int('allowzero', 0) !== 0;
  const shape = spec.map((d, i) => (d === 0 && !allowZero ? (x.shape[i] ?? ctx.fail(`shape[${i}] = 0 copies a dim the input does not have`)) : d));
  const neg = shape.indexOf(-1);
  if (neg >= 0) {
    const known = shape.reduce((a, d, i) => (i === neg ? a : a * d), 1);
    shape[neg] = known === 0 ? 0 : x.size / known;
  }
  if (elementCount(shape) !== x.size || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    ctx.fail(`cannot reshape ${x.toString()} to [${spec.join(', ')}]`);
  }
  return [out(x.dtype, tf.reshape(ctx.tf(0), shape))];
}

function flatten(ctx: KernelContext): RValue[] {
  const x = ctx.tensor(0);
  let axis = ctx.int('axis', 1);
  if (axis < 0) axis += x.rank;
  if (axis < 0 || axis > x.rank) ctx.fail(`axis ${ctx.int('axis', 1)} is out of range for rank ${x.rank}`);
  const a = elementCount(x.shape.slice(0, axis));
  return [out(x.dtype, tf.reshape(ctx.tf(0), [a, elementCount(x.shape.slice(axis))]))];
}

function squeeze(ctx: KernelContext): RValue[] {
  const x = ctx.tensor(0);
  const axes = axesOf(ctx, 1, 'axes', x.rank) ?? x.shape.flatMap((d, i) => (d === 1 ? [i] : []));
  for (const a of axes) if (x.shape[a] !== 1) ctx.fail(`cannot squeeze axis ${a} of size ${x.shape[a]}`);
  return [out(x.dtype, tf.reshape(ctx.tf(0), x.shape.filter((_, i) => !axes.includes(i))))];
}

function unsqueeze(ctx: KernelContext): RValue[] {
  const x = ctx.tensor(0);
  const raw = ctx.has(1) ? ctx.optInts(1)! : (ctx.ints('axes') ?? ctx.fail('axes are required'));
  const rank = x.rank + raw.length;
  const axes = raw.map((a) => axisOf(ctx, a, rank)).sort((p, q) => p - q);
  const shape: number[] = [];
  let k = 0;
  for (let i = 0; i < rank; i++) shape.push(axes.includes(i) ? 1 : x.shape[k++]!);
  return [out(x.dtype, tf.reshape(ctx.tf(0), shape))];
}

function transpose(ctx: KernelContext): RValue[] {
  const x = ctx.tensor(0);
  const perm = ctx.ints('perm') ?? x.shape.map((_, i) => x.rank - 1 - i);
  return [out(x.dtype, tf.transpose(ctx.tf(0), perm))];
}

function shapeOp(ctx: KernelContext): RValue[] {
  const x = ctx.value(0);
  const dims = x.kind === 'tensor' ? x.shape : ctx.fail('input must be a tensor');
  const r = dims.length;
  const clampIdx = (i: number): number => Math.min(r, Math.max(0, i < 0 ? i + r : i));
  const start = clampIdx(ctx.int('start', 0));
  const end = ctx.hasAttr('end') ? clampIdx(ctx.int('end', r)) : r;
  const d = dims.slice(start, Math.max(start, end));
  return [makeTensor(DataType.INT64, [d.length], d)];
}

function expand(ctx: KernelContext): RValue[] {
  const x = ctx.tensor(0);
  const shape = broadcastShapes([x.shape, ctx.numbers(1)]);
  return [out(x.dtype, tf.broadcastTo(ctx.tf(0), shape))];
}

function tile(ctx: KernelContext): RValue[] {
  const x = ctx.tensor(0);
  const reps = ctx.numbers(1);
  if (reps.length !== x.rank) ctx.fail(`repeats has ${reps.length} entries for a rank-${x.rank} input`);
  return [out(x.dtype, x.rank === 0 ? tf.clone(ctx.tf(0)) : tf.tile(ctx.tf(0), reps))];
}

function concat(ctx: KernelContext): RValue[] {
  const xs = ctx.inputs.map((_, i) => ctx.tensor(i));
  const rank = xs[0]!.rank;
  const axis = axisOf(ctx, ctx.int('axis', ctx.opset < 4 ? 1 : 0), rank);
  const nonEmpty = xs.filter((v) => v.size > 0);
  if (nonEmpty.length === 0) {
    const shape = [...xs[0]!.shape];
    shape[axis] = xs.reduce((a, v) => a + v.shape[axis]!, 0);
    return [out(xs[0]!.dtype, tf.zeros(shape, ctx.tfOf(xs[0]!).dtype))];
  }
  const ts = nonEmpty.map((v) => ctx.tfOf(v));
  return [out(xs[0]!.dtype, ts.length === 1 ? tf.clone(ts[0]!) : tf.concat(ts, axis))];
}

function split(ctx: KernelContext): RValue[] {
  const x = ctx.tensor(0);
  const axis = axisOf(ctx, ctx.int('axis', 0), x.rank);
  const dim = x.shape[axis]!;
  const n = ctx.node.outputs.length;
  let sizes = ctx.has(1) ? ctx.optInts(1)! : ctx.ints('split');
  if (sizes === undefined) {
    const parts = ctx.int('num_outputs', n);
    const chunk = Math.ceil(dim / parts);
    sizes = Array.from({ length: parts }, (_, i) => Math.max(0, Math.min(chunk, dim - i * chunk)));
  }
  if (sizes.reduce((a, b) => a + b, 0) !== dim) ctx.fail(`split sizes [${sizes.join(', ')}] do not add up to dim ${dim}`);
  const t = ctx.tf(0);
  let off = 0;
  return sizes.map((s) => {
    const begin = x.shape.map((_, i) => (i === axis ? off : 0));
    const size = x.shape.map((d, i) => (i === axis ? s : d));
    off += s;
    return out(x.dtype, tf.slice(t, begin, size));
  });
}

/** Indices selected along one axis by ONNX Slice semantics (clamping per step sign). */
export function sliceIndices(dim: number, start: number, end: number, step: number): number[] {
  const s0 = start < 0 ? start + dim : start;
  const e0 = end < 0 ? end + dim : end;
  const idx: number[] = [];
  if (step > 0) {
    const s = Math.min(Math.max(s0, 0), dim);
    const e = Math.min(Math.max(e0, 0), dim);
    for (let i = s; i < e; i += step) idx.push(i);
  } else {
    const s = Math.min(Math.max(s0, -1), dim - 1);
    const e = Math.min(Math.max(e0, -1), dim - 1);
    for (let i = s; i > e; i += step) idx.push(i);
  }
  return idx;
}

function slice(ctx: KernelContext): RValue[] {
  const x = ctx.tensor(0);
  const legacy = ctx.opset < 10;
  const starts = legacy ? (ctx.ints('starts') ?? []) : ctx.numbers(1);
  const ends = legacy ? (ctx.ints('ends') ?? []) : ctx.numbers(2);
  const axes = (legacy ? ctx.ints('axes') : ctx.optInts(3)) ?? starts.map((_, i) => i);
  const steps = (legacy ? undefined : ctx.optInts(4)) ?? starts.map(() => 1);
  let t = ctx.tf(0);
  const begin = x.shape.map(() => 0);
  const size = [...x.shape];
  const gathers: [number, number[]][] = [];
  axes.forEach((a0, k) => {
    const a = axisOf(ctx, a0, x.rank);
    const step = steps[k]!;
    if (step === 0) ctx.fail('slice step must not be 0');
    const idx = sliceIndices(x.shape[a]!, starts[k]!, ends[k]!, step);
    if (step === 1) {
      begin[a] = idx[0] ?? 0;
      size[a] = idx.length;
    } else {
      gathers.push([a, idx]);
    }
  });
  t = tf.slice(t, begin, size);
  for (const [a, idx] of gathers) t = tf.gather(t, tf.tensor1d(idx, 'int32'), a);
  return [out(x.dtype, t === ctx.tf(0) ? tf.clone(t) : t)];
}

function pad(ctx: KernelContext): RValue[] {
  const x = ctx.tensor(0);
  const legacy = ctx.opset < 11;
  const mode = ctx.str('mode', 'constant');
  let pads = legacy ? (ctx.ints('pads') ?? ctx.ints('paddings') ?? []) : ctx.numbers(1);
  const value = legacy ? ctx.float('value', 0) : ctx.has(2) ? ctx.scalar(2) : 0;
  const axes = legacy ? undefined : axesOf(ctx, 3, '__none__', x.rank);
  if (axes !== undefined) {
    const full = new Array<number>(2 * x.rank).fill(0);
    axes.forEach((a, k) => {
      full[a] = pads[k]!;
      full[a + x.rank] = pads[k + axes.length]!;
    });
    pads = full;
  }
  if (pads.length !== 2 * x.rank) ctx.fail(`pads has ${pads.length} entries for a rank-${x.rank} input`);
  let t = ctx.tf(0);
  // Negative pads crop first.
  const begin = x.shape.map((_, i) => Math.max(0, -pads[i]!));
  const size = x.shape.map((d, i) => d - begin[i]! - Math.max(0, -pads[i + x.rank]!));
  size.forEach((n, i) => {
    if (n < 0) ctx.fail(`negative pads ${pads[i]}, ${pads[i + x.rank]} crop more than the ${x.shape[i]} elements of dim ${i}`);
  });
  t = tf.slice(t, begin, size);
  const before = x.shape.map((_, i) => Math.max(0, pads[i]!));
  const after = x.shape.map((_, i) => Math.max(0, pads[i + x.rank]!));
  if (mode !== 'constant') {
    for (let a = 0; a < x.rank; a++) {
      const n = size[a]!;
      if (before[a] === 0 && after[a] === 0) continue;
      if (n === 0) ctx.fail(`'${mode}' mode cannot pad dim ${a}, which is empty`);
      if (mode === 'reflect' && Math.max(before[a]!, after[a]!) > n - 1) {
        ctx.fail(`'reflect' pads ${before[a]}, ${after[a]} on dim ${a} exceed its ${n} element(s) − 1 (as onnxruntime requires); use smaller pads or 'edge'`);
      }
    }
  }
  if (mode === 'constant') {
    t = tf.pad(t, before.map((b, i) => [b, after[i]!]), value);
  } else {
    for (let a = 0; a < x.rank; a++) {
      if (before[a] === 0 && after[a] === 0) continue;
      const n = t.shape[a]!;
      const idx: number[] = [];
      for (let i = -before[a]!; i < n + after[a]!; i++) idx.push(padIndex(ctx, mode, i, n));
      t = tf.gather(t, tf.tensor1d(idx, 'int32'), a);
    }
  }
  return [out(x.dtype, t === ctx.tf(0) ? tf.clone(t) : t)];
}

function padIndex(ctx: KernelContext, mode: string, i: number, n: number): number {
  if (i >= 0 && i < n) return i;
  switch (mode) {
    case 'edge': return i < 0 ? 0 : n - 1;
    case 'wrap': return ((i % n) + n) % n;
    case 'reflect': {
      if (n === 1) return 0;
      const p = 2 * (n - 1);
      const m = ((i % p) + p) % p;
      return m < n ? m : p - m;
    }
    default: return ctx.fail(`unknown pad mode '${mode}'`);
  }
}

function depthToSpace(ctx: KernelContext): RValue[] {
  const x = ctx.tensor(0);
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const b = ctx.int('blocksize') ?? ctx.fail('blocksize is required');
  if (x.rank !== 4 || b < 1 || c % (b * b) !== 0) ctx.fail(`input ${x.toString()} must be 4-D with channels divisible by blocksize² = ${b * b}`);
  const crd = ctx.str('mode', 'DCR') === 'CRD';
  const t = ctx.tf(0);
  const r = crd
    ? tf.transpose(tf.reshape(t, [n, c / (b * b), b, b, h, w]), [0, 1, 4, 2, 5, 3])
    : tf.transpose(tf.reshape(t, [n, b, b, c / (b * b), h, w]), [0, 3, 4, 1, 5, 2]);
  return [out(x.dtype, tf.reshape(r, [n, c / (b * b), h * b, w * b]))];
}

function spaceToDepth(ctx: KernelContext): RValue[] {
  const x = ctx.tensor(0);
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const b = ctx.int('blocksize') ?? ctx.fail('blocksize is required');
  if (x.rank !== 4 || b < 1 || h % b !== 0 || w % b !== 0) ctx.fail(`input ${x.toString()} must be 4-D with height and width divisible by blocksize ${b}`);
  const r = tf.transpose(tf.reshape(ctx.tf(0), [n, c, h / b, b, w / b, b]), [0, 3, 5, 1, 2, 4]);
  return [out(x.dtype, tf.reshape(r, [n, c * b * b, h / b, w / b]))];
}

function trilu(ctx: KernelContext): RValue[] {
  const x = ctx.tensor(0);
  const upper = ctx.int('upper', 1) !== 0;
  const k = ctx.has(1) ? ctx.scalar(1) : 0;
  const [rows, cols] = x.shape.slice(-2) as [number, number];
  const mask = new Uint8Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) mask[i * cols + j] = (upper ? j - i >= k : j - i <= k) ? 1 : 0;
  const t = ctx.tf(0);
  const m = tf.tensor(mask, [rows, cols], 'bool');
  return [out(x.dtype, tf.where(tf.broadcastTo(m, t.shape), t, tf.zerosLike(t)))];
}

export const SHAPE = family('', {
  Reshape: moves0(reshape),
  Flatten: moves0(flatten),
  Squeeze: moves0(squeeze),
  Unsqueeze: moves0(unsqueeze),
  Transpose: moves0(transpose),
  Shape: shapeOp,
  Size: (ctx) => {
    const v = ctx.value(0);
    return [makeTensor(DataType.INT64, [], [v.kind === 'tensor' ? v.size : ctx.fail('input must be a tensor')])];
  },
  Expand: moves0(expand),
  Tile: moves0(tile),
  Concat: { run: concat, movesData: 'all' },
  Split: moves0(split),
  Slice: moves0(slice),
  Pad: { run: pad, movesData: [0] },
  DepthToSpace: moves0(depthToSpace),
  SpaceToDepth: moves0(spaceToDepth),
  Trilu: moves0(trilu),
});
