/**
 * The WebAssembly SIMD kernels of {@link Narrower}: FLOAT → FLOAT16/BFLOAT16 narrowing and a
 * census of FLOAT magnitudes, four i32x4 vectors (16 values) at a time, on a heap the caller
 * owns. Each gives exactly the results of the plain loops in narrow.ts / float32-census.ts
 * (checked on all 2^32 float32 patterns by `npm run conformance` in packages/ir).
 *
 * Heap layout: [0, 128) results, [128, 192) census parameters, [192, 1024) constants, then the
 * caller's regions. Every function takes `(src, dst, blocks)`: byte addresses (src a multiple of
 * 16) and the number of blocks (16 values, the census 32); the caller pads the last block with
 * zeros (they change no count).
 *
 * Narrowing, per block: a fast path assumes all 16 values are normal in the target and rounds
 * them with the integer formula (FLOAT16 `(a + 0xfff + ((a >> 13) & 1)) >> 13` less the rebias,
 * BFLOAT16 the same at bit 16) and stores them; when a value is not (FLOAT16: the packed result
 * lies outside [0x400, 0x7bff]; BFLOAT16: |bits| outside [0x8001, 0x7f7f8000)) the block is done
 * again by the full path: FLOAT16 subnormals by `|x|·2^24 + 1.5·2^23` (the float32 sum rounds to
 * an integer, ties to even), NaN/Inf/overflow by masks and bitselect, and the counts (values at
 * or above the overflow bound, at or above Inf/NaN, in [1, the underflow bound]) accumulated
 * from the lane masks. Results: three i32x4 count vectors at 0, 16, 32. Signs come from
 * `i16x8.narrow_i32x4_s(x0, x1) & 0x8000` (saturation keeps the sign of every lane).
 *
 * Census, in blocks of 32 values: counts of |bits| ≥ b_k for six bounds (parameters: b_k − 1 at
 * 128 + 4k), the largest |bits| below a limit (at 152), and a quiet interval [q_lo, q_hi) (q_lo − 1
 * at 156, q_hi at 160, q_hi ≤ limit) such that a block lying wholly in it only adds 32 to a
 * scalar count and its maximum to the running one. Results: six i32x4 count vectors at 0…80, the maximum vector
 * at 96, the quiet count at 112.
 */
import { ins, moduleOf, v128, type Code } from './wasm-encoding.js';
import { Fn } from './wasm-function.js';

export const RESULTS = 0;
export const PARAMS = 128;
/** Where a function keeps its constants (see `Fn.finish`). */
const CONSTS = 192;
export const HEADER = 1024;
/** Values per block of the narrowing kernels, and of the census (which is cheaper per value). */
export const BLOCK = 16;
export const CENSUS_BLOCK = 32;
/** Number of bounds a census counts. */
export const CENSUS_BOUNDS = 6;

const INT_MIN = -0x80000000;
/** Parameters src, dst, blocks; then the i32 locals p, q, end, n. */
const SRC = 0;
const DST = 1;
const BLOCKS = 2;
const P = 3;
const Q = 4;
const END = 5;
const N = 6;
/** A kernel function: 3 parameters, 4 i32 locals, constants kept at CONSTS. */
const kernel = (): Fn => new Fn(3, 4, CONSTS, HEADER);

/**
 * `for (p = src, q = dst; p < src + blocks·(4·values); p += 4·values, q += qStep) block()`, then
 * `epilogue()`: `values` per block, a power of two.
 */
function blockLoop(f: Fn, values: number, qStep: number, block: () => void, epilogue: () => void): void {
  f.get(SRC).set(P).get(DST).set(Q);
  f.get(SRC).get(BLOCKS).i32(Math.log2(values * 4)).op(ins.shl, ins.add).set(END);
  f.op(ins.blockLoop).get(P).get(END).op(ins.geU, ins.brIf(1));
  block();
  f.get(P).i32(values * 4).op(ins.add).set(P);
  f.get(Q).i32(qStep).op(ins.add).set(Q);
  f.op(ins.br(0), ins.end2);
  epilogue();
}

/** Stores `locals` as consecutive vectors at RESULTS. */
function storeResults(f: Fn, locals: readonly number[]): void {
  locals.forEach((l, i) => f.i32(RESULTS).get(l).op(ins.store(16 * i)));
}

/** `counter −= mask()` (a true lane is −1). */
function count(f: Fn, counter: number, mask: () => void): void {
  f.get(counter);
  mask();
  f.op(v128.sub).set(counter);
}

interface Variant {
  readonly saturate: boolean;
  readonly keepTiny: boolean;
}

/**
 * A narrowing function: loads each block into x (values) and a (|bits|), runs `fast` (which
 * stores the block and leaves an i32 on the stack, nonzero when the block needs the full path),
 * then, if needed, loads the block again and stores `full(x, a)` of each vector pairwise.
 * (Loading again keeps the fast path's values from living, spilled, through every block.)
 */
function narrowFunction(f: Fn, counters: readonly number[], fast: (x: readonly number[], a: readonly number[]) => void, full: (x: number, a: number) => void): number[] {
  const x = [f.v(), f.v(), f.v(), f.v()];
  const a = [f.v(), f.v(), f.v(), f.v()];
  const mask = f.c(0x7fffffff);
  const load = (): void => {
    for (let i = 0; i < 4; i++) f.get(P).op(ins.load(16 * i)).tee(x[i]!).get(mask).op(v128.and).set(a[i]!);
  };
  blockLoop(f, BLOCK, 32, () => {
    load();
    fast(x, a);
    f.op(ins.if);
    load();
    for (let i = 0; i < 4; i += 2) {
      f.get(Q);
      full(x[i]!, a[i]!);
      full(x[i + 1]!, a[i + 1]!);
      f.op(v128.narrowU16, ins.store(8 * i));
    }
    f.op(ins.end);
  }, () => storeResults(f, counters));
  return f.finish();
}

function float16Function(o: Variant): number[] {
  const f = kernel();
  const [big, inf, tiny] = [f.v(), f.v(), f.v()];
  const [m, r0, r1] = [f.v(), f.v(), f.v()];
  // Normal: (a + 0xfff + ((a >> 13) & 1)) >> 13, the rebias −(112 << 10) folded into the sum.
  const normal = (a: number): void => {
    f.get(a).k(0xfff - 0x38000000).op(v128.add).get(a).i32(13).op(v128.shrU).k(1).op(v128.and, v128.add).i32(13).op(v128.shrU);
  };
  const sign = (x: number): void => {
    f.get(x).i32(16).op(v128.shrU).k(0x8000).op(v128.and, v128.or);
  };
  const fast = (x: readonly number[], a: readonly number[]): void => {
    for (let i = 0; i < 4; i += 2) {
      f.get(Q);
      normal(a[i]!);
      normal(a[i + 1]!);
      f.op(v128.narrowU16).tee(i === 0 ? r0 : r1);
      f.get(x[i]!).get(x[i + 1]!).op(v128.narrowS16).k(0x80008000).op(v128.and, v128.or, ins.store(8 * i));
    }
    // Normal results are in [0x400, 0x7bff]; out-of-range sums give less, more, or saturate to 0xffff.
    f.get(r0).k(0x04000400).op(v128.subI16).get(r1).k(0x04000400).op(v128.subI16, v128.maxU16);
    f.k(0x77ff77ff).op(v128.subSatU16, v128.anyTrue);
  };
  const full = (x: number, a: number): void => {
    count(f, big, () => f.get(a).k(0x477fefff).op(v128.gtS).tee(m));
    count(f, inf, () => f.get(a).k(0x7f7fffff).op(v128.gtS));
    // The value for |x| ≥ 65520: NaN keeps its high payload bits, else Inf (or max when saturating).
    f.get(a).i32(13).op(v128.shrU).k(0x3ff).op(v128.and).k(0x7e00).op(v128.or);
    if (o.saturate) f.k(0x7bff).get(a).k(0x7f7fffff).op(v128.gtS, v128.sub);
    else f.k(0x7c00);
    f.get(a).k(0x7f800000).op(v128.gtS, v128.bitselect);
    // Below: normal, or subnormal by (|x|·2^24 + 1.5·2^23) − 1.5·2^23 on the bits.
    normal(a);
    f.get(a).k(0x4b800000).op(v128.fMul).k(0x4b400000).op(v128.fAdd).k(0x4b400000).op(v128.sub);
    f.get(a).k(0x387fffff).op(v128.gtS, v128.bitselect);
    f.get(m).op(v128.bitselect);
    // Nonzero values that round to zero: 1 ≤ a ≤ 2^-25.
    count(f, tiny, () => {
      f.get(a).k(0x7fffffff).op(v128.add).k((INT_MIN + 0x33000000) | 0).op(v128.ltS);
      if (o.keepTiny) f.tee(m);
    });
    if (o.keepTiny) f.get(m).k(1).op(v128.and, v128.or);
    sign(x);
  };
  return narrowFunction(f, [big, inf, tiny], fast, full);
}

function bfloat16Function(o: Variant): number[] {
  const f = kernel();
  const [big, inf, tiny] = [f.v(), f.v(), f.v()];
  const [m, m2] = [f.v(), f.v()];
  const round = (x: number): void => {
    f.get(x).k(0x7fff).op(v128.add).get(x).i32(16).op(v128.shrU).k(1).op(v128.and, v128.add).i32(16).op(v128.shrU);
  };
  const fast = (x: readonly number[], a: readonly number[]): void => {
    for (let i = 0; i < 4; i += 2) {
      f.get(Q);
      round(x[i]!);
      round(x[i + 1]!);
      f.op(v128.narrowU16, ins.store(8 * i));
    }
    // |bits| in [0x8001, 0x7f7f8000) ⇔ a − lo + INT_MIN < INT_MIN + (hi − lo) as signed lanes.
    const shift = (INT_MIN - 0x8001) | 0;
    for (let i = 0; i < 4; i++) {
      f.get(a[i]!).k(shift).op(v128.add);
      if (i > 0) f.op(v128.maxS);
    }
    f.k((INT_MIN + (0x7f7f8000 - 0x8001) - 1) | 0).op(v128.gtS, v128.anyTrue);
  };
  const full = (x: number, a: number): void => {
    // NaN: the high half made quiet.
    f.get(x).i32(16).op(v128.shrU).k(0x40).op(v128.or);
    round(x);
    count(f, big, () => f.get(a).k(0x7f7f7fff).op(v128.gtS).tee(m));
    count(f, inf, () => f.get(a).k(0x7f7fffff).op(v128.gtS).tee(m2));
    // Finite values that round to Inf (sign | 0x7f80) saturate to sign | 0x7f7f.
    if (o.saturate) f.get(m).get(m2).op(v128.andnot, v128.add);
    count(f, tiny, () => {
      f.get(a).k(0x7fffffff).op(v128.add).k((INT_MIN + 0x8000) | 0).op(v128.ltS);
      if (o.keepTiny) f.tee(m);
    });
    if (o.keepTiny) f.get(m).k(1).op(v128.and, v128.or);
    f.get(a).k(0x7f800000).op(v128.gtS, v128.bitselect);
  };
  return narrowFunction(f, [big, inf, tiny], fast, full);
}

function censusFunction(): number[] {
  const f = kernel();
  const a = Array.from({ length: CENSUS_BLOCK / 4 }, () => f.v());
  const counts = Array.from({ length: CENSUS_BOUNDS }, () => f.v());
  const bounds = Array.from({ length: CENSUS_BOUNDS }, () => f.v());
  const [limit, qlo, qhi, max, hi] = [f.v(), f.v(), f.v(), f.v(), f.v()];
  const prologue: number[] = [];
  const param = (local: number, at: number): void => {
    prologue.push(...ins.i32(0), ...ins.splat(PARAMS + 4 * at), ...ins.set(local));
  };
  bounds.forEach((b, k) => param(b, k));
  param(limit, 6);
  param(qlo, 7);
  param(qhi, 8);
  const mask = f.c(0x7fffffff);
  /** The lanewise `op` of all of a, as a tree. */
  const reduce = (op: Code, from = 0, to = a.length): void => {
    if (to - from === 1) {
      f.get(a[from]!);
      return;
    }
    const mid = (from + to) >>> 1;
    reduce(op, from, mid);
    reduce(op, mid, to);
    f.op(op);
  };
  blockLoop(f, CENSUS_BLOCK, 0, () => {
    a.forEach((ai, i) => f.get(P).op(ins.load(16 * i)).get(mask).op(v128.and).set(ai));
    // Quiet when every lane has q_lo ≤ a < q_hi.
    reduce(v128.maxS);
    f.tee(hi).get(qhi).op(v128.ltS);
    reduce(v128.minS);
    f.get(qlo).op(v128.gtS, v128.and, v128.allTrue, ins.if);
    f.get(max).get(hi).op(v128.maxS).set(max);
    f.get(N).i32(CENSUS_BLOCK).op(ins.add).set(N);
    f.op(ins.else);
    for (const ai of a) {
      counts.forEach((c, k) => count(f, c, () => f.get(ai).get(bounds[k]!).op(v128.gtS)));
      f.get(max).get(ai).get(limit).get(ai).op(v128.gtS, v128.and, v128.maxS).set(max);
    }
    f.op(ins.end);
  }, () => {
    storeResults(f, [...counts, max]);
    f.i32(RESULTS).get(N).op(ins.i32Store(112));
  });
  return f.finish(prologue);
}

/** Export name of the narrowing function for a target and options. */
export function narrowExport(fp16: boolean, saturate: boolean, keepTiny: boolean): string {
  return `${fp16 ? 'f16' : 'bf16'}${saturate ? '_sat' : ''}${keepTiny ? '_tiny' : ''}`;
}

/** The module's bytes: the eight narrowing variants and the census. */
export function narrowModuleBytes(): Uint8Array<ArrayBuffer> {
  const fns: [string, number[]][] = [];
  for (const fp16 of [true, false]) {
    for (const saturate of [false, true]) {
      for (const keepTiny of [false, true]) {
        const o = { saturate, keepTiny };
        fns.push([narrowExport(fp16, saturate, keepTiny), fp16 ? float16Function(o) : bfloat16Function(o)]);
      }
    }
  }
  fns.push(['census', censusFunction()]);
  return moduleOf(3, fns);
}
