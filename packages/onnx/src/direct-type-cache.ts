/**
 * One IR type object per distinct TypeProto encoding of a load. Big graphs repeat a handful of
 * types (`float[1,16]` on every value info): the direct decoder reads each encoding once and
 * hands the same immutable {@link ValueType} to every value info with the same bytes, instead
 * of a type, a shape list and its wrapper per value.
 *
 * The bytes decide the type completely, except for the nesting limit: an entry read at depth
 * `d` is reused only at depths up to `d`, where reading the bytes again cannot bail either.
 */
import type { ValueType } from '@mixprec/ir';

/** Encodings longer than this are read every time (rare, and costly to hash). */
const MAX_CACHED_BYTES = 96;

interface Entry {
  readonly start: number;
  readonly end: number;
  readonly depth: number;
  readonly type: ValueType;
  next: Entry | undefined;
}

/** Types by their encoding within one buffer; lives as long as one decode. */
export class TypeCache {
  readonly #b: Uint8Array;
  readonly #byHash = new Map<number, Entry>();

  constructor(b: Uint8Array) {
    this.#b = b;
  }

  /** The type read earlier from the same bytes as `b[start, end)`, if any (and reusable at `depth`). */
  get(start: number, end: number, depth: number): ValueType | undefined {
    if (end - start > MAX_CACHED_BYTES) return undefined;
    for (let e = this.#byHash.get(this.#hash(start, end)); e !== undefined; e = e.next) {
      if (depth <= e.depth && this.#same(e, start, end)) return e.type;
    }
    return undefined;
  }

  /** Remembers the type read from `b[start, end)` at `depth`. */
  set(start: number, end: number, depth: number, type: ValueType): void {
    if (end - start > MAX_CACHED_BYTES) return;
    const h = this.#hash(start, end);
    this.#byHash.set(h, { start, end, depth, type, next: this.#byHash.get(h) });
  }

  /** FNV-1a of the bytes and their length, as a small integer key. */
  #hash(start: number, end: number): number {
    const b = this.#b;
    let h = 0x811c9dc5 ^ (end - start);
    for (let i = start; i < end; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
    return h >>> 1;
  }

  #same(e: Entry, start: number, end: number): boolean {
    if (e.end - e.start !== end - start) return false;
    const b = this.#b;
    for (let i = start, j = e.start; i < end; i++, j++) if (b[i] !== b[j]) return false;
    return true;
  }
}
