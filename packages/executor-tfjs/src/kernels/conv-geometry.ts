import type { KernelContext } from '../context.js';

/** Window geometry shared by convolutions and pooling (ONNX auto_pad / pads / strides rules). */
export interface Window {
  /** Spatial input sizes. */
  readonly input: readonly number[];
  readonly kernel: readonly number[];
  readonly strides: readonly number[];
  readonly dilations: readonly number[];
  /** Padding before and after each spatial dim. */
  readonly padBegin: readonly number[];
  readonly padEnd: readonly number[];
  /** Spatial output sizes. */
  readonly output: readonly number[];
}

/**
 * The window of a conv/pool node over spatial sizes `input` with `kernel` (from the weight or
 * `kernel_shape`). `ceil` selects ceil_mode output sizes (pooling).
 */
export function windowOf(ctx: KernelContext, input: readonly number[], kernel: readonly number[], ceil = false): Window {
  const r = input.length;
  const strides = ctx.ints('strides') ?? new Array<number>(r).fill(1);
  const dilations = ctx.ints('dilations') ?? new Array<number>(r).fill(1);
  const autoPad = ctx.str('auto_pad', 'NOTSET');
  const pads = ctx.ints('pads') ?? new Array<number>(2 * r).fill(0);
  const padBegin: number[] = [];
  const padEnd: number[] = [];
  const output: number[] = [];
  for (let i = 0; i < r; i++) {
    const s = strides[i]!;
    const ek = (kernel[i]! - 1) * dilations[i]! + 1;
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
      const o = Math.ceil(input[i]! / s);
      const total = Math.max(0, (o - 1) * s + ek - input[i]!);
      const small = Math.floor(total / 2);
      padBegin.push(autoPad === 'SAME_UPPER' ? small : total - small);
      padEnd.push(autoPad === 'SAME_UPPER' ? total - small : small);
      output.push(o);
      continue;
    }
    const pb = autoPad === 'VALID' ? 0 : pads[i]!;
    const pe = autoPad === 'VALID' ? 0 : pads[i + r]!;
    const span = input[i]! + pb + pe - ek;
    let o = (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
    // In ceil mode the last window must start inside the input or the leading padding.
    if (ceil && (o - 1) * s >= input[i]! + pb) o--;
    padBegin.push(pb);
    padEnd.push(pe);
    output.push(Math.max(0, o));
  }
  return { input, kernel, strides, dilations, padBegin, padEnd, output };
}

/**
 * Rejects a convolution window that does not fit its input, as onnxruntime does ("Invalid
 * input shape"): an empty spatial dim, or an input (plus pads) smaller than the dilated
 * kernel. Without this, tfjs' wasm backend would read outside its buffers.
 */
export function checkConvWindow(ctx: KernelContext, xShape: readonly number[], win: Window): void {
  for (let i = 0; i < win.input.length; i++) {
    const n = win.input[i]!;
    const ek = (win.kernel[i]! - 1) * win.dilations[i]! + 1;
    if (n === 0) ctx.fail(`input [${xShape.join(', ')}] has an empty spatial dim ${i + 2}; a convolution needs at least one element there`);
    if (n + win.padBegin[i]! + win.padEnd[i]! < ek) {
      const dil = win.dilations[i] !== 1 ? ` (dilated to ${ek})` : '';
      ctx.fail(`input [${xShape.join(', ')}] is smaller than the kernel along spatial dim ${i + 2}: ${n} + pads ${win.padBegin[i]}+${win.padEnd[i]} < kernel ${win.kernel[i]}${dil}; give a larger input`);
    }
  }
}

/**
 * Rejects a pooling input the way onnxruntime does: no elements while the batch is not empty.
 */
export function checkPoolInput(ctx: KernelContext, xShape: readonly number[]): void {
  if (xShape.length < 3) ctx.fail(`input must have rank 3 or more (N, C, spatial…), got [${xShape.join(', ')}]`);
  if (xShape[0] !== 0 && xShape.some((d) => d === 0)) ctx.fail(`input [${xShape.join(', ')}] is empty; pooling needs at least one element per window row (or an empty batch)`);
}

/** All positions of an N-d box in row-major order, as flat coordinate lists. */
export function positions(shape: readonly number[]): number[][] {
  const out: number[][] = [];
  const n = shape.reduce((a, b) => a * b, 1);
  for (let i = 0; i < n; i++) {
    const c = new Array<number>(shape.length);
    let rem = i;
    for (let d = shape.length - 1; d >= 0; d--) {
      c[d] = rem % shape[d]!;
      rem = Math.floor(rem / shape[d]!);
    }
    out.push(c);
  }
  return out;
}
