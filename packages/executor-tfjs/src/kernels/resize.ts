import { elementCount } from '@mixprec/ir';
import type { KernelContext } from '../context.js';
import { makeTensor, numbersOf, stridesOf } from '../host.js';
import { family } from '../registry.js';
import type { RValue } from '../values.js';

/**
 * Resize (opsets 10–19) and Upsample, as exact host loops. Interpolation is separable, so it
 * runs one axis at a time: nearest (4 rounding modes), linear and cubic (coefficient A,
 * exclude_outside), every coordinate transformation mode, tf_crop_and_resize extrapolation.
 */

interface AxisSpec {
  readonly inLen: number;
  readonly outLen: number;
  readonly scale: number;
  readonly roiStart: number;
  readonly roiEnd: number;
}

interface Opts {
  readonly mode: string;
  readonly coord: string;
  readonly nearest: string;
  readonly cubicA: number;
  readonly excludeOutside: boolean;
  readonly extrapolation: number;
}

function originalCoord(ctx: KernelContext, x: number, a: AxisSpec, coord: string): number {
  const { inLen, outLen, scale } = a;
  switch (coord) {
    case 'half_pixel': return (x + 0.5) / scale - 0.5;
    case 'half_pixel_symmetric': {
      const adj = outLen / (scale * inLen);
      const center = inLen / 2;
      return center * (1 - adj) + (x + 0.5) / scale - 0.5;
    }
    case 'pytorch_half_pixel': return outLen > 1 ? (x + 0.5) / scale - 0.5 : 0;
    // Lengths in the formulas are the unrounded in·scale, as in the ONNX reference.
    case 'align_corners': return outLen === 1 ? 0 : (x * (inLen - 1)) / (inLen * scale - 1);
    case 'asymmetric': return x / scale;
    case 'tf_half_pixel_for_nn': return (x + 0.5) / scale;
    case 'tf_crop_and_resize':
      return outLen > 1
        ? a.roiStart * (inLen - 1) + (x * (a.roiEnd - a.roiStart) * (inLen - 1)) / (inLen * scale - 1)
        : 0.5 * (a.roiStart + a.roiEnd) * (inLen - 1);
    default: return ctx.fail(`unknown coordinate_transformation_mode '${coord}'`);
  }
}

function nearestIndex(ctx: KernelContext, x: number, mode: string, scale: number): number {
  switch (mode) {
    case 'round_prefer_floor': return x === Math.floor(x) + 0.5 ? Math.floor(x) : Math.round(x);
    case 'round_prefer_ceil': return Math.round(x);
    case 'floor': return Math.floor(x);
    case 'ceil': return Math.ceil(x);
    case 'legacy': return scale < 1 ? Math.ceil(x) : Math.floor(x);
    default: return ctx.fail(`unknown nearest_mode '${mode}'`);
  }
}

function cubicCoeffs(t: number, A: number): number[] {
  const c = (s: number): number => {
    const a = Math.abs(s);
    if (a <= 1) return ((A + 2) * a - (A + 3)) * a * a + 1;
    if (a < 2) return ((A * a - 5 * A) * a + 8 * A) * a - 4 * A;
    return 0;
  };
  return [c(t + 1), c(t), c(1 - t), c(2 - t)];
}

/** Resizes `data` along one axis. */
function resizeAxis(ctx: KernelContext, data: Float64Array, shape: number[], axis: number, a: AxisSpec, o: Opts): Float64Array {
  const outShape = [...shape];
  outShape[axis] = a.outLen;
  const st = stridesOf(shape);
  const outer = elementCount(shape.slice(0, axis));
  const inner = st[axis]!;
  const res = new Float64Array(elementCount(outShape));
  // Per output coordinate: source indices and weights (or extrapolation).
  const taps: { idx: number[]; w: number[]; extra: boolean }[] = [];
  for (let x = 0; x < a.outLen; x++) {
    const xo = originalCoord(ctx, x, a, o.coord);
    if (o.coord === 'tf_crop_and_resize' && (xo < 0 || xo > a.inLen - 1)) {
      taps.push({ idx: [], w: [], extra: true });
      continue;
    }
    const clamp = (i: number): number => Math.min(Math.max(i, 0), a.inLen - 1);
    if (o.mode === 'nearest') {
      taps.push({ idx: [clamp(nearestIndex(ctx, xo, o.nearest, a.scale))], w: [1], extra: false });
      continue;
    }
    const f = Math.floor(xo);
    const t = xo - f;
    let idx: number[];
    let w: number[];
    if (o.mode === 'linear') {
      idx = [f, f + 1];
      w = [1 - t, t];
    } else if (o.mode === 'cubic') {
      idx = [f - 1, f, f + 1, f + 2];
      w = cubicCoeffs(t, o.cubicA);
    } else {
      return ctx.fail(`unknown mode '${o.mode}'`);
    }
    if (o.excludeOutside) {
      w = w.map((v, k) => (idx[k]! < 0 || idx[k]! >= a.inLen ? 0 : v));
      const s = w.reduce((p, q) => p + q, 0);
      if (s !== 0) w = w.map((v) => v / s);
    }
    taps.push({ idx: idx.map(clamp), w, extra: false });
  }
  for (let p = 0; p < outer; p++) {
    const ib = p * a.inLen * inner;
    const ob = p * a.outLen * inner;
    for (let x = 0; x < a.outLen; x++) {
      const tp = taps[x]!;
      for (let q = 0; q < inner; q++) {
        let v = 0;
        if (tp.extra) v = o.extrapolation;
        else for (let k = 0; k < tp.idx.length; k++) if (tp.w[k] !== 0) v += tp.w[k]! * data[ib + tp.idx[k]! * inner + q]!;
        res[ob + x * inner + q] = v;
      }
    }
  }
  return res;
}

function resize(ctx: KernelContext, upsample: boolean): RValue[] {
  const x = ctx.tensor(0);
  const r = x.rank;
  const legacy = upsample || ctx.opset < 11;
  if (ctx.int('antialias', 0) !== 0) ctx.fail('antialias=1 is not supported');
  let scales: number[] | undefined;
  let sizes: number[] | undefined;
  let roi: number[] = [];
  if (upsample && ctx.opset < 9) scales = ctx.floats('scales');
  else if (legacy) scales = ctx.numbers(1);
  else {
    if (ctx.has(1)) roi = ctx.numbers(1);
    if (ctx.has(2) && ctx.tensor(2).size > 0) scales = ctx.numbers(2);
    if (ctx.has(3) && ctx.tensor(3).size > 0) sizes = ctx.numbers(3);
  }
  const axes = ctx.ints('axes')?.map((a) => (a < 0 ? a + r : a)) ?? x.shape.map((_, i) => i);
  const fullScales = x.shape.map(() => 1);
  const fullSizes = [...x.shape];
  if (sizes !== undefined) {
    let sz = sizes;
    const policy = ctx.str('keep_aspect_ratio_policy', 'stretch');
    if (policy !== 'stretch') {
      const ratios = axes.map((a, k) => sz[k]! / x.shape[a]!);
      const s = policy === 'not_larger' ? Math.min(...ratios) : Math.max(...ratios);
      sz = axes.map((a) => Math.round(s * x.shape[a]!));
      axes.forEach((a) => { fullScales[a] = s; });
    } else {
      axes.forEach((a, k) => { fullScales[a] = sz[k]! / x.shape[a]!; });
    }
    axes.forEach((a, k) => { fullSizes[a] = sz[k]!; });
  } else if (scales !== undefined) {
    if (scales.length !== axes.length) ctx.fail(`scales has ${scales.length} entries for ${axes.length} axes`);
    axes.forEach((a, k) => {
      fullScales[a] = scales![k]!;
      fullSizes[a] = Math.floor(x.shape[a]! * scales![k]!);
    });
  } else {
    ctx.fail('either scales or sizes is required');
  }
  const mode = ctx.str('mode', 'nearest');
  const o: Opts = {
    mode: mode === 'bilinear' || mode === 'trilinear' ? 'linear' : mode,
    coord: legacy ? 'asymmetric' : ctx.str('coordinate_transformation_mode', 'half_pixel'),
    nearest: legacy ? 'floor' : ctx.str('nearest_mode', 'round_prefer_floor'),
    cubicA: ctx.float('cubic_coeff_a', -0.75),
    excludeOutside: ctx.int('exclude_outside', 0) !== 0,
    extrapolation: ctx.float('extrapolation_value', 0),
  };
  let data: Float64Array = Float64Array.from(numbersOf(x));
  const shape = [...x.shape];
  for (let a = 0; a < r; a++) {
    if (fullSizes[a] === shape[a] && fullScales[a] === 1 && o.coord !== 'tf_crop_and_resize') continue;
    const roiStart = roi.length === 2 * r ? roi[a]! : 0;
    const roiEnd = roi.length === 2 * r ? roi[a + r]! : 1;
    data = resizeAxis(ctx, data, shape, a, { inLen: shape[a]!, outLen: fullSizes[a]!, scale: fullScales[a]!, roiStart, roiEnd }, o);
    shape[a] = fullSizes[a]!;
  }
  return [makeTensor(x.dtype, shape, data)];
}

export const RESIZE = family('', {
  Resize: (ctx) => resize(ctx, false),
  Upsample: (ctx) => resize(ctx, true),
});
