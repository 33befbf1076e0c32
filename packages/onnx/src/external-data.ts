import fs from 'node:fs';
import path from 'node:path';
import type { ExternalLocation, TensorSource } from '@mixprec/ir';
import { describeThrown } from './errors.js';

/**
 * External tensor data (`data_location: EXTERNAL`): resolving `location` safely inside the
 * model's folder, and reading `offset`/`length` ranges by file descriptor.
 *
 * Safety rules (each violation is a one-line error naming the model file and the tensor):
 * absolute locations, `..` segments, and paths whose real path (symlinks resolved) leaves the
 * model folder are rejected; so are the model file itself, anything but a regular file (FIFOs,
 * devices, folders), missing files and ranges past the end of the file.
 */

/** Thrown by this module; the caller adds the model file and tensor name. */
export class ExternalDataProblem extends Error {}

/** An open external-data file. Its descriptor closes when the handle is garbage collected. */
export class ExternalFile {
  readonly fd: number;
  readonly size: number;
  /** Real path of the file. */
  readonly realPath: string;
  /** `location` as written in the model, for messages. */
  readonly location: string;

  constructor(realPath: string, location: string) {
    this.realPath = realPath;
    this.location = location;
    // Non-blocking: opening a FIFO for reading would otherwise wait for a writer forever (a
    // hang the fuzzer found); the fstat below then rejects anything but a regular file.
    this.fd = fs.openSync(realPath, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
    try {
      const st = fs.fstatSync(this.fd);
      if (!st.isFile()) throw new ExternalDataProblem(`has external data location '${location}', which is not a regular file (a FIFO, device or folder); point it at a data file`);
      this.size = st.size;
    } catch (e) {
      fs.closeSync(this.fd);
      throw e;
    }
    FD_CLOSER.register(this, this.fd);
  }

  /** Reads `length` bytes at `offset` into `dst` (at `dstOffset`); throws on a short read. */
  readInto(dst: Uint8Array, offset: number, length: number): void {
    let done = 0;
    while (done < length) {
      const n = fs.readSync(this.fd, dst, done, Math.min(length - done, READ_CHUNK), offset + done);
      if (n === 0) throw new Error(`external data file '${this.location}' ended after ${offset + done} bytes (it changed since the model was loaded?)`);
      done += n;
    }
  }
}

const READ_CHUNK = 1 << 30;

/**
 * Closes descriptors of files (external data, big models read lazily) no tensor refers to any
 * more. This registry is a resource manager, not state that affects results.
 */
const FD_CLOSER = new FinalizationRegistry<number>((fd) => {
  try {
    fs.closeSync(fd);
  } catch {
    // already closed: nothing to do
  }
});

/** Closes `fd` once `owner` (the object that reads through it) has been garbage collected. */
export function closeWhenCollected(owner: object, fd: number): void {
  FD_CLOSER.register(owner, fd, owner);
}

/** Closes the descriptor of `owner` now (registered with {@link closeWhenCollected}). */
export function closeNow(owner: object, fd: number): void {
  FD_CLOSER.unregister(owner);
  fs.closeSync(fd);
}

/** Per-load cache of opened external files, keyed by real path. */
export class ExternalFiles {
  readonly #byPath = new Map<string, ExternalFile>();
  readonly #baseDir: string;
  #realBase: string | undefined;
  /** Real path of the model file itself, which no tensor may read its data from. */
  readonly #modelFile: string | undefined;

  constructor(baseDir: string, modelFile?: string) {
    this.#baseDir = baseDir;
    this.#modelFile = modelFile;
  }

  /** Real paths of the files opened so far. */
  get paths(): string[] {
    return [...this.#byPath.keys()];
  }

  /** Validates `location` and opens the file (once per real path). */
  open(location: string): ExternalFile {
    if (location === '') throw new ExternalDataProblem('has an empty external data location');
    if (path.isAbsolute(location) || path.win32.isAbsolute(location) || location.startsWith('/') || location.startsWith('\\')) {
      throw new ExternalDataProblem(`has an absolute external data location '${location}'; locations must be relative to the model's folder`);
    }
    if (location.split(/[\\/]/).some((seg) => seg === '..')) {
      throw new ExternalDataProblem(`has external data location '${location}' with a '..' segment; it must stay inside the model's folder`);
    }
    if (location.includes('\0')) throw new ExternalDataProblem('has an external data location containing a NUL byte');
    const realBase = (this.#realBase ??= realpath(this.#baseDir, 'the model folder'));
    const real = realpath(path.resolve(this.#baseDir, location), `external data file '${location}'`);
    if (!real.startsWith(realBase + path.sep)) {
      throw new ExternalDataProblem(`has external data location '${location}' that resolves outside the model's folder (through a symlink) to '${real}'`);
    }
    if (real === this.#modelFile) {
      throw new ExternalDataProblem(`has external data location '${location}', which is the model file itself; point it at a separate data file`);
    }
    let f = this.#byPath.get(real);
    if (f === undefined) {
      try {
        f = new ExternalFile(real, location);
      } catch (e) {
        if (e instanceof ExternalDataProblem) throw e;
        throw new ExternalDataProblem(`cannot open external data file '${location}': ${describeThrown(e)}`);
      }
      this.#byPath.set(real, f);
    }
    return f;
  }
}

function realpath(p: string, what: string): string {
  try {
    return fs.realpathSync(p);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ExternalDataProblem(`needs ${what}, which does not exist`);
    throw new ExternalDataProblem(`cannot resolve ${what}: ${describeThrown(e)}`);
  }
}

/** Parses `external_data` key/value pairs into an {@link ExternalLocation}. */
export function parseExternalEntries(entries: readonly (readonly [string, string])[]): ExternalLocation {
  let location: string | undefined;
  let offset: number | undefined;
  let length: number | undefined;
  let checksum: string | undefined;
  const extra: [string, string][] = [];
  for (const [k, v] of entries) {
    switch (k) {
      case 'location': location = v; break;
      case 'offset': offset = parseSize(v, 'offset'); break;
      case 'length': length = parseSize(v, 'length'); break;
      case 'checksum': checksum = v; break;
      default: extra.push([k, v]);
    }
  }
  if (location === undefined) throw new ExternalDataProblem('has data_location EXTERNAL but no \'location\' entry in external_data');
  return {
    location,
    ...(offset === undefined ? {} : { offset }),
    ...(length === undefined ? {} : { length }),
    ...(checksum === undefined ? {} : { checksum }),
    ...(extra.length === 0 ? {} : { extra }),
  };
}

function parseSize(v: string, key: string): number {
  if (!/^\d+$/.test(v.trim())) throw new ExternalDataProblem(`has external data ${key} '${v}', which is not a non-negative integer`);
  const n = Number(v.trim());
  if (!Number.isSafeInteger(n)) throw new ExternalDataProblem(`has external data ${key} ${v}, which is too large`);
  return n;
}

/** Checks the range of `loc` in `file` and returns [offset, length]. */
export function checkRange(file: ExternalFile, loc: ExternalLocation): [number, number] {
  const offset = loc.offset ?? 0;
  if (offset > file.size) {
    throw new ExternalDataProblem(`has external data offset ${offset} past the end of '${loc.location}' (${file.size} bytes)`);
  }
  const length = loc.length ?? file.size - offset;
  if (offset + length > file.size) {
    throw new ExternalDataProblem(`has external data range ${offset}+${length} past the end of '${loc.location}' (${file.size} bytes)`);
  }
  return [offset, length];
}

/** A lazy source over a range of an external file (reads each time, never caches). */
export class ExternalRangeSource implements TensorSource {
  constructor(readonly file: ExternalFile, readonly offset: number, readonly byteLength: number) {}

  get description(): string {
    return `${this.file.location} @ ${this.offset}+${this.byteLength}`;
  }

  read(): Uint8Array {
    const out = new Uint8Array(this.byteLength);
    this.file.readInto(out, this.offset, this.byteLength);
    return out;
  }

  /** Fills `dst` with the bytes `[byteOffset, byteOffset + dst.length)` of the tensor. */
  readInto(dst: Uint8Array, byteOffset: number): void {
    checkReadRange(this, dst, byteOffset);
    this.file.readInto(dst, this.offset + byteOffset, dst.length);
  }

  /** {@link stream} in 8 MiB chunks (whole elements of any type): the IR's streaming read. */
  readChunks(f: (chunk: Uint8Array) => void): void {
    this.stream(f);
  }

  /**
   * Passes the bytes to `write` in chunks through one reused buffer, so that copying a tensor
   * to another file never holds the whole tensor in memory. `write` must consume each chunk
   * before returning.
   */
  stream(write: (chunk: Uint8Array) => void, chunkSize = STREAM_CHUNK): void {
    const buf = new Uint8Array(Math.min(chunkSize, this.byteLength));
    for (let done = 0; done < this.byteLength;) {
      const n = Math.min(buf.length, this.byteLength - done);
      const view = buf.subarray(0, n);
      this.file.readInto(view, this.offset + done, n);
      write(view);
      done += n;
    }
  }
}

const STREAM_CHUNK = 8 * 1024 * 1024;

/** A lazy source over a range of an external file. */
export function externalSource(file: ExternalFile, offset: number, length: number): TensorSource {
  return new ExternalRangeSource(file, offset, length);
}

/** The range check of a file-backed source's `readInto`: `[byteOffset, byteOffset + dst.length)` must lie in it. */
export function checkReadRange(src: TensorSource, dst: Uint8Array, byteOffset: number): void {
  if (!Number.isSafeInteger(byteOffset) || byteOffset < 0 || byteOffset + dst.length > src.byteLength) {
    throw new RangeError(`${src.description}: cannot read ${dst.length} bytes at ${byteOffset} of ${src.byteLength}`);
  }
}
