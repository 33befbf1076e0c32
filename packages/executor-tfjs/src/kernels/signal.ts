import { DataType, elementCount } from '@mixprec/ir';
import type { KernelContext } from '../context.js';
import { makeTensor, numbersOf } from '../host.js';
import { family, type Kernel } from '../registry.js';
import type { RValue } from '../values.js';
import { axisOf } from './util.js';

/** Signal ops: DFT, STFT, Hann/Hamming/Blackman windows, MelWeightMatrix (float64 host loops). */

function windowOp(f: (n: number, N: number) => number): Kernel {
  return (ctx): RValue[] => {
    const size = Math.trunc(ctx.scalar(0));
    const periodic = ctx.int('periodic', 1) !== 0;
    const N = periodic ? size : size - 1;
    const v = Float64Array.from({ length: size }, (_, n) => f(n, N));
    return [makeTensor(ctx.int('output_datatype', DataType.FLOAT), [size], v)];
  };
}

/** Naive DFT of one complex signal (re, im) of length `len`, output `outLen` bins. */
function dft1(re: Float64Array, im: Float64Array, len: number, outLen: number, inverse: boolean): [Float64Array, Float64Array] {
  const or = new Float64Array(outLen);
  const oi = new Float64Array(outLen);
  const sign = inverse ? 1 : -1;
  for (let k = 0; k < outLen; k++) {
    let sr = 0;
    let si = 0;
    for (let t = 0; t < len; t++) {
      const a = (sign * 2 * Math.PI * ((k * t) % len)) / len;
      const c = Math.cos(a);
      const s = Math.sin(a);
      sr += re[t]! * c - im[t]! * s;
      si += re[t]! * s + im[t]! * c;
    }
    or[k] = inverse ? sr / len : sr;
    oi[k] = inverse ? si / len : si;
  }
  return [or, oi];
}

function dft(ctx: KernelContext): RValue[] {
  const x = ctx.tensor(0);
  const d = numbersOf(x);
  const comps = x.shape[x.rank - 1]!;
  const axis = axisOf(ctx, ctx.int('axis', 1), x.rank - 1);
  const inverse = ctx.int('inverse', 0) !== 0;
  const onesided = ctx.int('onesided', 0) !== 0;
  const n = x.shape[axis]!;
  const len = ctx.has(1) && ctx.tensor(1).size > 0 ? Math.trunc(ctx.scalar(1)) : n;
  const outLen = onesided ? Math.floor(len / 2) + 1 : len;
  const outer = elementCount(x.shape.slice(0, axis));
  const inner = elementCount(x.shape.slice(axis + 1, -1));
  const outShape = [...x.shape.slice(0, axis), outLen, ...x.shape.slice(axis + 1, -1), 2];
  const res = new Float64Array(elementCount(outShape));
  const re = new Float64Array(len);
  const im = new Float64Array(len);
  for (let o = 0; o < outer; o++) {
    for (let q = 0; q < inner; q++) {
      re.fill(0);
      im.fill(0);
      for (let t = 0; t < Math.min(n, len); t++) {
        const base = ((o * n + t) * inner + q) * comps;
        re[t] = d[base]!;
        im[t] = comps === 2 ? d[base + 1]! : 0;
      }
      const [or, oi] = dft1(re, im, len, outLen, inverse);
      for (let k = 0; k < outLen; k++) {
        const base = ((o * outLen + k) * inner + q) * 2;
        res[base] = or[k]!;
        res[base + 1] = oi[k]!;
      }
    }
  }
  return [makeTensor(x.dtype, outShape, res)];
}

function stft(ctx: KernelContext): RValue[] {
  const x = ctx.tensor(0);
  const d = numbersOf(x);
  const [batch, sigLen] = x.shape as [number, number];
  const comps = x.rank === 3 ? x.shape[2]! : 1;
  const step = Math.trunc(ctx.scalar(1));
  const win = ctx.has(2) && ctx.tensor(2).size > 0 ? numbersOf(ctx.tensor(2)) : undefined;
  const frameLen = ctx.has(3) && ctx.tensor(3).size > 0 ? Math.trunc(ctx.scalar(3)) : (win?.length ?? ctx.fail('frame_length or window is required'));
  const onesided = ctx.int('onesided', 1) !== 0;
  const frames = Math.floor((sigLen - frameLen) / step) + 1;
  const bins = onesided ? Math.floor(frameLen / 2) + 1 : frameLen;
  const res = new Float64Array(batch * frames * bins * 2);
  const re = new Float64Array(frameLen);
  const im = new Float64Array(frameLen);
  for (let b = 0; b < batch; b++) {
    for (let f = 0; f < frames; f++) {
      for (let t = 0; t < frameLen; t++) {
        const w = win === undefined ? 1 : win[t]!;
        const base = (b * sigLen + f * step + t) * comps;
        re[t] = d[base]! * w;
        im[t] = comps === 2 ? d[base + 1]! * w : 0;
      }
      const [or, oi] = dft1(re, im, frameLen, bins, false);
      for (let k = 0; k < bins; k++) {
        const o = ((b * frames + f) * bins + k) * 2;
        res[o] = or[k]!;
        res[o + 1] = oi[k]!;
      }
    }
  }
  return [makeTensor(x.dtype, [batch, frames, bins, 2], res)];
}

function melWeightMatrix(ctx: KernelContext): RValue[] {
  const mels = Math.trunc(ctx.scalar(0));
  const dftLen = Math.trunc(ctx.scalar(1));
  const rate = ctx.scalar(2);
  const lo = ctx.scalar(3);
  const hi = ctx.scalar(4);
  const specBins = Math.floor(dftLen / 2) + 1;
  const toMel = (f: number): number => 2595 * Math.log10(1 + f / 700);
  const lowMel = toMel(lo);
  const step = (toMel(hi) - lowMel) / (mels + 2);
  const points = Array.from({ length: mels + 2 }, (_, i) => {
    const hz = 700 * (10 ** ((i * step + lowMel) / 2595) - 1);
    return Math.trunc(Math.floor(((dftLen + 1) * hz) / rate));
  });
  const res = new Float64Array(specBins * mels);
  for (let i = 0; i < mels; i++) {
    const l = points[i]!;
    const c = points[i + 1]!;
    const h = points[i + 2]!;
    if (c === l) res[c * mels + i] = 1;
    else for (let j = l; j <= c; j++) res[j * mels + i] = (j - l) / (c - l);
    if (h > c) for (let j = c; j < h; j++) res[j * mels + i] = (h - j) / (h - c);
  }
  return [makeTensor(ctx.int('output_datatype', DataType.FLOAT), [specBins, mels], res)];
}

export const SIGNAL = family('', {
  HannWindow: windowOp((n, N) => 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / N)),
  HammingWindow: windowOp((n, N) => 25 / 46 - (21 / 46) * Math.cos((2 * Math.PI * n) / N)),
  BlackmanWindow: windowOp((n, N) => 0.42 - 0.5 * Math.cos((2 * Math.PI * n) / N) + 0.08 * Math.cos((4 * Math.PI * n) / N)),
  DFT: dft,
  STFT: stft,
  MelWeightMatrix: melWeightMatrix,
});
