/**
 * Reading primitives of the direct decoder (see direct-model.ts). They read exactly what the
 * generated protobufjs decoder reads for a well-formed message, and throw {@link Bail} for
 * anything else: every encoding `checkWireTypes` rejects (over-long varints, group wire types,
 * 6–9 byte 32-bit varints), framing that runs past its message, and nesting deeper than the
 * protobufjs recursion limit. A bail sends the load to the reference path (wire check +
 * protobufjs + proto → IR), which then reports the exact error it always did.
 */
import { createRequire } from 'node:module';
import type { ProtoInt64 } from './proto.js';

interface ProtobufMinimal {
  util: { recursionLimit: number; utf8: { read(b: Uint8Array, start: number, end: number): string } };
}

const pb = createRequire(import.meta.url)('protobufjs/minimal') as ProtobufMinimal;

/** The nesting depth past which protobufjs refuses a message (100). */
export const RECURSION_LIMIT: number = pb.util.recursionLimit;

/** The direct decoder cannot decode this input exactly like the reference path: use that path. */
export class Bail extends Error {}

export function bail(): never {
  throw new Bail('direct decoder bailed out');
}

const ASCII = new TextDecoder('utf-8', { ignoreBOM: true });
const EMPTY_BUFFER_LENGTH = 0;
/** Longer strings are not shared by {@link WireReader.symbol}. */
const MAX_SYMBOL_BYTES = 32;

/** A cursor over one buffer of protobuf bytes. */
export class WireReader {
  readonly b: Uint8Array;
  /** protobufjs reads a Node Buffer with Buffer's own UTF-8 decoder, anything else with its own. */
  readonly isBuffer: boolean;
  readonly #dv: DataView;
  /** Strings read by {@link symbol}, by a hash of their bytes. */
  readonly #symbols = new Map<number, string>();
  pos = 0;

  constructor(b: Uint8Array) {
    this.b = b;
    this.isBuffer = Buffer.isBuffer(b);
    this.#dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }

  /** A field tag (at most 5 bytes, below 2^32, wire type 0, 1, 2 or 5). */
  tag(end: number): number {
    const v = this.#uint32(end);
    const wt = v & 7;
    if (wt === 3 || wt === 4 || wt > 5) bail();
    return v;
  }

  /** A length prefix (at most 5 bytes) whose payload ends by `end`. */
  len(end: number): number {
    const v = this.#uint32(end);
    if (v > end - this.pos) bail();
    return v;
  }

  /** A varint of at most 5 bytes below 2^32, read up to `end`. */
  #uint32(end: number): number {
    const b = this.b;
    let p = this.pos;
    if (p >= end) bail();
    let c = b[p++]!;
    let v = c & 0x7f;
    if (c >= 0x80) {
      let shift = 7;
      for (;;) {
        if (p >= end) bail();
        c = b[p++]!;
        if (shift === 28) {
          if (c > 0x0f) bail();
          v += c * 0x10000000;
          break;
        }
        v |= (c & 0x7f) << shift;
        if (c < 0x80) break;
        shift += 7;
      }
      v >>>= 0;
    }
    this.pos = p;
    return v;
  }

  /** An int32/enum varint as protobufjs reads it (low 32 bits, signed); 1–5 or 10 bytes. */
  int32(end: number): number {
    const b = this.b;
    let p = this.pos;
    let v = 0;
    let n = 0;
    for (;;) {
      if (p >= end) bail();
      const c = b[p++]!;
      if (n < 4) v |= (c & 0x7f) << (7 * n);
      else if (n === 4) v |= (c & 0x0f) << 28;
      n++;
      if (c < 0x80) break;
      if (n === 10) bail();
    }
    if (n > 5 && n !== 10) bail();
    this.pos = p;
    return v | 0;
  }

  /**
   * An int64 varint (at most 10 bytes) as protobufjs reads it: a number when it is a safe
   * integer, else a Long-like `{ low, high }` (both as `int64ToBigInt` takes them).
   */
  int64(end: number): ProtoInt64 {
    const b = this.b;
    let p = this.pos;
    let lo = 0;
    let hi = 0;
    let n = 0;
    for (;;) {
      if (p >= end) bail();
      const c = b[p++]!;
      if (n < 4) lo |= (c & 0x7f) << (7 * n);
      else if (n === 4) {
        lo |= (c & 0x7f) << 28;
        hi |= (c & 0x7f) >> 4;
      } else hi |= (c & 0x7f) << (7 * (n - 5) + 3);
      n++;
      if (c < 0x80) break;
      if (n === 10) bail();
    }
    this.pos = p;
    hi |= 0;
    if (hi >= -0x200000 && hi < 0x200000) {
      const v = hi * 0x100000000 + (lo >>> 0);
      if (Number.isSafeInteger(v)) return v;
    }
    return { low: lo | 0, high: hi, unsigned: false };
  }

  /** Skips a varint of at most 10 bytes. */
  skipVarint(end: number): void {
    const b = this.b;
    let p = this.pos;
    for (let n = 1; ; n++) {
      if (p >= end) bail();
      if (b[p++]! < 0x80) break;
      if (n === 10) bail();
    }
    this.pos = p;
  }

  float(end: number): number {
    if (end - this.pos < 4) bail();
    const v = this.#dv.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }

  double(end: number): number {
    if (end - this.pos < 8) bail();
    const v = this.#dv.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** A string field, decoded as protobufjs decodes it for this kind of buffer. */
  string(end: number): string {
    const n = this.len(end);
    const b = this.b;
    const s = this.pos;
    const e = s + n;
    this.pos = e;
    if (n <= 8) {
      // Short ASCII strings (most names) in one allocation, without a call into the runtime.
      let ascii = true;
      for (let i = s; i < e; i++) if (b[i]! >= 0x80) ascii = false;
      if (!ascii) return this.#utf8(s, e);
      switch (n) {
        case 0: return '';
        case 1: return String.fromCharCode(b[s]!);
        case 2: return String.fromCharCode(b[s]!, b[s + 1]!);
        case 3: return String.fromCharCode(b[s]!, b[s + 1]!, b[s + 2]!);
        case 4: return String.fromCharCode(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!);
        case 5: return String.fromCharCode(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!);
        case 6: return String.fromCharCode(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!);
        case 7: return String.fromCharCode(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!);
        default: return String.fromCharCode(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!);
      }
    }
    for (let i = s; i < e; i++) if (b[i]! >= 0x80) return this.#utf8(s, e);
    return this.isBuffer ? (b as unknown as { latin1Slice(s: number, e: number): string }).latin1Slice(s, e) : ASCII.decode(b.subarray(s, e));
  }

  /**
   * A string field whose few values repeat through a model (op types, domains): one string per
   * distinct short ASCII value of this reader, not one per field (the same text otherwise).
   */
  symbol(end: number): string {
    const start = this.pos;
    const n = this.len(end);
    const s = this.pos;
    const e = s + n;
    const b = this.b;
    let h = n;
    let ascii = n <= MAX_SYMBOL_BYTES;
    for (let i = s; ascii && i < e; i++) {
      const c = b[i]!;
      if (c >= 0x80) ascii = false;
      h = Math.imul(h ^ c, 0x01000193);
    }
    const hit = ascii ? this.#symbols.get(h) : undefined;
    if (hit !== undefined && hit.length === n) {
      let same = true;
      for (let i = 0; same && i < n; i++) if (hit.charCodeAt(i) !== b[s + i]) same = false;
      if (same) {
        this.pos = e;
        return hit;
      }
    }
    this.pos = start;
    const str = this.string(end);
    if (ascii) this.#symbols.set(h, str);
    return str;
  }

  #utf8(s: number, e: number): string {
    // protobufjs's own decoder may read past the end of a truncated sequence: give it the same view.
    return this.isBuffer ? (this.b as Buffer).toString('utf8', s, e) : pb.util.utf8.read(this.b.subarray(s, e), 0, e - s);
  }

  /** A bytes field: a view of the buffer (an empty Buffer when empty, as protobufjs gives). */
  bytes(end: number): Uint8Array {
    const n = this.len(end);
    const s = this.pos;
    this.pos = s + n;
    if (n === EMPTY_BUFFER_LENGTH) return Buffer.alloc(0);
    return this.b.subarray(s, s + n);
  }

  /** Skips a field of an unknown number (or a known one the caller does not keep). */
  skip(wt: number, end: number): void {
    if (wt === 0) this.skipVarint(end);
    else if (wt === 2) {
      const n = this.len(end);
      this.pos += n;
    }
    else {
      const n = wt === 1 ? 8 : 4;
      if (end - this.pos < n) bail();
      this.pos += n;
    }
  }
}

/** Packed or unpacked repeated values: calls `one` for each value of the field (wire type `wt`). */
export function repeated(r: WireReader, wt: number, scalarWt: number, end: number, one: (end: number) => void): void {
  if (wt === scalarWt) {
    one(end);
    return;
  }
  if (wt !== 2) bail();
  const n = r.len(end);
  const e = r.pos + n;
  while (r.pos < e) one(e);
}
