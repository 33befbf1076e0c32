import fs from 'node:fs';
import path from 'node:path';
import { err, ok, type Model, type Result, type Tensor } from '@mixprec/ir';
import { LoadFailure, describeThrown, type LoadError } from './errors.js';
import { EXTRAS, withExtras } from './extras.js';
import { ExternalFiles } from './external-data.js';
import { decodeDirect } from './direct-model.js';
import { scanModelFile } from './lazy-scan.js';
import { modelFromProto } from './model-decode.js';
import { ModelFile } from './model-file.js';
import { decodeModelProto, decodeTensorProto, type ModelProto } from './proto.js';
import { readWholeFile } from './read-file.js';
import { tensorFromProto, type TensorContext } from './tensor-decode.js';

/**
 * How external tensor data is read: `lazy` tensors read their bytes from the external file on
 * each use (never cached; the descriptor stays open while a tensor refers to the file), `eager`
 * reads everything at load time. `auto` (the default) is eager when the model's external files
 * total at most {@link AUTO_EAGER_LIMIT} bytes, else lazy.
 */
export type ExternalDataMode = 'lazy' | 'eager' | 'auto';

/** External data up to this size (256 MiB in all files together) is read eagerly in `auto` mode. */
export const AUTO_EAGER_LIMIT = 256 * 1024 * 1024;

/**
 * How tensor bytes stored in the model file itself (`raw_data`) are read by {@link loadModel}:
 * `eager` reads the whole file into memory (tensors are views of it); `lazy` reads only the
 * model's structure and leaves every main-graph initializer of at least `lazyTensorBytes`
 * (default {@link LAZY_TENSOR_BYTES}) in the file, as a lazy tensor that reads (or streams) its
 * bytes through a descriptor opened at load time (see `ModelFile`); `auto` (the default) is lazy
 * for files of at least `lazyFileBytes` (default {@link AUTO_LAZY_FILE_BYTES}), else eager.
 * Models given as bytes are always eager.
 */
export type InlineDataMode = 'lazy' | 'eager' | 'auto';

/** Model files of at least this size (64 MiB) are loaded lazily in `auto` mode. */
export const AUTO_LAZY_FILE_BYTES = 64 * 1024 * 1024;

/** In a lazy load, raw_data payloads of at least this size (64 KiB) stay in the file. */
export const LAZY_TENSOR_BYTES = 64 * 1024;

export interface DecodeOptions {
  /** Folder that external-data locations are relative to (the model's folder). */
  readonly baseDir?: string;
  /** How to read external data; default `auto`. */
  readonly externalData?: ExternalDataMode;
  /** Name of the input for messages (default `<bytes>`). */
  readonly file?: string;
}

export interface LoadOptions extends Omit<DecodeOptions, 'file' | 'baseDir'> {
  readonly baseDir?: string;
  /** How raw_data in the model file is read; default `auto`. */
  readonly inlineData?: InlineDataMode;
  /** The file size from which `auto` loads lazily (default {@link AUTO_LAZY_FILE_BYTES}). */
  readonly lazyFileBytes?: number;
  /** The raw_data size from which a lazy load leaves a tensor in the file (default {@link LAZY_TENSOR_BYTES}). */
  readonly lazyTensorBytes?: number;
}

/**
 * Builds a model with `build`, applying the external-data mode (`auto` may build twice: lazily,
 * then eagerly once the external files are known to be small). Throws what `build` throws.
 */
function buildModel(options: DecodeOptions, build: (ctx: TensorContext) => Model): Model {
  const file = options.file ?? '<bytes>';
  const mode = options.externalData ?? 'auto';
  const external = options.baseDir === undefined ? undefined : new ExternalFiles(options.baseDir, realFile(options.file));
  const run = (eager: boolean): Model => build({ file, external, eager });
  let model = run(mode === 'eager');
  if (mode === 'auto' && external !== undefined && external.paths.length > 0) {
    let total = 0;
    for (const p of external.paths) total += fs.statSync(p).size;
    if (total <= AUTO_EAGER_LIMIT) model = run(true);
  }
  if (external !== undefined && external.paths.length > 0) {
    model.extras = withExtras(model.extras, { [EXTRAS.externalFiles]: external.paths });
  }
  return model;
}

/**
 * Decodes a model from bytes. External data resolves against `options.baseDir`.
 *
 * The direct decoder (direct-model.ts) builds the model straight from the bytes; for input it
 * does not accept (anything malformed or invalid) the reference path — wire check, protobufjs,
 * proto → IR — decodes it again and reports the error.
 */
export function decodeModel(bytes: Uint8Array, options: DecodeOptions = {}): Result<LoadError, Model> {
  try {
    return ok(buildModel(options, (ctx) => decodeDirect(bytes, ctx)));
  } catch {
    return decodeModelReference(bytes, options);
  }
}

/** {@link decodeModel} by the reference path (protobufjs messages, then proto → IR). */
export function decodeModelReference(bytes: Uint8Array, options: DecodeOptions = {}): Result<LoadError, Model> {
  const file = options.file ?? '<bytes>';
  let proto: ModelProto;
  try {
    proto = decodeModelProto(bytes);
  } catch (e) {
    return err({ _tag: 'DecodeError', file, message: `${describeThrown(e)} (the file is corrupt or truncated, or not an ONNX model)` });
  }
  try {
    return ok(buildModel(options, (ctx) => modelFromProto(proto, ctx)));
  } catch (e) {
    if (e instanceof LoadFailure) return err(e.error);
    // Anything else is a malformed message the checks above did not anticipate (or a bug);
    // either way the caller gets a typed error, never an exception.
    return err({ _tag: 'InvalidModel', file, message: `cannot build the model: ${describeThrown(e)}` });
  }
}

/**
 * Loads an ONNX model from a file (or bytes). External data is resolved inside the model's
 * folder only; see {@link ExternalDataMode}.
 */
export function loadModel(pathOrBytes: string | Uint8Array, options: LoadOptions = {}): Result<LoadError, Model> {
  if (typeof pathOrBytes !== 'string') return decodeModel(pathOrBytes, options);
  const file = pathOrBytes;
  const decodeOptions: DecodeOptions = { ...options, file, baseDir: options.baseDir ?? path.dirname(path.resolve(file)) };
  const lazy = openLazy(file, options);
  if (lazy !== undefined && lazy._tag === 'Left') return lazy;
  let r: Result<LoadError, Model>;
  if (lazy !== undefined) {
    r = loadLazy(lazy.right, decodeOptions, options.lazyTensorBytes ?? LAZY_TENSOR_BYTES);
  } else {
    const read = readFile(file);
    if (read._tag === 'Left') return read;
    r = decodeModel(read.right, decodeOptions);
  }
  if (r._tag === 'Right') r.right.extras = withExtras(r.right.extras, { [EXTRAS.source]: path.resolve(file) });
  return r;
}

/** Loads a serialized TensorProto (e.g. `test_data_set_0/input_0.pb`). */
export function loadTensor(pathOrBytes: string | Uint8Array, options: LoadOptions = {}): Result<LoadError, Tensor> {
  let bytes: Uint8Array;
  let file = '<bytes>';
  let baseDir = options.baseDir;
  if (typeof pathOrBytes === 'string') {
    file = pathOrBytes;
    const read = readFile(file);
    if (read._tag === 'Left') return read;
    bytes = read.right;
    baseDir ??= path.dirname(path.resolve(file));
  } else {
    bytes = pathOrBytes;
  }
  let proto;
  try {
    proto = decodeTensorProto(bytes);
  } catch (e) {
    return err({ _tag: 'DecodeError', file, message: `${describeThrown(e)} (the file is corrupt or truncated, or not a TensorProto)` });
  }
  try {
    const external = baseDir === undefined ? undefined : new ExternalFiles(baseDir);
    return ok(tensorFromProto(proto, { file, external, eager: options.externalData !== 'lazy' }, `tensor '${proto.name}'`));
  } catch (e) {
    if (e instanceof LoadFailure) return err(e.error);
    return err({ _tag: 'InvalidModel', file, message: `cannot build the tensor: ${describeThrown(e)}` });
  }
}

/** The real path of `file` when it names an existing file, else undefined (a label such as `<bytes>`). */
function realFile(file: string | undefined): string | undefined {
  if (file === undefined) return undefined;
  try {
    return fs.statSync(file).isFile() ? fs.realpathSync(file) : undefined;
  } catch {
    return undefined;
  }
}

/** The model file opened for a lazy load, or undefined when it is to be read whole. */
function openLazy(file: string, options: LoadOptions): Result<LoadError, ModelFile> | undefined {
  const mode = options.inlineData ?? 'auto';
  if (mode === 'eager') return undefined;
  if (mode === 'auto') {
    let size: number;
    try {
      size = fs.statSync(file).size;
    } catch {
      return undefined; // readFile reports it
    }
    if (size < (options.lazyFileBytes ?? AUTO_LAZY_FILE_BYTES)) return undefined;
  }
  try {
    const mf = ModelFile.open(file);
    return mf === undefined ? undefined : ok(mf);
  } catch {
    return undefined; // readFile reports it
  }
}

/**
 * A lazy load: the structure is scanned and decoded directly, big raw_data stays in the file.
 * When the scan or the direct decoder bails, the whole file is read and decoded as usual.
 */
function loadLazy(mf: ModelFile, options: DecodeOptions, minRaw: number): Result<LoadError, Model> {
  try {
    const scan = scanModelFile(mf, minRaw);
    const model = buildModel(options, (ctx) => decodeDirect(scan.bytes, { ...ctx, modelFile: mf }, scan.fileRaws));
    if (scan.fileRaws.size === 0) mf.close();
    return ok(model);
  } catch {
    // Fall back: the whole file, the ordinary way (which also reports any error).
  }
  const buf = Buffer.allocUnsafe(mf.size);
  try {
    mf.read(buf, 0, 'the model');
  } catch (e) {
    return err({ _tag: 'ReadError', file: mf.path, message: describeThrown(e) });
  } finally {
    mf.close();
  }
  return decodeModel(buf, options);
}

function readFile(file: string): Result<LoadError, Buffer> {
  try {
    return ok(readWholeFile(file));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return err({ _tag: 'FileNotFound', file, message: 'no such file; check the path' });
    return err({ _tag: 'ReadError', file, message: describeThrown(e) });
  }
}
