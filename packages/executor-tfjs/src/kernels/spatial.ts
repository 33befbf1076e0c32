import type { KernelContext } from '../context.js';
import { makeTensor, numbersOf } from '../host.js';
import { family } from '../registry.js';
import type { RValue } from '../values.js';
import { rne } from './quant.js';

/** Sampling ops: RoiAlign and GridSample (2-D), exact float64 host loops. */

function roiAlign(ctx: KernelContext): RValue[] {
  const x = ctx.tensor(0);
  const xd = numbersOf(x);
  const rois = numbersOf(ctx.tensor(1));
  const bidx = numbersOf(ctx.tensor(2));
  const [, c, h, w] = x.shape as [number, number, number, number];
  const oh = ctx.int('output_height', 1);
  const ow = ctx.int('output_width', 1);
  const ratio = ctx.int('sampling_ratio', 0);
  const scale = ctx.float('spatial_scale', 1);
  const max = ctx.str('mode', 'avg') === 'max';
  const halfPixel = ctx.opset >= 16 && ctx.str('coordinate_transformation_mode', 'half_pixel') === 'half_pixel';
  const nr = ctx.tensor(1).shape[0]!;
  const res = new Float64Array(nr * c * oh * ow);
  const off = halfPixel ? 0.5 : 0;
  for (let r = 0; r < nr; r++) {
    const b = bidx[r]!;
    const x0 = rois[r * 4]! * scale - off;
    const y0 = rois[r * 4 + 1]! * scale - off;
    let rw = rois[r * 4 + 2]! * scale - off - x0;
    let rh = rois[r * 4 + 3]! * scale - off - y0;
    if (!halfPixel) {
      rw = Math.max(rw, 1);
      rh = Math.max(rh, 1);
    }
    const bh = rh / oh;
    const bw = rw / ow;
    const gh = ratio > 0 ? ratio : Math.ceil(rh / oh);
    const gw = ratio > 0 ? ratio : Math.ceil(rw / ow);
    const count = Math.max(gh * gw, 1);
    for (let ch = 0; ch < c; ch++) {
      const base = (b * c + ch) * h * w;
      for (let ph = 0; ph < oh; ph++) {
        for (let pw = 0; pw < ow; pw++) {
          let acc = max ? -Infinity : 0;
          for (let iy = 0; iy < gh; iy++) {
            const yy = y0 + ph * bh + ((iy + 0.5) * bh) / gh;
            for (let ix = 0; ix < gw; ix++) {
              const xx = x0 + pw * bw + ((ix + 0.5) * bw) / gw;
              if (yy < -1 || yy > h || xx < -1 || xx > w) {
                if (max) acc = Math.max(acc, 0);
                continue;
              }
              let y = Math.max(yy, 0);
              let xq = Math.max(xx, 0);
              let yl = Math.floor(y);
              let xl = Math.floor(xq);
              let yh = yl + 1;
              let xh = xl + 1;
              if (yl >= h - 1) { yh = yl = h - 1; y = yl; }
              if (xl >= w - 1) { xh = xl = w - 1; xq = xl; }
              const ly = y - yl;
              const lx = xq - xl;
              const hy = 1 - ly;
              const hx = 1 - lx;
              const v1 = hy * hx * xd[base + yl * w + xl]!;
              const v2 = hy * lx * xd[base + yl * w + xh]!;
              const v3 = ly * hx * xd[base + yh * w + xl]!;
              const v4 = ly * lx * xd[base + yh * w + xh]!;
              acc = max ? Math.max(acc, v1, v2, v3, v4) : acc + v1 + v2 + v3 + v4;
            }
          }
          res[((r * c + ch) * oh + ph) * ow + pw] = max ? acc : acc / count;
        }
      }
    }
  }
  return [makeTensor(x.dtype, [nr, c, oh, ow], res)];
}

/** Reflects a coordinate into [low/2, high/2] (the "twice" bounds of PyTorch's rule). */
function reflect(v: number, twiceLow: number, twiceHigh: number): number {
  if (twiceLow === twiceHigh) return 0;
  const min = twiceLow / 2;
  const span = (twiceHigh - twiceLow) / 2;
  const a = Math.abs(v - min);
  const extra = a % span;
  const flips = Math.floor(a / span);
  return flips % 2 === 0 ? extra + min : span - extra + min;
}

function gridSample(ctx: KernelContext): RValue[] {
  const x = ctx.tensor(0);
  const g = ctx.tensor(1);
  if (x.rank !== 4) ctx.fail('only 2-D (rank-4) inputs are supported');
  const xd = numbersOf(x);
  const gd = numbersOf(g);
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const [, oh, ow] = g.shape as [number, number, number];
  let mode = ctx.str('mode', 'bilinear');
  if (mode === 'linear') mode = 'bilinear';
  if (mode === 'cubic') mode = 'bicubic';
  const pad = ctx.str('padding_mode', 'zeros');
  const align = ctx.int('align_corners', 0) !== 0;
  const unnorm = (v: number, size: number): number => (align ? ((v + 1) / 2) * (size - 1) : ((v + 1) * size - 1) / 2);
  const clip = (v: number, size: number): number => Math.min(size - 1, Math.max(0, v));
  const padCoord = (v: number, size: number): number => {
    if (pad === 'border') return clip(v, size);
    if (pad === 'reflection') return clip(align ? reflect(v, 0, 2 * (size - 1)) : reflect(v, -1, 2 * size - 1), size);
    return v;
  };
  const res = new Float64Array(n * c * oh * ow);
  const cubic = (t: number): number[] => {
    const A = -0.75;
    const k = (s: number): number => {
      const a = Math.abs(s);
      return a <= 1 ? ((A + 2) * a - (A + 3)) * a * a + 1 : a < 2 ? ((A * a - 5 * A) * a + 8 * A) * a - 4 * A : 0;
    };
    return [k(t + 1), k(t), k(1 - t), k(2 - t)];
  };
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        const gi = ((b * oh + i) * ow + j) * 2;
        const rx = unnorm(gd[gi]!, w);
        const ry = unnorm(gd[gi + 1]!, h);
        for (let ch = 0; ch < c; ch++) {
          const base = (b * c + ch) * h * w;
          const at = (yy: number, xx: number): number => (yy < 0 || yy >= h || xx < 0 || xx >= w ? 0 : xd[base + yy * w + xx]!);
          let v: number;
          if (mode === 'bicubic') {
            const fx = Math.floor(rx);
            const fy = Math.floor(ry);
            const cx = cubic(rx - fx);
            const cy = cubic(ry - fy);
            v = 0;
            for (let p = 0; p < 4; p++) {
              for (let q = 0; q < 4; q++) {
                let yy = fy - 1 + p;
                let xx = fx - 1 + q;
                if (pad !== 'zeros') {
                  yy = Math.trunc(padCoord(yy, h));
                  xx = Math.trunc(padCoord(xx, w));
                }
                v += cy[p]! * cx[q]! * at(yy, xx);
              }
            }
          } else {
            const px = padCoord(rx, w);
            const py = padCoord(ry, h);
            if (mode === 'nearest') v = at(rne(py), rne(px));
            else {
              const x0 = Math.floor(px);
              const y0 = Math.floor(py);
              const lx = px - x0;
              const ly = py - y0;
              v = (1 - ly) * (1 - lx) * at(y0, x0) + (1 - ly) * lx * at(y0, x0 + 1) + ly * (1 - lx) * at(y0 + 1, x0) + ly * lx * at(y0 + 1, x0 + 1);
            }
          }
          res[((b * c + ch) * oh + i) * ow + j] = v;
        }
      }
    }
  }
  return [makeTensor(x.dtype, [n, c, oh, ow], res)];
}

export const SPATIAL = family('', {
  RoiAlign: roiAlign,
  GridSample: gridSample,
});
