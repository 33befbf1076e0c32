import { bitWidth, DataType, dataTypeName, isKnownDataType } from './data-type.js';
import { PreconditionError } from './errors.js';

/**
 * Element storage of a tensor, by data type:
 * FLOAT Float32Array · DOUBLE Float64Array · FLOAT16/BFLOAT16 Uint16Array (bit patterns) ·
 * INT8 Int8Array · UINT8 and BOOL Uint8Array · INT16 Int16Array · UINT16 Uint16Array ·
 * INT32 Int32Array · UINT32 Uint32Array · INT64 BigInt64Array · UINT64 BigUint64Array ·
 * COMPLEX64 Float32Array and COMPLEX128 Float64Array (interleaved re, im) · STRING an array of
 * byte strings · FLOAT8*, INT4, UINT4, FLOAT4E2M1, INT2, UINT2 and unknown types: Uint8Array of
 * the raw little-endian bytes, packed as in ONNX `raw_data`.
 */
export type TensorData =
  | Float32Array | Float64Array | Uint16Array | Int8Array | Uint8Array | Int16Array | Int32Array
  | Uint32Array | BigInt64Array | BigUint64Array | readonly Uint8Array[];

/** Where a lazily loaded tensor's bytes come from (e.g. a range of an external-data file). */
export interface TensorSource {
  /** Size of the little-endian raw bytes. */
  readonly byteLength: number;
  /** Reads the raw bytes; may be called more than once. */
  read(): Uint8Array;
  /**
   * Optional streaming read: passes the raw bytes to `f` in order, in chunks that each hold
   * whole elements. A chunk is valid only during the call (its memory may be reused), so a
   * whole tensor never needs to be in memory at once.
   */
  readChunks?(f: (chunk: Uint8Array) => void): void;
  /**
   * Optional random access: fills `dst` with the raw bytes `[byteOffset, byteOffset + dst.length)`
   * (e.g. straight from a file into a WebAssembly heap, with no intermediate copy).
   */
  readInto?(dst: Uint8Array, byteOffset: number): void;
  /** For messages: e.g. `weights.data @ 4096+1024`. */
  readonly description: string;
}

/** Where a tensor was stored outside the model file (ONNX `external_data`). */
export interface ExternalLocation {
  readonly location: string;
  readonly offset?: number;
  readonly length?: number;
  readonly checksum?: string;
  /** Other key/value pairs, kept verbatim. */
  readonly extra?: readonly (readonly [string, string])[];
}

/** Fields of a TensorProto that are not the data, kept for lossless round trips. */
export interface TensorMeta {
  readonly name?: string;
  readonly docString?: string;
  readonly metadataProps?: readonly (readonly [string, string])[];
  /** Set when the tensor was read from external data. */
  readonly external?: ExternalLocation;
  /** How the file stored the values: `raw_data` or the typed repeated fields. */
  readonly storage?: 'raw' | 'fields';
  /** Fields of the file format this IR does not model (e.g. a TensorProto `segment`). */
  readonly extras?: Readonly<Record<string, unknown>>;
}

type TypedArrayCtor =
  | Float32ArrayConstructor | Float64ArrayConstructor | Uint16ArrayConstructor | Int8ArrayConstructor
  | Uint8ArrayConstructor | Int16ArrayConstructor | Int32ArrayConstructor | Uint32ArrayConstructor
  | BigInt64ArrayConstructor | BigUint64ArrayConstructor;

/** The typed array that stores elements of `dtype` (undefined for STRING). */
export function storageArrayType(dtype: number): TypedArrayCtor | undefined {
  switch (dtype) {
    case DataType.FLOAT: case DataType.COMPLEX64: return Float32Array;
    case DataType.DOUBLE: case DataType.COMPLEX128: return Float64Array;
    case DataType.FLOAT16: case DataType.BFLOAT16: case DataType.UINT16: return Uint16Array;
    case DataType.INT8: return Int8Array;
    case DataType.INT16: return Int16Array;
    case DataType.INT32: return Int32Array;
    case DataType.UINT32: return Uint32Array;
    case DataType.INT64: return BigInt64Array;
    case DataType.UINT64: return BigUint64Array;
    case DataType.STRING: return undefined;
    default: return Uint8Array; // UINT8, BOOL, FLOAT8*, 4-bit, 2-bit, unknown
  }
}

/** Number of storage-array elements for `count` tensor elements of `dtype`. */
export function storageLength(dtype: number, count: number): number {
  if (dtype === DataType.COMPLEX64 || dtype === DataType.COMPLEX128) return 2 * count;
  const bits = bitWidth(dtype);
  if (bits === 4) return Math.ceil(count / 2);
  if (bits === 2) return Math.ceil(count / 4);
  return count;
}

/** Product of dims; 1 for a scalar. */
export function elementCount(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

/** An immutable tensor value: an initializer, a Constant's value, or a computed result. */
export class Tensor {
  readonly dtype: DataType;
  readonly dims: readonly number[];
  readonly meta: TensorMeta;
  #data: TensorData | undefined;
  readonly #source: TensorSource | undefined;

  private constructor(dtype: number, dims: readonly number[], data: TensorData | undefined, source: TensorSource | undefined, meta: TensorMeta) {
    this.dtype = dtype;
    this.dims = Object.freeze([...dims]);
    this.#data = data;
    this.#source = source;
    this.meta = meta;
  }

  /** A tensor over `data` (not copied: do not modify it afterwards). */
  static of(dtype: number, dims: readonly number[], data: TensorData, meta: TensorMeta = {}): Tensor {
    for (const d of dims) {
      if (!Number.isSafeInteger(d) || d < 0) throw new PreconditionError(`Tensor dims must be non-negative integers, got [${dims.join(', ')}]`);
    }
    const n = elementCount(dims);
    const expected = storageLength(dtype, n);
    if (dtype === DataType.STRING) {
      if (!Array.isArray(data)) throw new PreconditionError('STRING tensor data must be an array of byte strings');
    } else {
      const ctor = storageArrayType(dtype)!;
      if (!(data instanceof ctor)) {
        throw new PreconditionError(`${dataTypeName(dtype)} tensor data must be a ${ctor.name}, got ${(data as object).constructor.name}`);
      }
    }
    if (data.length !== expected) {
      throw new PreconditionError(`${dataTypeName(dtype)} tensor of shape [${dims.join(', ')}] needs ${expected} storage elements, got ${data.length}`);
    }
    return new Tensor(dtype, dims, data, undefined, meta);
  }

  /** A tensor decoded from little-endian raw bytes (copied into aligned storage). */
  static fromRawBytes(dtype: number, dims: readonly number[], bytes: Uint8Array, meta: TensorMeta = {}): Tensor {
    return Tensor.of(dtype, dims, decodeRawBytes(dtype, bytes, storageLength(dtype, elementCount(dims))), meta);
  }

  /**
   * A tensor whose bytes are read from `source` each time {@link data} is used and never
   * cached, so that a streaming writer holds one large tensor in memory at a time.
   */
  static lazy(dtype: number, dims: readonly number[], source: TensorSource, meta: TensorMeta = {}): Tensor {
    if (dtype === DataType.STRING) throw new PreconditionError('STRING tensors cannot be lazy');
    return new Tensor(dtype, dims, undefined, source, meta);
  }

  /** True when the values are read from a source on each access. */
  get isLazy(): boolean {
    return this.#source !== undefined;
  }

  /** The source of a lazy tensor. */
  get source(): TensorSource | undefined {
    return this.#source;
  }

  /** The element storage (for lazy tensors: read now, not kept). */
  get data(): TensorData {
    if (this.#data !== undefined) return this.#data;
    const src = this.#source!;
    const bytes = src.read();
    return decodeRawBytes(this.dtype, bytes, storageLength(this.dtype, this.size));
  }

  /** Number of elements. */
  get size(): number {
    return elementCount(this.dims);
  }

  /** Bytes the values take in `raw_data` (for STRING: the sum of string lengths). */
  get byteLength(): number {
    if (this.#source !== undefined) return this.#source.byteLength;
    const d = this.#data!;
    if (Array.isArray(d)) return (d as readonly Uint8Array[]).reduce((s, x) => s + x.length, 0);
    return (d as Exclude<TensorData, readonly Uint8Array[]>).byteLength;
  }

  /** Little-endian raw bytes, as ONNX `raw_data` stores them (a view when possible). */
  rawBytes(): Uint8Array {
    if (this.dtype === DataType.STRING) throw new PreconditionError('STRING tensors have no raw bytes');
    if (this.#source !== undefined) return this.#source.read();
    const d = this.#data as Exclude<TensorData, readonly Uint8Array[]>;
    return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
  }

  /**
   * Passes the little-endian raw bytes to `f` in order: in chunks when the source streams
   * ({@link TensorSource.readChunks}; each chunk is valid only during the call), else in one
   * piece (a view of the data, or one read of a lazy source).
   */
  forEachRawChunk(f: (chunk: Uint8Array) => void): void {
    const src = this.#source;
    if (src?.readChunks !== undefined) src.readChunks(f);
    else f(this.rawBytes());
  }

  /** The same values with other metadata. */
  withMeta(meta: TensorMeta): Tensor {
    return new Tensor(this.dtype, this.dims, this.#data, this.#source, meta);
  }

  /** A short description for messages: `FLOAT16[64, 3, 3, 3]`. */
  toString(): string {
    return `${dataTypeName(this.dtype)}[${this.dims.join(', ')}]`;
  }
}

/** Copies little-endian bytes into a fresh, aligned storage array for `dtype`. */
export function decodeRawBytes(dtype: number, bytes: Uint8Array, length: number): Exclude<TensorData, readonly Uint8Array[]> {
  const ctor = storageArrayType(dtype);
  if (ctor === undefined) throw new PreconditionError('STRING tensors cannot be decoded from raw bytes');
  const expectedBytes = length * ctor.BYTES_PER_ELEMENT;
  if (bytes.byteLength !== expectedBytes) {
    const kind = isKnownDataType(dtype) ? dataTypeName(dtype) : `data type ${dtype}`;
    throw new PreconditionError(`${kind} tensor needs ${expectedBytes} bytes of raw data, got ${bytes.byteLength}`);
  }
  const out = new ctor(length);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}
