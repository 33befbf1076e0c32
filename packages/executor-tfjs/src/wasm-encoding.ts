/**
 * Byte encoding of the WebAssembly the executor assembles at run time (wasm-module.ts, gemm-module.ts,
 * depthwise-module.ts): LEB128 numbers, sections, and the few instructions those kernels use
 * (opcodes from the WebAssembly core and SIMD specifications).
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

/** Instructions (each returns or is its bytes). */
export const ins = {
  get: (i: number): number[] => [0x20, ...uleb(i)],
  set: (i: number): number[] => [0x21, ...uleb(i)],
  tee: (i: number): number[] => [0x22, ...uleb(i)],
  i32: (v: number): number[] => [0x41, ...sleb(v)],
  add: [0x6a], sub: [0x6b], mul: [0x6c], shl: [0x74], geU: [0x4f], geS: [0x4e], ltS: [0x48], select: [0x1b],
  /** `block` + `loop` (void): `br 0` continues, `br 1` exits. */
  blockLoop: [0x02, 0x40, 0x03, 0x40], end2: [0x0b, 0x0b], end: [0x0b],
  br: (d: number): number[] => [0x0c, ...uleb(d)],
  brIf: (d: number): number[] => [0x0d, ...uleb(d)],
  /** v128.load / v128.store at a byte offset (alignment hint 16). */
  load: (offset: number): number[] => [...simd(0x00), 4, ...uleb(offset)],
  store: (offset: number): number[] => [...simd(0x0b), 4, ...uleb(offset)],
  /** v128.load32_splat at a byte offset (alignment hint 4). */
  splat: (offset: number): number[] => [...simd(0x09), 2, ...uleb(offset)],
  fAdd: simd(0xe4), fMul: simd(0xe6),
} as const;

/** A function body: `i32s` i32 locals, then `v128s` v128 locals, then the code. */
export function functionBody(i32s: number, v128s: number, code: Code): number[] {
  const fn = [2, ...uleb(i32s), 0x7f, ...uleb(v128s), 0x7b, ...code, 0x0b];
  return [...uleb(fn.length), ...fn];
}

export function section(id: number, content: Code): number[] {
  return [id, ...uleb(content.length), ...content];
}

export function vec(items: readonly Code[]): number[] {
  return [...uleb(items.length), ...items.flat()];
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
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([type])),
    ...section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x00, 0x00]])),
    ...section(3, vec(fns.map(() => [0]))),
    ...section(7, vec(fns.map(([n], i) => [...name(n), 0x00, i]))),
    ...section(10, vec(fns.map(([, body]) => body))),
  ]);
}

/** The module's exports bound to `memory` (synchronously), or undefined without WebAssembly SIMD. */
export function instantiate(bytes: Uint8Array<ArrayBuffer>, memory: WebAssembly.Memory): Record<string, (...args: number[]) => void> | undefined {
  if (!WebAssembly.validate(bytes)) return undefined;
  return new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports as Record<string, (...args: number[]) => void>;
}
