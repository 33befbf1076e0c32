/**
 * A tiny hand-assembled WebAssembly module (SIMD) that works directly on the memory of the
 * tfjs wasm backend: exact rounding of float32 arrays onto the FLOAT16 / BFLOAT16 grids and a
 * NaN-propagating clamp. Run inside the backend's heap, these kernels need no copy of their
 * input out of wasm memory and no copy of their result back into it.
 *
 * Every export takes byte addresses in the shared memory: `(src, dst, n, …)` reads n float32
 * values at src and writes n at dst (src = dst is allowed). Four lanes at a time, then one
 * lane at a time for the tail (the same instruction sequence on a splatted value).
 *
 * The instruction sequences give the results of the bit loops of `@mixprec/ir`, four lanes
 * at a time (checked bit for bit on all 2^32 float32 patterns during development):
 * - FLOAT16: |x| ≥ 65520 → ±Inf (NaN kept); below, |x| is rounded by one float32 sum with a
 *   power of two chosen from its exponent (see `f16Body`), normals and subnormals alike, and
 *   the sign is put back (−0 kept).
 * - BFLOAT16: NaN → quiet NaN with its high bits; else `(x + 0x7fff + ((x >> 16) & 1)) &
 *   0xffff0000` (overflow carries into ±Inf, subnormals are rounded on their bits).
 * - clamp: `min(max(x, lo), hi)` (NaN in, NaN out; −0 < +0): with pseudo-min/max and sign
 *   masks (`clipPseudoBody`), or with WebAssembly's min/max when a bound is NaN.
 */

import { wasm } from '@mixprec/ir';

const { F32, I32, V128, name, section, sleb, uleb, vec } = wasm;
type Code = wasm.Code;

const simd = (op: number): number[] => [0xfd, ...uleb(op)];
const MEM4 = [2, 0]; // memarg: align 2^2, offset 0

/** The instructions used here (opcodes of the WebAssembly core and SIMD specifications). */
const op = {
  get: (i: number): number[] => [0x20, ...uleb(i)],
  set: (i: number): number[] => [0x21, ...uleb(i)],
  i32: (v: number): number[] => [0x41, ...sleb(v)],
  i32Add: [0x6a], i32And: [0x71], i32Shl: [0x74], i32GeU: [0x4f],
  block: [0x02, 0x40], loop: [0x03, 0x40], end: [0x0b],
  br: (d: number): number[] => [0x0c, ...uleb(d)],
  brIf: (d: number): number[] => [0x0d, ...uleb(d)],
  load: [...simd(0x00), ...MEM4], store: [...simd(0x0b), ...MEM4],
  load32Splat: [...simd(0x09), ...MEM4], store32Lane0: [...simd(0x5a), ...MEM4, 0],
  i32x4: (v: number): number[] => {
    const b: number[] = [...simd(0x0c)];
    for (let k = 0; k < 4; k++) b.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
    return b;
  },
  f32x4Splat: simd(0x13),
  and: simd(0x4e), or: simd(0x50), xor: simd(0x51), bitselect: simd(0x52),
  // Comparisons of absolute-value bit patterns (below 2^31) are signed: one x64 instruction
  // each, where the unsigned forms take three.
  gtS: simd(0x3b), minS: simd(0xb6), maxS: simd(0xb8),
  iAdd: simd(0xae), shrU: simd(0xad), fAdd: simd(0xe4), fSub: simd(0xe5), fMul: simd(0xe6), fMin: simd(0xe8), fMax: simd(0xe9),
  fPmin: simd(0xea), fPmax: simd(0xeb), i32x4Splat: simd(0x11),
  i32Reinterpret: [0xbc], i32ShrS: [0x75], i32Or: [0x72],
} as const;


// Parameter and local slots shared by the functions: src, dst, n, then (clip) lo, hi.
const SRC = 0;
const DST = 1;
const N = 2;

/**
 * Locals after the parameters: p, vend, end (i32); x, a, s, m (v128); then one v128 local per
 * distinct constant a body uses (`c(v)` returns its slot: set once before the loops, so the
 * loop body reads registers instead of materialising constants).
 */
export interface Slots {
  readonly p: number; readonly vend: number; readonly end: number;
  readonly x: number; readonly a: number; readonly s: number; readonly m: number; readonly q: number;
  c(v: number): number;
}

/**
 * FLOAT16 rounding of local x, leaving the result on the stack: |x| rounded by the float32
 * sum (|x| + M) − M with M = 2^(e+13) for |x| in [2^e, 2^(e+1)) (e clamped below at −14, the
 * subnormal grid, and above at 16): the sum lies in [2^(e+13), 2^(e+14)), where the float32 spacing is 2^(e−10),
 * the FLOAT16 spacing at |x|, so the one rounding of the sum is the FLOAT16 rounding (nearest,
 * ties to even) and the subtraction is exact. Overflow by float arithmetic: a rounded |x| is
 * multiplied by 2^112 and back by 2^−112, exact up to 65504 and +Inf from 65536 (what |x| ≥
 * 65520 rounds to) on; then the sign. A NaN is returned as it came (a quiet copy would change
 * a signalling NaN's bits).
 */
export function f16Body(l: Slots): Code {
  const { get, set } = op;
  const k = (v: number): number[] => get(l.c(v));
  return [
    ...get(l.x), ...k(0x7fffffff), ...op.and, ...set(l.a),
    ...get(l.x), ...get(l.a), ...op.xor, ...set(l.s),
    // M = 2^(min(max(e, −14), 16) + 13), from the exponent bits of |x| (above 2^16 any sum
    // ends at or beyond 65536, so Inf after the scaling; a larger M could overflow)
    ...get(l.a), ...k(0x7f800000), ...op.and, ...k(0x38800000), ...op.maxS, ...k(0x47800000), ...op.minS, ...k(0x06800000), ...op.iAdd, ...set(l.m),
    // NaN: x itself, else the rounded |x| with overflow to Inf, and the sign
    ...get(l.x),
    ...get(l.a), ...get(l.m), ...op.fAdd, ...get(l.m), ...op.fSub, ...k(0x77800000), ...op.fMul, ...k(0x07800000), ...op.fMul, ...get(l.s), ...op.or,
    ...get(l.a), ...k(0x7f800000), ...op.gtS, ...op.bitselect,
  ];
}

/** BFLOAT16 rounding of local x, leaving the result on the stack. */
export function bf16Body(l: Slots): Code {
  const { get } = op;
  const k = (v: number): number[] => get(l.c(v));
  return [
    ...get(l.x), ...k(0x00400000), ...op.or, ...k(0xffff0000), ...op.and,
    ...get(l.x), ...k(0x7fff), ...op.iAdd, ...get(l.x), ...op.i32(16), ...op.shrU, ...k(1), ...op.and, ...op.iAdd,
    ...k(0xffff0000), ...op.and,
    ...get(l.x), ...k(0x7fffffff), ...op.and, ...k(0x7f800000), ...op.gtS, ...op.bitselect,
  ];
}

/** Clamp of local x to [lo, hi] (splatted into locals a and s). */
function clipBody(l: Slots): Code {
  return [...op.get(l.x), ...op.get(l.a), ...op.fMax, ...op.get(l.s), ...op.fMin];
}

/**
 * The same clamp for bounds that are not NaN, by the one-instruction pseudo-min/max:
 * pmax(x, lo) = x < lo ? lo : x and pmin(y, hi) = hi < y ? hi : y keep a NaN x (the
 * comparisons are false) and agree with max/min except on zeros of opposite signs, which
 * compare equal: there the sign is fixed by masks made from the bounds (locals m and q). A
 * result of max(·, lo) with lo ≥ +0 is never below +0, so its sign bit is cleared (m =
 * 0x7fffffff; all ones for a negative lo); a result of min(·, hi) with hi ≤ −0 is never above
 * −0, so its sign bit is set (q = 0x80000000; 0 for a positive hi). A NaN keeps its payload.
 */
function clipPseudoBody(l: Slots): Code {
  return [...op.get(l.x), ...op.get(l.a), ...op.fPmax, ...op.get(l.m), ...op.and, ...op.get(l.s), ...op.fPmin, ...op.get(l.q), ...op.or];
}

/** Splats lo and hi (params 3, 4) into a and s, and the sign masks of clipPseudoBody into m and q. */
function clipPrologue(l: Slots, masks: boolean): Code {
  const { get, set } = op;
  const code = [...get(3), ...op.f32x4Splat, ...set(l.a), ...get(4), ...op.f32x4Splat, ...set(l.s)];
  if (!masks) return code;
  return [
    ...code,
    ...get(3), ...op.i32Reinterpret, ...op.i32(31), ...op.i32ShrS, ...op.i32(0x7fffffff), ...op.i32Or, ...op.i32x4Splat, ...set(l.m),
    ...get(4), ...op.i32Reinterpret, ...op.i32(-0x80000000), ...op.i32And, ...op.i32x4Splat, ...set(l.q),
  ];
}

/** The loop over n elements around a per-vector body (four lanes, then single lanes). */
function loopFunction(params: number, body: (l: Slots) => Code, prologue: (l: Slots) => Code = () => []): Code {
  const consts: number[] = [];
  const first = params + 8;
  const l: Slots = {
    p: params, vend: params + 1, end: params + 2, x: params + 3, a: params + 4, s: params + 5, m: params + 6, q: params + 7,
    c: (v) => {
      const u = v >>> 0;
      let i = consts.indexOf(u);
      if (i < 0) i = consts.push(u) - 1;
      return first + i;
    },
  };
  const { get, set } = op;
  const b = body(l);
  const code = [
    ...consts.flatMap((v, i) => [...op.i32x4(v), ...set(first + i)]),
    ...prologue(l),
    ...get(N), ...op.i32(2), ...op.i32Shl, ...set(l.end),
    ...get(l.end), ...op.i32(-16), ...op.i32And, ...set(l.vend),
    ...op.block, ...op.loop,
    ...get(l.p), ...get(l.vend), ...op.i32GeU, ...op.brIf(1),
    ...get(SRC), ...get(l.p), ...op.i32Add, ...op.load, ...set(l.x),
    ...get(DST), ...get(l.p), ...op.i32Add, ...b, ...op.store,
    ...get(l.p), ...op.i32(16), ...op.i32Add, ...set(l.p), ...op.br(0),
    ...op.end, ...op.end,
    ...op.block, ...op.loop,
    ...get(l.p), ...get(l.end), ...op.i32GeU, ...op.brIf(1),
    ...get(SRC), ...get(l.p), ...op.i32Add, ...op.load32Splat, ...set(l.x),
    ...get(DST), ...get(l.p), ...op.i32Add, ...b, ...op.store32Lane0,
    ...get(l.p), ...op.i32(4), ...op.i32Add, ...set(l.p), ...op.br(0),
    ...op.end, ...op.end,
    ...op.end,
  ];
  const locals = [2, ...uleb(3), I32, ...uleb(5 + consts.length), V128];
  const fn = [...locals, ...code];
  return [...uleb(fn.length), ...fn];
}

/** The module's bytes (built once at import; it is a few hundred bytes). */
function moduleBytes(): Uint8Array<ArrayBuffer> {
  const roundType = [0x60, 3, I32, I32, I32, 0];
  const clipType = [0x60, 5, I32, I32, I32, F32, F32, 0];
  const exports: [string, number][] = [['round_f16', 0], ['round_bf16', 1], ['clip', 2], ['clip_pseudo', 3]];
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([roundType, clipType])),
    ...section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x00, 0x00]])),
    ...section(3, vec([[0], [0], [1], [1]])),
    ...section(7, vec(exports.map(([n, i]) => [...name(n), 0x00, i]))),
    ...section(10, vec([
      loopFunction(3, f16Body),
      loopFunction(3, bf16Body),
      loopFunction(5, clipBody, (l) => clipPrologue(l, false)),
      loopFunction(5, clipPseudoBody, (l) => clipPrologue(l, true)),
    ])),
  ];
  return new Uint8Array(bytes);
}

const MODULE_BYTES = moduleBytes();

/** The functions of the module bound to one memory. */
export interface HeapKernels {
  /** n float32 values at byte address src rounded onto the FLOAT16 grid, written at dst. */
  roundF16(src: number, dst: number, n: number): void;
  /** The same onto the BFLOAT16 grid. */
  roundBF16(src: number, dst: number, n: number): void;
  /** min(max(x, lo), hi) elementwise (NaN propagates). */
  clip(src: number, dst: number, n: number, lo: number, hi: number): void;
}

/**
 * Instantiates the module on `memory` (synchronously; the module is tiny). Undefined when the
 * runtime has no WebAssembly SIMD.
 */
export function instantiateHeapKernels(memory: WebAssembly.Memory): HeapKernels | undefined {
  if (!WebAssembly.validate(MODULE_BYTES)) return undefined;
  const instance = new WebAssembly.Instance(new WebAssembly.Module(MODULE_BYTES), { env: { memory } });
  const e = instance.exports as Record<string, (...args: number[]) => void>;
  return {
    roundF16: (s, d, n) => e['round_f16']!(s, d, n),
    roundBF16: (s, d, n) => e['round_bf16']!(s, d, n),
    // NaN bounds make every result NaN, which only the max/min form gives.
    clip: (s, d, n, lo, hi) => (Number.isNaN(lo) || Number.isNaN(hi) ? e['clip']! : e['clip_pseudo']!)(s, d, n, lo, hi),
  };
}
