/**
 * The pieces a streamed protobuf message is made of: encoded bytes, deferred payloads (tensor
 * bytes read only when written) and nested sequences. Sizes are known up front, so length
 * prefixes are written before the payloads, one tensor in memory at a time.
 */

/** A payload of known size produced only when written (e.g. a lazy tensor's bytes). */
export interface Deferred {
  readonly size: number;
  /** Passes the bytes to `write`, in one or more calls totalling `size` bytes. */
  emit(write: (bytes: Uint8Array) => void): void;
}

export type Piece = Uint8Array | Deferred | Seq;

/** A sequence of pieces with its total size. */
export class Seq {
  readonly parts: Piece[] = [];
  size = 0;

  add(p: Piece): this {
    this.parts.push(p);
    this.size += p instanceof Uint8Array ? p.length : p.size;
    return this;
  }

  /** Adds a length-delimited field: tag, length, then `content`. */
  field(fieldNo: number, content: Piece): this {
    const len = content instanceof Uint8Array ? content.length : content.size;
    return this.add(lengthHeader(fieldNo, len)).add(content);
  }
}

/** Bytes of a varint. */
export function varint(n: number): Uint8Array {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`varint out of range: ${n}`);
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return Uint8Array.from(out);
}

/** Tag (wire type 2) and length prefix of a length-delimited field. */
export function lengthHeader(fieldNo: number, length: number): Uint8Array {
  const tag = varint(fieldNo * 8 + 2);
  const len = varint(length);
  const out = new Uint8Array(tag.length + len.length);
  out.set(tag, 0);
  out.set(len, tag.length);
  return out;
}

/** Passes every byte of `p`, in order, to `write`. */
export function emit(p: Piece, write: (bytes: Uint8Array) => void): void {
  if (p instanceof Uint8Array) {
    if (p.length > 0) write(p);
  } else if (p instanceof Seq) {
    for (const q of p.parts) emit(q, write);
  } else {
    let n = 0;
    p.emit((b) => {
      n += b.length;
      if (n > p.size) throw new Error(`a payload produced more bytes than its declared ${p.size}`);
      write(b);
    });
    if (n !== p.size) throw new Error(`a payload produced ${n} bytes instead of its declared ${p.size}`);
  }
}

/** All of `p` in one new buffer. */
export function concat(p: Piece): Uint8Array {
  const out = new Uint8Array(p instanceof Uint8Array ? p.length : p.size);
  let at = 0;
  emit(p, (b) => {
    out.set(b, at);
    at += b.length;
  });
  return out;
}

/** One field of a message being framed: its number and its encoded bytes (tag included). */
export interface Part {
  readonly no: number;
  readonly piece: Piece;
}

/** Joins parts in field-number order (stable), as the reference writer orders fields. */
export function joinParts(parts: Part[]): Seq {
  const seq = new Seq();
  const sorted = parts.map((p, i) => [p, i] as const).sort((a, b) => a[0].no - b[0].no || a[1] - b[1]);
  for (const [p] of sorted) seq.add(p.piece);
  return seq;
}
