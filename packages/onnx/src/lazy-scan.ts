/**
 * The big-model load: reads a model file's protobuf structure without reading its large
 * weights. The main graph's initializers whose `raw_data` holds at least `minRaw` bytes keep
 * their bytes in the file; everything else (nodes, value infos, small tensors, every other
 * field) is copied into one compact buffer: a valid ModelProto in which each skipped payload is
 * an empty raw_data, whose position is mapped to the payload's place in the file. The direct
 * decoder then decodes that buffer and makes those tensors lazy, file-backed ones.
 *
 * The graph and initializer messages are re-framed with 5-byte length prefixes (valid
 * protobuf, which both decoders accept), written first and patched once their size is known.
 * Anything unusual (a field of an unexpected wire type, framing past its message, over-long
 * varints) bails; the caller then reads the whole file and decodes it the ordinary way.
 */
import type { FileRaw } from './direct-messages.js';
import type { ModelFile } from './model-file.js';
import { bail } from './wire-read.js';

/** The compact model and where its placeholder payloads are in the file. */
export interface ScanResult {
  readonly bytes: Buffer;
  /** Position of each placeholder raw_data's length prefix in `bytes` → its payload in the file. */
  readonly fileRaws: Map<number, FileRaw>;
}

/** Bytes read from the file at a time for the structure (the weights between are skipped). */
const WINDOW = 64 * 1024;

const MODEL = 0;
const GRAPH = 1;
const TENSOR = 2;

class Scanner {
  readonly #file: ModelFile;
  readonly #win = Buffer.allocUnsafeSlow(WINDOW);
  #winStart = 0;
  #winEnd = 0;
  #out = Buffer.allocUnsafeSlow(1 << 20);
  #len = 0;
  /** The position after the last varint read. */
  pos = 0;
  readonly fileRaws = new Map<number, FileRaw>();

  constructor(file: ModelFile, readonly minRaw: number) {
    this.#file = file;
  }

  get result(): ScanResult {
    return { bytes: this.#out.subarray(0, this.#len), fileRaws: this.fileRaws };
  }

  #fill(pos: number): void {
    const n = Math.min(WINDOW, this.#file.size - pos);
    if (n <= 0) bail();
    this.#file.read(this.#win.subarray(0, n), pos, 'the model structure');
    this.#winStart = pos;
    this.#winEnd = pos + n;
  }

  #byte(pos: number): number {
    if (pos < this.#winStart || pos >= this.#winEnd) this.#fill(pos);
    return this.#win[pos - this.#winStart]!;
  }

  /** A varint of at most `max` bytes ending by `end`, below 2^32 when `max` is 5; sets {@link pos}. */
  varint(at: number, end: number, max: number): number {
    let v = 0;
    let scale = 1;
    for (let n = 1; ; n++) {
      if (at >= end) bail();
      const c = this.#byte(at++);
      v += (c & 0x7f) * scale;
      if (c < 0x80) break;
      if (n === max) bail();
      scale *= 128;
    }
    if (max === 5 && v > 0xffffffff) bail();
    this.pos = at;
    return v;
  }

  #ensure(n: number): void {
    if (this.#len + n <= this.#out.length) return;
    // The compact model is never much bigger than the file (a model whose weights are all in
    // nodes is copied whole): capping the doubling there bounds the peak at about 1.5 times it.
    const next = Buffer.allocUnsafeSlow(Math.max(this.#len + n, Math.min(this.#out.length * 2, this.#file.size + 1024)));
    this.#out.copy(next, 0, 0, this.#len);
    this.#out = next;
  }

  #writeVarint(v: number): void {
    this.#ensure(10);
    while (v >= 0x80) {
      this.#out[this.#len++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.#out[this.#len++] = v;
  }

  /** Copies the file bytes `[pos, pos + n)` to the output. */
  #copy(pos: number, n: number): void {
    this.#ensure(n);
    if (n > WINDOW) {
      this.#file.read(this.#out.subarray(this.#len, this.#len + n), pos, 'the model structure');
    } else {
      if (pos < this.#winStart || pos + n > this.#winEnd) this.#fill(pos);
      this.#win.copy(this.#out, this.#len, pos - this.#winStart, pos - this.#winStart + n);
    }
    this.#len += n;
  }

  /** Scans the body `[start, end)` of a message of `kind`, writing its compact form. */
  message(kind: number, start: number, end: number): void {
    let pos = start;
    while (pos < end) {
      const tag = this.varint(pos, end, 5);
      const no = Math.floor(tag / 8);
      const wt = tag % 8;
      if (wt === 3 || wt === 4 || wt > 5) bail();
      const descend = (kind === MODEL && no === 7) || (kind === GRAPH && no === 5) || (kind === TENSOR && no === 9);
      let fieldEnd: number;
      if (wt === 2) {
        const len = this.varint(this.pos, end, 5);
        const body = this.pos;
        fieldEnd = body + len;
        if (fieldEnd > end) bail();
        if (descend && kind !== TENSOR) {
          this.#writeVarint(tag);
          this.#ensure(5);
          const at = this.#len;
          this.#len += 5;
          this.message(kind + 1, body, fieldEnd);
          this.#patch5(at, this.#len - at - 5);
        } else if (descend && len >= this.minRaw) {
          this.#writeVarint(tag);
          this.fileRaws.set(this.#len, { offset: body, length: len });
          this.#writeVarint(0);
        } else {
          this.#copy(pos, fieldEnd - pos);
        }
      } else {
        if (descend) bail();
        if (wt === 0) {
          this.varint(this.pos, end, 10);
          fieldEnd = this.pos;
        } else {
          fieldEnd = this.pos + (wt === 1 ? 8 : 4);
          if (fieldEnd > end) bail();
        }
        this.#copy(pos, fieldEnd - pos);
      }
      pos = fieldEnd;
    }
  }

  #patch5(at: number, v: number): void {
    if (v > 0xffffffff) bail();
    const o = this.#out;
    o[at] = (v & 0x7f) | 0x80;
    o[at + 1] = ((v >>> 7) & 0x7f) | 0x80;
    o[at + 2] = ((v >>> 14) & 0x7f) | 0x80;
    o[at + 3] = ((v >>> 21) & 0x7f) | 0x80;
    o[at + 4] = (v >>> 28) & 0x0f;
  }
}

/**
 * Scans the model file; throws `Bail` when the structure is not plain enough to scan (the caller
 * then reads the whole file), or the file's read error.
 */
export function scanModelFile(file: ModelFile, minRaw: number): ScanResult {
  const s = new Scanner(file, Math.max(1, minRaw));
  s.message(MODEL, 0, file.size);
  return s.result;
}
