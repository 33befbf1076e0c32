/**
 * A matrix product C[M, N] = bias + A[M, K] · B[K, N] as hand-assembled WebAssembly SIMD on the
 * wasm backend's memory, for pointwise convolutions (A: the pixels of an NHWC activation, B:
 * the weight, packed once per prepared model).
 *
 * Why not XNNPACK's (tfjs' matMul): on this kind of machine its f32 wasm-SIMD micro-kernel
 * reaches ~20 GMAC/s where a 4×8 register tile reaches ~29 (480³: 5.3 vs 3.8 ms).
 *
 * Layout: A row-major with row stride K; C row-major with row stride N; B packed in column
 * blocks of 8 (the last one of 4 when N mod 8 = 4), each block K rows of its columns,
 * contiguous, so a block starting at column j0 begins at float j0·K ({@link packColumns}).
 * N must be a multiple of 4 and K ≥ 1.
 *
 * Numerics: each output is bias[j] + a[i,0]·b[0,j] + a[i,1]·b[1,j] + … in that order, each
 * product and each sum rounded to float32 (no fused multiply-add), as XNNPACK computes.
 *
 * A tile function `(a, bp, c, bias, m, n, k, j0, j1)` computes rows [0, m) (m a multiple of
 * its row count) and columns [j0, j1) (a multiple of its column count) of C; addresses are
 * byte offsets in the memory.
 */

import { wasm } from '@mixprec/ir';

const { functionBody, ins, instantiate, moduleOf } = wasm;
type Code = wasm.Code;

const { get, set, tee, i32, br, brIf } = ins;
const I32_ADD = ins.add;
const I32_MUL = ins.mul;
const I32_SHL = ins.shl;
const I32_GE_U = ins.geU;
const BLOCK_LOOP = ins.blockLoop;
const END2 = ins.end2;
const { load, store, splat } = ins;
const F32X4_ADD = ins.fAdd;
const F32X4_MUL = ins.fMul;

// Parameters and i32 locals of a tile function.
const A = 0, BP = 1, C = 2, BIAS = 3, M = 4, N = 5, K = 6, J_START = 7, J_END = 8;
const J0 = 9, I0 = 10, KB = 11, PA = 12, PB = 13, REM = 14, PC = 15, LDC = 16;
const FIRST_V128 = 17;

/** A tile function of `rows` rows and `vectors`·4 columns (see the module comment). */
function tileFunction(rows: number, vectors: number): Code {
  const acc = (r: number, v: number): number => FIRST_V128 + r * vectors + v;
  const bv = (v: number): number => FIRST_V128 + rows * vectors + v;
  const av = FIRST_V128 + rows * vectors + vectors;
  const cols = 4 * vectors;
  const code: number[] = [
    ...get(K), ...i32(2), ...I32_SHL, ...set(KB),
    ...get(N), ...i32(2), ...I32_SHL, ...set(LDC),
    ...get(J_START), ...set(J0),
    ...BLOCK_LOOP, // over column blocks
    ...get(J0), ...get(J_END), ...I32_GE_U, ...brIf(1),
    ...i32(0), ...set(I0),
    ...BLOCK_LOOP, // over row tiles
    ...get(I0), ...get(M), ...I32_GE_U, ...brIf(1),
  ];
  for (let r = 0; r < rows; r++) {
    for (let v = 0; v < vectors; v++) code.push(...get(BIAS), ...get(J0), ...i32(2), ...I32_SHL, ...I32_ADD, ...load(16 * v), ...set(acc(r, v)));
  }
  code.push(
    ...get(A), ...get(I0), ...get(KB), ...I32_MUL, ...I32_ADD, ...set(PA),
    ...get(BP), ...get(J0), ...get(KB), ...I32_MUL, ...I32_ADD, ...set(PB),
    ...get(KB), ...set(REM),
    ...BLOCK_LOOP, // over k (at least once: K ≥ 1)
  );
  for (let v = 0; v < vectors; v++) code.push(...get(PB), ...load(16 * v), ...set(bv(v)));
  for (let r = 0; r < rows; r++) {
    code.push(...get(PA));
    if (r > 0) code.push(...get(KB), ...i32(r), ...I32_MUL, ...I32_ADD);
    code.push(...splat(0), ...set(av));
    for (let v = 0; v < vectors; v++) code.push(...get(acc(r, v)), ...get(av), ...get(bv(v)), ...F32X4_MUL, ...F32X4_ADD, ...set(acc(r, v)));
  }
  code.push(
    ...get(PB), ...i32(16 * vectors), ...I32_ADD, ...set(PB),
    ...get(PA), ...i32(4), ...I32_ADD, ...set(PA),
    ...get(REM), ...i32(-4), ...I32_ADD, ...tee(REM), ...brIf(0),
    ...END2,
    ...get(C), ...get(I0), ...get(LDC), ...I32_MUL, ...I32_ADD, ...get(J0), ...i32(2), ...I32_SHL, ...I32_ADD, ...set(PC),
  );
  for (let r = 0; r < rows; r++) {
    for (let v = 0; v < vectors; v++) code.push(...get(PC), ...get(acc(r, v)), ...store(16 * v));
    code.push(...get(PC), ...get(LDC), ...I32_ADD, ...set(PC));
  }
  code.push(
    ...get(I0), ...i32(rows), ...I32_ADD, ...set(I0), ...br(0), ...END2,
    ...get(J0), ...i32(cols), ...I32_ADD, ...set(J0), ...br(0), ...END2,
  );
  return functionBody(8, rows * vectors + vectors + 1, code);
}

/** The tiles, in export order: 4×8, 4×4, 1×8, 1×4 (rows × columns). */
const TILES: readonly (readonly [number, number])[] = [[4, 2], [4, 1], [1, 2], [1, 1]];

const MODULE_BYTES = moduleOf(9, TILES.map(([r, v]) => [`tile_${r}x${4 * v}`, tileFunction(r, v)] as const));

/** The product bound to one memory: C = bias + A · B (byte addresses; see the module comment). */
export type Gemm = (a: number, bp: number, c: number, bias: number, m: number, n: number, k: number) => void;

/** Instantiates the product on `memory`; undefined without WebAssembly SIMD. */
export function instantiateGemm(memory: WebAssembly.Memory): Gemm | undefined {
  const e = instantiate(MODULE_BYTES, memory);
  if (e === undefined) return undefined;
  const t48 = e['tile_4x8']!;
  const t44 = e['tile_4x4']!;
  const t18 = e['tile_1x8']!;
  const t14 = e['tile_1x4']!;
  return (a, bp, c, bias, m, n, k) => {
    if (n % 4 !== 0 || k < 1) throw new Error(`Internal: gemm needs N a multiple of 4 and K ≥ 1, got N=${n}, K=${k}`);
    const m4 = m - (m % 4);
    const n8 = n - (n % 8);
    t48(a, bp, c, bias, m4, n, k, 0, n8);
    if (n8 < n) t44(a, bp, c, bias, m4, n, k, n8, n);
    if (m4 < m) {
      const a1 = a + m4 * k * 4;
      const c1 = c + m4 * n * 4;
      t18(a1, bp, c1, bias, m - m4, n, k, 0, n8);
      if (n8 < n) t14(a1, bp, c1, bias, m - m4, n, k, n8, n);
    }
  };
}

/**
 * B[K, N] (row-major) packed for the product: column blocks of 8 (the last of 4 when N mod 8
 * = 4), each K rows of its columns.
 */
export function packColumns(b: ArrayLike<number>, k: number, n: number): Float32Array {
  const out = new Float32Array(k * n);
  let o = 0;
  for (let j0 = 0; j0 < n; j0 += 8) {
    const w = Math.min(8, n - j0);
    for (let kk = 0; kk < k; kk++) for (let j = 0; j < w; j++) out[o++] = b[kk * n + j0 + j]!;
  }
  return out;
}
