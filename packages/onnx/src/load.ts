import fs from 'node:fs';
import path from 'node:path';
import { err, ok, type Model, type Result, type Tensor } from '@mixprec/ir';
import { LoadFailure, describeThrown, type LoadError } from './errors.js';
import { EXTRAS, withExtras } from './extras.js';
import { ExternalFiles } from './external-data.js';
import { modelFromProto } from './model-decode.js';
import { decodeModelProto, decodeTensorProto } from './proto.js';
import { readWholeFile } from './read-file.js';
import { tensorFromProto } from './tensor-decode.js';

/**
 * How external tensor data is read: `lazy` tensors read their bytes from the external file on
 * each use (never cached; the descriptor stays open while a tensor refers to the file), `eager`
 * reads everything at load time. `auto` (the default) is eager when the model's external files
 * total at most {@link AUTO_EAGER_LIMIT} bytes, else lazy.
 */
export type ExternalDataMode = 'lazy' | 'eager' | 'auto';

/** External data up to this size (256 MiB in all files together) is read eagerly in `auto` mode. */
export const AUTO_EAGER_LIMIT = 256 * 1024 * 1024;

export interface DecodeOptions {
  /** Folder that external-data locations are relative to (the model's folder). */
  readonly baseDir?: string;
  /** How to read external data; default `auto`. */
  readonly externalData?: ExternalDataMode;
  /** Name of the input for messages (default `<bytes>`). */
  readonly file?: string;
}

export type LoadOptions = Omit<DecodeOptions, 'file' | 'baseDir'> & { readonly baseDir?: string };

/** Decodes a model from bytes. External data resolves against `options.baseDir`. */
export function decodeModel(bytes: Uint8Array, options: DecodeOptions = {}): Result<LoadError, Model> {
  const file = options.file ?? '<bytes>';
  let proto;
  try {
    proto = decodeModelProto(bytes);
  } catch (e) {
    return err({ _tag: 'DecodeError', file, message: `${describeThrown(e)} (the file is corrupt or truncated, or not an ONNX model)` });
  }
  const mode = options.externalData ?? 'auto';
  const external = options.baseDir === undefined ? undefined : new ExternalFiles(options.baseDir, realFile(options.file));
  const run = (eager: boolean): Model => modelFromProto(proto, { file, external, eager });
  try {
    let model = run(mode === 'eager');
    if (mode === 'auto' && external !== undefined && external.paths.length > 0) {
      let total = 0;
      for (const p of external.paths) total += fs.statSync(p).size;
      if (total <= AUTO_EAGER_LIMIT) model = run(true);
    }
    if (external !== undefined && external.paths.length > 0) {
      model.extras = withExtras(model.extras, { [EXTRAS.externalFiles]: external.paths });
    }
    return ok(model);
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
  const read = readFile(file);
  if (read._tag === 'Left') return read;
  const r = decodeModel(read.right, { ...options, file, baseDir: options.baseDir ?? path.dirname(path.resolve(file)) });
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

function readFile(file: string): Result<LoadError, Buffer> {
  try {
    return ok(readWholeFile(file));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return err({ _tag: 'FileNotFound', file, message: 'no such file; check the path' });
    return err({ _tag: 'ReadError', file, message: describeThrown(e) });
  }
}
