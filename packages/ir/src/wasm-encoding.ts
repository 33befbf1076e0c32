/**
 * Byte encoding of WebAssembly assembled at run time (the FLOAT narrowing kernels here, the
 * executor's heap kernels): LEB128 numbers, sections, modules, and the instructions those
 * kernels use (opcodes of the WebAssembly core and SIMD specifications). Exported from
 * `@mixprec/ir` as the namespace `wasm`.
 */

export type Code = readonly number[];

export function uleb(n: number): number[] {
  const out: number[] = [];
  let v = n >>> 0;
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
}

export function sleb(n: number): number[] {
  const out: number[] = [];
  let v = n | 0;
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const simd = (o: number): number[] => [0xfd, ...uleb(o)];

/** Scalar and control instructions (each returns or is its bytes). */
export const ins = {
  get: (i: number): number[] => [0x20, ...uleb(i)],
  set: (i: number): number[] => [0x21, ...uleb(i)],
  tee: (i: number): number[] => [0x22, ...uleb(i)],
  i32: (v: number): number[] => [0x41, ...sleb(v)],
  add: [0x6a], sub: [0x6b], mul: [0x6c], and: [0x71], or: [0x72], shl: [0x74], shrU: [0x76],
  geU: [0x4f], geS: [0x4e], ltS: [0x48], ltU: [0x49], eqz: [0x45], select: [0x1b],
  /** `block` + `loop` (void): `br 0` continues, `br 1` exits. */
  blockLoop: [0x02, 0x40, 0x03, 0x40], loop: [0x03, 0x40], end2: [0x0b, 0x0b], end: [0x0b],
  block: [0x02, 0x40], if: [0x04, 0x40], else: [0x05],
  br: (d: number): number[] => [0x0c, ...uleb(d)],
  brIf: (d: number): number[] => [0x0d, ...uleb(d)],
  /** v128.load / v128.store at a byte offset (alignment hint 16). */
  load: (offset: number): number[] => [...simd(0x00), 4, ...uleb(offset)],
  store: (offset: number): number[] => [...simd(0x0b), 4, ...uleb(offset)],
  /** v128.load32_splat at a byte offset (alignment hint 4). */
  splat: (offset: number): number[] => [...simd(0x09), 2, ...uleb(offset)],
  /** i32.store at a byte offset (alignment hint 4). */
  i32Store: (offset: number): number[] => [0x36, 2, ...uleb(offset)],
  fAdd: simd(0xe4), fMul: simd(0xe6),
} as const;

/** SIMD (v128) instructions on i32x4 / f32x4 lanes, and the bitwise ones. */
export const v128 = {
  /** An i32x4 constant with `v` in every lane. */
  i32x4: (v: number): number[] => {
    const b = simd(0x0c);
    for (let k = 0; k < 4; k++) b.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
    return b;
  },
  splatI32: simd(0x11), splatF32: simd(0x13),
  extractLane: (lane: number): number[] => [...simd(0x1b), lane],
  not: simd(0x4d), and: simd(0x4e), andnot: simd(0x4f), or: simd(0x50), xor: simd(0x51), bitselect: simd(0x52),
  anyTrue: simd(0x53),
  eq: simd(0x37), ltS: simd(0x39), ltU: simd(0x3a), gtS: simd(0x3b), gtU: simd(0x3c),
  allTrue: simd(0xa3),
  /** i16x8.narrow_i32x4_s / _u: two i32x4 to eight 16-bit lanes (saturating). */
  narrowS16: simd(0x85), narrowU16: simd(0x86),
  /** i16x8 lanes: sub (wrapping), sub_sat_u, max_u. */
  subI16: simd(0x91), subSatU16: simd(0x93), maxU16: simd(0x99),
  shl: simd(0xab), shrS: simd(0xac), shrU: simd(0xad), add: simd(0xae), sub: simd(0xb1), mul: simd(0xb5),
  minS: simd(0xb6), minU: simd(0xb7), maxS: simd(0xb8), maxU: simd(0xb9),
  fAdd: simd(0xe4), fSub: simd(0xe5), fMul: simd(0xe6), fMin: simd(0xe8), fMax: simd(0xe9), fPmin: simd(0xea), fPmax: simd(0xeb),
  fNearest: simd(0x6a),
} as const;

/** A function body: `i32s` i32 locals, then `v128s` v128 locals, then the code. */
export function functionBody(i32s: number, v128s: number, code: Code): number[] {
  const head = [2, ...uleb(i32s), 0x7f, ...uleb(v128s), 0x7b];
  return concat([uleb(head.length + code.length + 1), head, code, [0x0b]]);
}

/** The arrays one after the other (no spreading: kernels are kilobytes long). */
function concat(parts: readonly Code[]): number[] {
  const out: number[] = [];
  for (const p of parts) for (let i = 0; i < p.length; i++) out.push(p[i]!);
  return out;
}

export function section(id: number, content: Code): number[] {
  return concat([[id], uleb(content.length), content]);
}

export function vec(items: readonly Code[]): number[] {
  return concat([uleb(items.length), ...items]);
}

export function name(s: string): number[] {
  const b = [...new TextEncoder().encode(s)];
  return [...uleb(b.length), ...b];
}

/** Value types of parameters. */
export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;

/**
 * A module importing `env.memory` whose functions all take the same parameters (`params` i32
 * ones, or the listed value types) and return nothing, exported under the given names.
 */
export function moduleOf(params: number | readonly number[], fns: readonly (readonly [string, Code])[]): Uint8Array<ArrayBuffer> {
  const types = typeof params === 'number' ? new Array<number>(params).fill(I32) : params;
  const type = [0x60, ...uleb(types.length), ...types, 0];
  return new Uint8Array(concat([
    [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    section(1, vec([type])),
    section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x00, 0x00]])),
    section(3, vec(fns.map(() => [0]))),
    section(7, vec(fns.map(([n], i) => [...name(n), 0x00, i]))),
    section(10, vec(fns.map(([, body]) => body))),
  ]));
}

/** The module's exports bound to `memory` (synchronously), or undefined without WebAssembly SIMD. */
export function instantiate(bytes: Uint8Array<ArrayBuffer>, memory: WebAssembly.Memory): Record<string, (...args: number[]) => void> | undefined {
  if (!WebAssembly.validate(bytes)) return undefined;
  return new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports as Record<string, (...args: number[]) => void>;
}
