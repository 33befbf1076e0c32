import fs from 'node:fs';
import type { TensorSource } from '@mixprec/ir';
import { checkReadRange, closeNow, closeWhenCollected } from './external-data.js';

/** Bytes per chunk of a streaming read (whole elements of every type). */
export const FILE_CHUNK = 4 * 1024 * 1024;

/**
 * A model file opened for a big-model load: tensors whose raw_data stays in the file read it
 * through this descriptor, opened once at load time. Reading by descriptor (not by path) means
 * a save that replaces the input file (write to a temporary, rename over the input: what
 * `saveModel` does, e.g. for `--in-place`) does not disturb the tensors, which still read the
 * old bytes; a file truncated or rewritten in place, however, is read as it is now (a short read
 * is an error naming the file and the tensor). The descriptor stays open as long as a tensor
 * refers to the file and is closed when the last one is garbage collected, as for external data.
 */
export class ModelFile {
  readonly fd: number;
  readonly size: number;
  /** The path given to the loader, for messages. */
  readonly path: string;
  #scratch: Buffer | undefined;
  #busy = false;

  private constructor(path: string, fd: number, size: number) {
    this.path = path;
    this.fd = fd;
    this.size = size;
    closeWhenCollected(this, fd);
  }

  /** Opens a regular file; undefined for anything else (folders, FIFOs, devices). Throws fs errors. */
  static open(path: string): ModelFile | undefined {
    const fd = fs.openSync(path, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
    let st: fs.Stats;
    try {
      st = fs.fstatSync(fd);
    } catch (e) {
      fs.closeSync(fd);
      throw e;
    }
    if (!st.isFile()) {
      fs.closeSync(fd);
      return undefined;
    }
    return new ModelFile(path, fd, st.size);
  }

  /** Closes the descriptor now: only when no tensor reads from this file. */
  close(): void {
    closeNow(this, this.fd);
  }

  /** Fills `dst` with the file's bytes at `position`; `what` names the reader for the error of a short read. */
  read(dst: Uint8Array, position: number, what: string): void {
    let done = 0;
    while (done < dst.length) {
      const n = fs.readSync(this.fd, dst, done, Math.min(dst.length - done, 1 << 30), position + done);
      if (n === 0) {
        let now = `${position + done}`;
        try {
          now = `${fs.fstatSync(this.fd).size}`;
        } catch {
          // keep the position where the read stopped
        }
        throw new Error(`'${this.path}' has ${now} bytes now, too few for ${what}: the file changed after the model was loaded (truncated?); load it again`);
      }
      done += n;
    }
  }

  /** A lazy source over `length` bytes at `offset`, named `what` (e.g. `main graph: initializer 'w'`). */
  source(offset: number, length: number, what: string): TensorSource {
    return new FileRangeSource(this, offset, length, what);
  }

  /** A buffer of {@link FILE_CHUNK} bytes for one streaming read: the shared one unless in use (nested reads). */
  borrow(): Buffer {
    if (this.#busy) return Buffer.allocUnsafeSlow(FILE_CHUNK);
    this.#busy = true;
    return (this.#scratch ??= Buffer.allocUnsafeSlow(FILE_CHUNK));
  }

  giveBack(b: Buffer): void {
    if (b === this.#scratch) this.#busy = false;
  }
}

/** A tensor's raw_data left in the model file: read on each use, never cached. */
export class FileRangeSource implements TensorSource {
  constructor(readonly file: ModelFile, readonly offset: number, readonly byteLength: number, readonly what: string) {}

  get description(): string {
    return `${this.what} (raw_data at ${this.offset}+${this.byteLength} in '${this.file.path}')`;
  }

  read(): Uint8Array {
    const out = new Uint8Array(this.byteLength);
    this.file.read(out, this.offset, this.description);
    return out;
  }

  readInto(dst: Uint8Array, byteOffset: number): void {
    checkReadRange(this, dst, byteOffset);
    this.file.read(dst, this.offset + byteOffset, this.description);
  }

  /** Streams the bytes in chunks of up to {@link FILE_CHUNK} through one reused buffer. */
  readChunks(f: (chunk: Uint8Array) => void): void {
    const buf = this.file.borrow();
    try {
      for (let done = 0; done < this.byteLength;) {
        const n = Math.min(buf.length, this.byteLength - done);
        const view = buf.subarray(0, n);
        this.file.read(view, this.offset + done, this.description);
        f(view);
        done += n;
      }
    } finally {
      this.file.giveBack(buf);
    }
  }
}
