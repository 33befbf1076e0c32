/**
 * {@link Narrower}: FLOAT → FLOAT16/BFLOAT16 narrowing and FLOAT magnitude censuses at memory
 * speed, on WebAssembly SIMD kernels (narrow-kernels.ts) working in a heap the narrower owns.
 *
 * Ownership: a narrower holds one WebAssembly instance and its memory (~1.3 MiB) and no other
 * state between calls, so one conversion run (or one save) creates one and passes it down to
 * every tensor it narrows. Creating a narrower costs nothing; its instance is made for the
 * first tensor that needs it (~0.2 ms, mostly committing the memory's pages), which is why a
 * narrower should not be made per tensor (narrowFloat32 without one makes a small one, only
 * for big sources).
 * Results are bit-identical to the plain loops of narrow.ts / float32-census.ts, which are used
 * where WebAssembly SIMD is missing, for tensors of fewer than {@link Narrower.MIN_ELEMENTS}
 * values, on big-endian hosts, and for a call made while the narrower is busy (from inside a
 * streaming callback).
 */
import { DataType } from './data-type.js';
import { censusFloat32Reference, censusParameters, type Float32Census } from './float32-census.js';
import { BLOCK, CENSUS_BLOCK, CENSUS_BOUNDS, HEADER, PARAMS, RESULTS, narrowExport } from './narrow-kernels.js';
import { NARROW_MODULE_BASE64 } from './narrow-module.js';
import { narrowFloat32Reference, streamReference, type NarrowCounts, type NarrowOptions } from './narrow.js';
import { Tensor } from './tensor.js';

/** Values per kernel call (256 KiB of FLOAT: stays in the L2 cache), and of a small heap. */
const CHUNK = 1 << 16;
const SMALL_CHUNK = 1 << 14;
/** Values of the streaming output region (1 MiB of 16-bit values, the size of a streamed chunk). */
const OUT_ELEMENTS = 1 << 19;
const SMALL_OUT_ELEMENTS = 1 << 15;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

type Kernel = (src: number, dst: number, blocks: number) => void;

/** A heap and its kernels: input chunks at `inAt`, output at `outAt`. */
interface Heap {
  readonly fns: Readonly<Record<string, Kernel>>;
  readonly u8: Uint8Array;
  readonly i32: Int32Array;
  /** Values per kernel call. */
  readonly chunk: number;
  /** Values of the output region. */
  readonly outElements: number;
  readonly inAt: number;
  readonly outAt: number;
}

function moduleBytes(): Uint8Array<ArrayBuffer> {
  if (typeof Buffer === 'function') return Buffer.from(NARROW_MODULE_BASE64, 'base64') as Uint8Array<ArrayBuffer>;
  const s = atob(NARROW_MODULE_BASE64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** The kernels on a new memory, or undefined without WebAssembly SIMD (or on a big-endian host). */
function instantiate(small: boolean): Heap | undefined {
  if (!LITTLE_ENDIAN || typeof WebAssembly !== 'object') return undefined;
  const chunk = small ? SMALL_CHUNK : CHUNK;
  const outElements = small ? SMALL_OUT_ELEMENTS : OUT_ELEMENTS;
  const inAt = HEADER;
  const outAt = inAt + chunk * 4;
  // The kernels store whole blocks: up to BLOCK − 1 values past the output's end; inputs are
  // padded to whole blocks (chunk is a multiple of every block size).
  const pages = Math.ceil((outAt + (outElements + BLOCK) * 2) / 65536);
  let memory: WebAssembly.Memory;
  let instance: WebAssembly.Instance;
  try {
    const module = new WebAssembly.Module(moduleBytes());
    memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    instance = new WebAssembly.Instance(module, { env: { memory } });
  } catch {
    return undefined; // no SIMD (the module does not compile), or no memory to be had: the plain loops
  }
  return {
    fns: instance.exports as Record<string, Kernel>, u8: new Uint8Array(memory.buffer), i32: new Int32Array(memory.buffer),
    chunk, outElements, inAt, outAt,
  };
}

/** Source values, `k ≤ chunk` at a time, put at `inAt` (zero-padded to whole blocks) before `consume(k)`. */
function feed(heap: Heap, src: Uint8Array | Tensor, consume: (k: number) => void): void {
  const { u8, chunk, inAt } = heap;
  const pad = (k: number): void => {
    const end = Math.ceil(k / CENSUS_BLOCK) * CENSUS_BLOCK;
    if (end > k) u8.fill(0, inAt + k * 4, inAt + end * 4);
    consume(k);
  };
  if (src instanceof Tensor) {
    const source = src.source;
    if (source?.readInto !== undefined) {
      const n = src.byteLength >>> 2;
      if (src.byteLength !== n * 4) throw new RangeError(`FLOAT bytes must be a multiple of 4, got ${src.byteLength} (${source.description})`);
      for (let at = 0; at < n; at += chunk) {
        const k = Math.min(chunk, n - at);
        source.readInto(u8.subarray(inAt, inAt + k * 4), at * 4);
        pad(k);
      }
      return;
    }
    src.forEachRawChunk((bytes) => feed(heap, bytes, consume));
    return;
  }
  const n = src.length >>> 2;
  if (src.length !== n * 4) throw new RangeError(`FLOAT bytes must be a multiple of 4, got ${src.length}`);
  for (let at = 0; at < n; at += chunk) {
    const k = Math.min(chunk, n - at);
    u8.set(src.subarray(at * 4, (at + k) * 4), inAt);
    pad(k);
  }
}

function lanes(i32: Int32Array, vector: number): number {
  const at = (RESULTS >>> 2) + vector * 4;
  return i32[at]! + i32[at + 1]! + i32[at + 2]! + i32[at + 3]!;
}

/** The number of FLOAT values of a source (`who` names the caller in the error for a non-FLOAT tensor). */
export function elementsOf(src: Uint8Array | Tensor, who: string): number {
  if (src instanceof Tensor) {
    if (src.dtype !== DataType.FLOAT) throw new RangeError(`${who}: the tensor is ${src.toString()}, not FLOAT`);
    return src.byteLength >>> 2;
  }
  return src.length >>> 2;
}

/** Narrowing and censuses of FLOAT values on WebAssembly SIMD; see the file comment. */
export class Narrower {
  /** Tensors with fewer values are done by the plain loops (copying them costs more). */
  static readonly MIN_ELEMENTS = 1024;
  readonly #small: boolean;
  /** Made on the first tensor that needs it (null: not yet; undefined: no WebAssembly SIMD). */
  #heap: Heap | undefined | null = null;
  #busy = false;

  /**
   * `small`: a heap of ~200 KiB (64 KiB chunks, 64 KiB streamed chunks) instead of ~1.3 MiB,
   * for a narrower made for one tensor: fewer fresh pages to fault in.
   */
  constructor(options: { readonly small?: boolean } = {}) {
    this.#small = options.small === true;
  }

  /** Whether the SIMD kernels are used (false: the plain loops do everything). */
  get simd(): boolean {
    return this.#instance() !== undefined;
  }

  #instance(): Heap | undefined {
    if (this.#heap === null) this.#heap = instantiate(this.#small);
    return this.#heap;
  }

  #acquire(n: number): Heap | undefined {
    if (this.#busy || n < Narrower.MIN_ELEMENTS) return undefined;
    return this.#instance();
  }

  /** {@link narrowFloat32}: the same results and errors. */
  narrow(src: Uint8Array | Tensor, target: DataType.FLOAT16 | DataType.BFLOAT16, dst?: Uint16Array, options: NarrowOptions = {}): NarrowCounts {
    const n = elementsOf(src, 'narrowFloat32');
    if (dst !== undefined && dst.length !== n) throw new RangeError(`narrowFloat32: dst has ${dst.length} elements, the source holds ${n}`);
    const heap = this.#acquire(n);
    if (heap === undefined) return narrowFloat32Reference(src, target, dst, options);
    if (dst === undefined) return this.#countOnly(heap, src, target);
    const out = new Uint8Array(dst.buffer, dst.byteOffset, dst.byteLength);
    let at = 0;
    return this.#run(heap, src, target, options, (k) => {
      out.set(heap.u8.subarray(heap.outAt, heap.outAt + k * 2), at * 2);
      at += k;
    }, () => heap.outAt);
  }

  /**
   * Narrows `src` and passes the little-endian 16-bit values to `f` in order, in chunks of at
   * most 1 MiB that are valid only during the call (they are views of the heap). Returns the
   * counts of {@link narrowFloat32}.
   */
  narrowChunks(
    src: Uint8Array | Tensor, target: DataType.FLOAT16 | DataType.BFLOAT16, options: NarrowOptions, f: (chunk: Uint8Array) => void,
  ): NarrowCounts {
    const n = elementsOf(src, 'narrowChunks');
    const heap = this.#acquire(n);
    if (heap === undefined) return streamReference(src, target, options, f);
    let filled = 0;
    const flush = (): void => {
      if (filled > 0) f(heap.u8.subarray(heap.outAt, heap.outAt + filled * 2));
      filled = 0;
    };
    return this.#exclusive(() => {
      const counts = this.#run(heap, src, target, options, (k) => {
        filled += k;
      }, (k) => {
        if (filled + k > heap.outElements) flush();
        return heap.outAt + filled * 2;
      });
      flush();
      return counts;
    });
  }

  /**
   * Runs `f` with the heap taken: a call made meanwhile (from a source's read or a streaming
   * callback, which may run while heap views are handed out) gets the plain loops.
   */
  #exclusive<T>(f: () => T): T {
    const was = this.#busy;
    this.#busy = true;
    try {
      return f();
    } finally {
      this.#busy = was;
    }
  }

  /** Runs the narrowing kernel on every chunk: `dstFor(k)` places its output, `done(k)` takes it. */
  #run(
    heap: Heap, src: Uint8Array | Tensor, target: DataType.FLOAT16 | DataType.BFLOAT16, options: NarrowOptions,
    done: (k: number) => void, dstFor: (k: number) => number,
  ): NarrowCounts {
    const kernel = heap.fns[narrowExport(target === DataType.FLOAT16, options.saturate === true, options.keepTiny === true)]!;
    let overflowed = 0;
    let underflowed = 0;
    this.#exclusive(() => feed(heap, src, (k) => {
      kernel(heap.inAt, dstFor(k), Math.ceil(k / BLOCK));
      overflowed += lanes(heap.i32, 0) - lanes(heap.i32, 1);
      underflowed += lanes(heap.i32, 2);
      done(k);
    }));
    return { overflowed, underflowed };
  }

  #countOnly(heap: Heap, src: Uint8Array | Tensor, target: DataType.FLOAT16 | DataType.BFLOAT16): NarrowCounts {
    // FLOAT16: |x| >= 65520 rounds to Inf, |x| <= 2^-25 to 0. BFLOAT16: |x| >= 0x7f7f8000 to Inf, <= 0x8000 to 0.
    const fp16 = target === DataType.FLOAT16;
    const c = this.#census(heap, src, [1, fp16 ? 0x33000001 : 0x8001, fp16 ? 0x477ff000 : 0x7f7f8000, 0x7f800000], 0x7f800000, 1);
    return { overflowed: c.atLeast[2]! - c.atLeast[3]!, underflowed: c.atLeast[0]! - c.atLeast[1]! };
  }

  /** {@link censusFloat32}: the same results and errors. */
  census(src: Uint8Array | Tensor, bounds: readonly number[], limit: number, quiet?: number): Float32Census {
    const n = elementsOf(src, 'censusFloat32');
    censusParameters(bounds, limit, quiet);
    const heap = this.#acquire(n);
    if (heap === undefined) return censusFloat32Reference(src, bounds, limit);
    return this.#census(heap, src, bounds, limit, quiet);
  }

  #census(heap: Heap, src: Uint8Array | Tensor, bounds: readonly number[], limit: number, quiet: number | undefined): Float32Census {
    const p = censusParameters(bounds, limit, quiet);
    heap.i32.set(p.words, PARAMS >>> 2);
    const kernel = heap.fns['census']!;
    const atLeast = new Array<number>(bounds.length).fill(0);
    let quietCount = 0;
    let max = 0;
    this.#exclusive(() => feed(heap, src, (k) => {
      kernel(heap.inAt, 0, Math.ceil(k / CENSUS_BLOCK));
      for (let b = 0; b < bounds.length; b++) atLeast[b]! += lanes(heap.i32, b);
      for (let l = 0; l < 4; l++) max = Math.max(max, heap.i32[(RESULTS >>> 2) + CENSUS_BOUNDS * 4 + l]!);
      quietCount += heap.i32[(RESULTS >>> 2) + 28]!;
    }));
    for (let b = 0; b <= p.quiet; b++) atLeast[b]! += quietCount;
    return { atLeast, maxBelow: max };
  }
}
