/**
 * Typed errors of the ONNX loader and saver. Each carries the file concerned and a one-line
 * message that says what is wrong, where, and what to do.
 */

/** Why a model (or tensor) file could not be loaded. */
export type LoadError =
  | { readonly _tag: 'FileNotFound'; readonly file: string; readonly message: string }
  | { readonly _tag: 'ReadError'; readonly file: string; readonly message: string }
  /** The bytes are not a well-formed protobuf message (corrupt or truncated file). */
  | { readonly _tag: 'DecodeError'; readonly file: string; readonly message: string }
  /** The message decodes but breaks a rule of the ONNX format (names, tensors, attributes). */
  | {
    readonly _tag: 'InvalidModel'; readonly file: string; readonly message: string;
    readonly graph?: string; readonly node?: string; readonly value?: string;
  }
  | { readonly _tag: 'ExternalDataError'; readonly file: string; readonly tensor: string; readonly message: string }
  | { readonly _tag: 'UnsupportedFeature'; readonly file: string; readonly message: string };

/** Why a model could not be saved. */
export type SaveError =
  /** The saver refused: e.g. the output would replace the model's own input file. */
  | { readonly _tag: 'Refused'; readonly file: string; readonly message: string }
  /** The model does not fit the format (e.g. over 2 GiB inline with external data disabled). */
  | { readonly _tag: 'EncodeError'; readonly file: string; readonly message: string }
  /** Reading a lazily loaded tensor failed while writing. */
  | { readonly _tag: 'SourceError'; readonly file: string; readonly message: string }
  | { readonly _tag: 'WriteError'; readonly file: string; readonly message: string };

const LOAD_LABEL: Readonly<Record<LoadError['_tag'], string>> = Object.freeze({
  FileNotFound: 'file not found',
  ReadError: 'cannot read',
  DecodeError: 'not a valid ONNX protobuf',
  InvalidModel: 'invalid model',
  ExternalDataError: 'external data',
  UnsupportedFeature: 'unsupported',
});

/**
 * One line: `<file>: <label>: <message>`. Names from a hostile file can hold line breaks or
 * bidi overrides; they are escaped (`\n`, `\u202e`) so the message stays one honest line.
 */
export function formatLoadError(e: LoadError): string {
  return oneLine(`${e.file}: ${LOAD_LABEL[e._tag]}: ${e.message}`);
}

/** One line: `<file>: <message>` (control characters escaped, as in {@link formatLoadError}). */
export function formatSaveError(e: SaveError): string {
  return oneLine(`${e.file}: ${e.message}`);
}

/** Escapes C0/C1 controls, line/paragraph separators and bidi overrides as `\n`, `\uXXXX`. */
function oneLine(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

/**
 * Internal: thrown inside the decoder and caught at the public entry points, which return it
 * as a `Left`. Never escapes this package.
 */
export class LoadFailure extends Error {
  constructor(readonly error: LoadError) {
    super(error.message);
  }
}

/** Internal counterpart of {@link LoadFailure} for the saver. */
export class SaveFailure extends Error {
  constructor(readonly error: SaveError) {
    super(error.message);
  }
}

/** A short description of an unknown thrown value, for messages. */
export function describeThrown(e: unknown): string {
  if (e instanceof Error) return e.message.split('\n')[0] ?? e.name;
  return String(e);
}
