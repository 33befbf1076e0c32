import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DataType, err, isKnownDataType, ok, type Model, type Result, type Tensor } from '@mixprec/ir';
import { SaveFailure, describeThrown, type SaveError } from './errors.js';
import { EXTRAS, getExtra } from './extras.js';
import { modelSeq } from './model-encode.js';
import { concat, emit, Seq, type Piece } from './pieces.js';
import { rawPayload, type ExternalPlacement, type ExternalSink } from './tensor-encode.js';

/** Protobuf messages (and ONNX Runtime) stop at 2 GiB. */
export const PROTOBUF_LIMIT = 2 ** 31 - 1;

export interface ExternalDataOptions {
  /** File name of the data file, relative to the model's folder; default `<model basename>.data`. */
  readonly location?: string;
  /**
   * Initializers of at least this many bytes go external (default 1024), except scalars and
   * short vectors that may be shape operands (see {@link isShapeOperand}): those stay inline,
   * also with threshold 0, so that runtimes can load the model.
   */
  readonly threshold?: number;
  /** Every initializer (except strings) goes external, whatever its size and shape (for tests and tools: runtimes may then fail to load the model). */
  readonly all?: boolean;
  /**
   * Tensor-valued attributes (Constant nodes' `value`, in every graph) follow the same rule as
   * initializers. Default false; the automatic over-2-GiB fallback turns it on when moving the
   * initializers alone is not enough.
   */
  readonly attributes?: boolean;
}

export interface SaveOptions {
  /**
   * `false`: everything inline (an error above 2 GiB). An object: initializers go to a data
   * file beside the model. Default: inline, unless the model would exceed 2 GiB (then as `{}`,
   * and `{ attributes: true }` if that is not enough) or was loaded with external data (then as
   * `{ attributes: true }`, and every tensor that was external stays external).
   */
  readonly externalData?: false | ExternalDataOptions;
  /** The model's input file, for the overwrite check (default: the file it was loaded from). */
  readonly inputPath?: string;
  /** Allow replacing the input model (or its data files); safe, as writes go to a temp file first. */
  readonly allowOverwriteInput?: boolean;
}

export interface SaveInfo {
  readonly file: string;
  readonly bytes: number;
  /** The external-data file, when one was written. */
  readonly dataFile?: string;
  readonly dataBytes?: number;
  /** Number of tensors written to the data file. */
  readonly externalTensors: number;
  /** Temporary files of this target (and its data file) left by saving processes that no longer exist, removed before writing. */
  readonly removedTemps?: readonly string[];
}

/** Options of {@link encodeModel}. */
export interface EncodeOptions {
  /** Allow results over 2 GiB (not loadable by protobuf readers; for tests and tools). */
  readonly allowOversize?: boolean;
}

/**
 * Encodes a model into one buffer (all tensors inline). Deterministic. Throws an Error for
 * models above 2 GiB (use {@link saveModel}, which moves weights to external data).
 */
export function encodeModel(model: Model, options: EncodeOptions = {}): Uint8Array {
  const seq = modelSeq(model, { sink: undefined });
  if (seq.size > PROTOBUF_LIMIT && options.allowOversize !== true) {
    throw new Error(`the model encodes to ${seq.size} bytes, over the 2 GiB protobuf limit; save it with external data`);
  }
  return concat(seq);
}

/** Most elements of a tensor that may be a shape operand and so stays inline (see {@link isShapeOperand}). */
export const SHAPE_OPERAND_MAX_ELEMENTS = 64;

/**
 * Scalars and short vectors (rank ≤ 1, at most {@link SHAPE_OPERAND_MAX_ELEMENTS} elements) may
 * be shape operands — Reshape shapes, Resize scales, Squeeze axes, Pad pads, ConstantOfShape
 * shapes — which runtimes read while loading the model: ONNX shape inference parses them, and
 * cannot read external data. onnxruntime-node 1.30 resolves external main-graph initializers
 * there but not Constant values or initializers inside subgraphs ("Cannot parse data from
 * external tensors": Silero and PaddleOCR det did not load after `--external-data 0`). So they
 * stay in the model file whatever the threshold; they weigh at most 512 bytes each.
 */
export function isShapeOperand(t: Tensor): boolean {
  return t.dims.length <= 1 && t.size <= SHAPE_OPERAND_MAX_ELEMENTS;
}

/** Lays out initializer bytes in the data file: 4096-aligned for big tensors, 64 for small. */
class DataFilePlan implements ExternalSink {
  readonly seq = new Seq();
  count = 0;
  constructor(readonly location: string, readonly threshold: number, readonly all: boolean, readonly keepExternal: boolean) {}

  place(t: Tensor): ExternalPlacement | undefined {
    if (t.dtype === DataType.STRING || !isKnownDataType(t.dtype) || t.dtype === DataType.UNDEFINED) return undefined;
    const n = t.byteLength;
    const wanted = this.all || (n >= this.threshold && !isShapeOperand(t)) || (this.keepExternal && t.meta.external !== undefined);
    if (!wanted) return undefined;
    const align = n >= 4096 ? 4096 : 64;
    const pad = (align - (this.seq.size % align)) % align;
    if (pad > 0) this.seq.add(new Uint8Array(pad));
    const offset = this.seq.size;
    this.seq.add(rawPayload(t));
    this.count++;
    return { location: this.location, offset, length: n };
  }
}

function hasExternalTensors(model: Model): boolean {
  const files = getExtra<string[]>(model.extras, EXTRAS.externalFiles);
  return files !== undefined && files.length > 0;
}

/**
 * Saves a model atomically: the bytes go to temporary files in the target folder, are synced,
 * then renamed over the target (data file first). On any failure the temporaries are removed
 * and nothing is left behind; temporaries of the same target left by killed processes are
 * removed first (see `removedTemps`). Lazily loaded tensors are streamed one at a time.
 */
export function saveModel(model: Model, file: string, options: SaveOptions = {}): Result<SaveError, SaveInfo> {
  const target = path.resolve(file);
  const dir = path.dirname(target);
  const fail = (tag: SaveError['_tag'], message: string): Result<SaveError, never> => err({ _tag: tag, file, message } as SaveError);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) return fail('WriteError', `folder '${dir}' does not exist; create it first`);
  if (fs.existsSync(target) && fs.statSync(target).isDirectory()) return fail('WriteError', 'is a directory; give a file name');

  // Plan: inline unless asked (or forced by size, or the model came with external data).
  const opt = options.externalData;
  const defaultLocation = `${path.basename(target).replace(/\.onnx$/i, '')}.data`;
  const makePlan = (o: ExternalDataOptions): DataFilePlan | Result<SaveError, never> => {
    const location = o.location ?? defaultLocation;
    if (path.isAbsolute(location) || location.split(/[\\/]/).includes('..') || location === '') {
      return fail('Refused', `external data location '${location}' must be a plain relative path inside the model's folder`);
    }
    return new DataFilePlan(location, o.threshold ?? 1024, o.all === true, opt === undefined);
  };
  let plan = undefined as DataFilePlan | undefined;
  let seq: Seq;
  try {
    const planned = (o: ExternalDataOptions): Seq | Result<SaveError, never> => {
      const p = makePlan(o);
      if (!(p instanceof DataFilePlan)) return p;
      plan = p;
      return modelSeq(model, { sink: p, attributeSink: o.attributes === true ? p : undefined });
    };
    let s: Seq | Result<SaveError, never>;
    if (opt === undefined && !hasExternalTensors(model)) {
      s = modelSeq(model, { sink: undefined });
      if (s.size > PROTOBUF_LIMIT) s = planned({});
      if (s instanceof Seq && s.size > PROTOBUF_LIMIT) s = planned({ attributes: true });
    } else if (opt === false) {
      s = modelSeq(model, { sink: undefined });
    } else {
      // Re-saving a model loaded with external data keeps its big tensors (attributes too) external.
      s = planned(opt ?? { attributes: true });
    }
    if (!(s instanceof Seq)) return s;
    seq = s;
  } catch (e) {
    return fail('EncodeError', `cannot encode the model: ${describeThrown(e)}`);
  }
  if (seq.size > PROTOBUF_LIMIT) {
    return fail('EncodeError', `the model is ${seq.size} bytes without its external tensors, over the 2 GiB protobuf limit${opt === false ? '; allow external data' : '; lower the externalData threshold or set attributes: true'}`);
  }
  if (plan !== undefined && plan.count === 0) plan = undefined;
  const dataTarget = plan === undefined ? undefined : path.resolve(dir, plan.location);

  // Refuse to replace the input model or the files its tensors read from, unless allowed.
  if (options.allowOverwriteInput !== true) {
    const inputs = [options.inputPath ?? getExtra<string>(model.extras, EXTRAS.source), ...(getExtra<string[]>(model.extras, EXTRAS.externalFiles) ?? [])]
      .filter((p): p is string => p !== undefined).map(real);
    for (const out of [target, dataTarget]) {
      if (out !== undefined && inputs.includes(real(out))) {
        return fail('Refused', `would overwrite '${out}', which the model was loaded from; save elsewhere or pass allowOverwriteInput: true`);
      }
    }
  }
  if (dataTarget !== undefined && dataTarget === target) return fail('Refused', 'the external data file cannot be the model file itself');

  const removedTemps = [...removeStaleTemps(target), ...(dataTarget === undefined ? [] : removeStaleTemps(dataTarget))];
  const temps: string[] = [];
  try {
    let dataBytes: number | undefined;
    let dataTmp: string | undefined;
    if (plan !== undefined && dataTarget !== undefined) {
      dataTmp = tempName(dataTarget);
      temps.push(dataTmp);
      dataBytes = writeFileFromPiece(dataTmp, plan.seq, file);
    }
    const modelTmp = tempName(target);
    temps.push(modelTmp);
    const bytes = writeFileFromPiece(modelTmp, seq, file);
    if (dataTmp !== undefined) fs.renameSync(dataTmp, dataTarget!);
    fs.renameSync(modelTmp, target);
    temps.length = 0;
    syncDir(dir);
    return ok({
      file: target, bytes,
      ...(dataTarget !== undefined ? { dataFile: dataTarget, dataBytes } : {}),
      externalTensors: plan?.count ?? 0,
      ...(removedTemps.length > 0 ? { removedTemps } : {}),
    });
  } catch (e) {
    for (const t of temps) {
      try {
        fs.unlinkSync(t);
      } catch {
        // already gone
      }
    }
    if (e instanceof SaveFailure) return err(e.error);
    return fail('WriteError', `cannot write: ${describeThrown(e)}`);
  }
}

function real(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

function tempName(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`);
}

/** The pid in a temporary file name `tempName(target)` makes, or undefined when `name` is not one. */
function tempOwner(name: string, target: string): number | undefined {
  const prefix = `.${path.basename(target)}.`;
  if (!name.startsWith(prefix)) return undefined;
  const m = /^([1-9]\d{0,9})\.[0-9a-f]{12}\.tmp$/.exec(name.slice(prefix.length));
  return m === null ? undefined : Number(m[1]);
}

/** Whether a process exists (EPERM: it does, owned by someone else). */
function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * Removes temporary files of `target` left by saving processes that were killed (their pid is in
 * the name and no such process exists any more): they are never taken for models, but nothing
 * else would ever delete them. Only regular files named exactly like this saver's temporaries
 * of this target are touched; those of live processes (a concurrent save) are left alone, and
 * so is anything that cannot be checked. Returns the paths removed.
 */
function removeStaleTemps(target: string): string[] {
  const dir = path.dirname(target);
  const removed: string[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const pid = tempOwner(name, target);
    if (pid === undefined || pid === process.pid || processExists(pid)) continue;
    const p = path.join(dir, name);
    try {
      if (!fs.lstatSync(p).isFile()) continue;
      fs.unlinkSync(p);
      removed.push(p);
    } catch {
      // gone already, or not ours to remove
    }
  }
  return removed;
}

const BUFFER = 4 * 1024 * 1024;

/** Writes all bytes of `p` to a new file through a 4 MiB buffer, then fsyncs it. */
function writeFileFromPiece(tmp: string, p: Piece, file: string): number {
  const fd = fs.openSync(tmp, 'wx', 0o644);
  let total = 0;
  try {
    const buf = Buffer.allocUnsafe(BUFFER);
    let used = 0;
    const flush = (): void => {
      writeAll(fd, buf.subarray(0, used));
      used = 0;
    };
    try {
      emit(p, (b) => {
        total += b.length;
        if (b.length >= BUFFER / 4) {
          flush();
          writeAll(fd, b);
          return;
        }
        if (used + b.length > BUFFER) flush();
        buf.set(b, used);
        used += b.length;
      });
    } catch (e) {
      if (e instanceof SaveFailure) throw e;
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== undefined) throw e;
      throw new SaveFailure({ _tag: 'SourceError', file, message: `cannot read tensor data while writing: ${describeThrown(e)}` });
    }
    flush();
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return total;
}

function writeAll(fd: number, b: Uint8Array): void {
  let off = 0;
  while (off < b.length) off += fs.writeSync(fd, b, off, Math.min(b.length - off, 1 << 30));
}

function syncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Directory fsync is best effort (not supported everywhere).
  }
}
