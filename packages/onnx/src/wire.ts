/**
 * A small protobuf writer for the messages a big graph has thousands of (NodeProto,
 * ValueInfoProto with tensor types): it writes straight into one growing buffer, where
 * protobufjs would first build an object per message and a writer per encode. The bytes are
 * exactly those protobufjs writes for the same message (same field order, same varints, same
 * UTF-8 encoder), which the tests check.
 */
import { createRequire } from 'node:module';

interface Utf8 {
  length(s: string): number;
  write(s: string, buf: Uint8Array, offset: number): number;
}

// protobufjs's own UTF-8 coder, so that strings (even with lone surrogates) encode identically.
const utf8 = (createRequire(import.meta.url)('protobufjs/minimal') as { util: { utf8: Utf8 } }).util.utf8;

/** Bytes of `n` as a varint (n a non-negative safe integer). */
export function varintLength(n: number): number {
  let len = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 0x80);
    len++;
  }
  return len;
}

/** Bytes of a string field's payload. */
export function utf8Length(s: string): number {
  // ASCII (almost every name) is one byte per code unit.
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return utf8.length(s);
  return s.length;
}

/** Bytes of a length-delimited field with `len` payload bytes (field numbers below 16). */
export function fieldLength(len: number): number {
  return 1 + varintLength(len) + len;
}

export class Wire {
  #buf: Uint8Array;
  #pos = 0;

  constructor(capacity = 64 * 1024) {
    this.#buf = new Uint8Array(capacity);
  }

  get length(): number {
    return this.#pos;
  }

  #ensure(n: number): void {
    if (this.#pos + n <= this.#buf.length) return;
    const next = new Uint8Array(Math.max(this.#buf.length * 2, this.#pos + n));
    next.set(this.#buf.subarray(0, this.#pos));
    this.#buf = next;
  }

  /** Makes room for `n` more bytes (one allocation instead of growing step by step). */
  reserve(n: number): void {
    this.#ensure(n);
  }

  /** A non-negative safe integer as a varint. */
  varint(n: number): void {
    this.#ensure(10);
    const b = this.#buf;
    let p = this.#pos;
    while (n >= 0x80) {
      b[p++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    b[p++] = n;
    this.#pos = p;
  }

  /** An int64 field value (negative numbers as 10-byte two's complement, as protobufjs does). */
  int64(n: number): void {
    if (n >= 0) {
      this.varint(n);
      return;
    }
    let v = BigInt.asUintN(64, BigInt(n));
    this.#ensure(10);
    while (v >= 0x80n) {
      this.#buf[this.#pos++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.#buf[this.#pos++] = Number(v);
  }

  /** A field tag (field number and wire type). */
  tag(no: number, wireType: number): void {
    this.varint(no * 8 + wireType);
  }

  /** A string field (always written, also when empty). */
  string(no: number, s: string): void {
    this.tag(no, 2);
    const n = s.length;
    if (n < 0x80) {
      // Short ASCII (almost every name): one pass, the one-byte length written first.
      this.#ensure(1 + n);
      const b = this.#buf;
      const start = this.#pos;
      let p = start + 1;
      for (let i = 0; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) {
          p = -1;
          break;
        }
        b[p++] = c;
      }
      if (p >= 0) {
        b[start] = n;
        this.#pos = p;
        return;
      }
      // Not ASCII: the bytes written past the position are overwritten below.
    }
    const len = utf8Length(s);
    this.varint(len);
    this.#ensure(len);
    if (len === s.length) {
      const b = this.#buf;
      let p = this.#pos;
      for (let i = 0; i < s.length; i++) b[p++] = s.charCodeAt(i);
      this.#pos = p;
    } else {
      this.#pos += utf8.write(s, this.#buf, this.#pos);
    }
  }

  /**
   * Starts a length-delimited field whose payload is written next; returns the mark to pass
   * to {@link closeField}, which writes the length (one byte reserved; longer payloads move).
   */
  openField(no: number): number {
    this.tag(no, 2);
    this.#ensure(1);
    return this.#pos++;
  }

  /** Ends the field {@link openField} started at `mark`. */
  closeField(mark: number): void {
    const len = this.#pos - mark - 1;
    if (len < 0x80) {
      this.#buf[mark] = len;
      return;
    }
    const extra = varintLength(len) - 1;
    this.#ensure(extra);
    this.#buf.copyWithin(mark + 1 + extra, mark + 1, this.#pos);
    const end = this.#pos + extra;
    this.#pos = mark;
    this.varint(len);
    this.#pos = end;
  }

  /** A length-delimited field with the given payload. */
  bytes(no: number, payload: Uint8Array): void {
    this.tag(no, 2);
    this.varint(payload.length);
    this.raw(payload);
  }

  /** Bytes as they are (an already framed field). */
  raw(payload: Uint8Array): void {
    this.#ensure(payload.length);
    this.#buf.set(payload, this.#pos);
    this.#pos += payload.length;
  }

  /** A varint field. */
  varintField(no: number, n: number): void {
    this.tag(no, 0);
    this.varint(n);
  }

  /** A copy of the bytes written so far. */
  finish(): Uint8Array {
    return this.#buf.slice(0, this.#pos);
  }

  /** A view of the bytes written so far (valid until the next write or reset). */
  view(): Uint8Array {
    return this.#buf.subarray(0, this.#pos);
  }

  reset(): void {
    this.#pos = 0;
  }
}
