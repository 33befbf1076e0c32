import {
  DataType, Tensor, dataTypeName, isKnownDataType, storageArrayType, storageLength,
  type ExternalLocation, type TensorData, type TensorMeta,
} from '@mixprec/ir';
import { LoadFailure, type LoadError } from './errors.js';
import { EXTRAS, has, presentDefaults, withExtras } from './extras.js';
import {
  ExternalDataProblem, checkRange, externalSource, parseExternalEntries, type ExternalFiles,
} from './external-data.js';
import type { FileRaw } from './direct-messages.js';
import { entriesFromProto } from './metadata.js';
import type { ModelFile } from './model-file.js';
import { int64ToBigInt, type ProtoInt64, type TensorProto } from './proto.js';

/** What the tensor decoder needs to know about the load. */
export interface TensorContext {
  /** The model (or tensor) file, for messages. */
  readonly file: string;
  /** Resolver of external data; undefined when the model came as bytes without a base folder. */
  readonly external: ExternalFiles | undefined;
  /** Read external data now (true) or make lazy tensors (false). */
  readonly eager: boolean;
  /** The open model file, whose raw_data payloads marked `fileRaw` (big-model load) stay in it. */
  readonly modelFile?: ModelFile;
}

/** Which typed field holds which data types. */
type Field = 'floatData' | 'int32Data' | 'stringData' | 'int64Data' | 'doubleData' | 'uint64Data';
const FIELDS: readonly Field[] = ['floatData', 'int32Data', 'stringData', 'int64Data', 'doubleData', 'uint64Data'];

/** The typed field that stores `dtype` (undefined for unknown types). */
export function fieldFor(dtype: number): Field | undefined {
  switch (dtype) {
    case DataType.FLOAT: case DataType.COMPLEX64: return 'floatData';
    case DataType.DOUBLE: case DataType.COMPLEX128: return 'doubleData';
    case DataType.INT64: return 'int64Data';
    case DataType.UINT32: case DataType.UINT64: return 'uint64Data';
    case DataType.STRING: return 'stringData';
    default:
      return isKnownDataType(dtype) && dtype !== DataType.UNDEFINED ? 'int32Data' : undefined;
  }
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * TensorProto → Tensor. `where` describes the tensor for messages (e.g. `initializer 'w'`).
 * Every size is checked against the bytes actually present before anything is allocated.
 */
export function tensorFromProto(tp: TensorProto, ctx: TensorContext, where: string): Tensor {
  const fail = (message: string, tag: 'InvalidModel' | 'UnsupportedFeature' = 'InvalidModel'): never => {
    throw new LoadFailure({ _tag: tag, file: ctx.file, message: `${where}: ${message}` } as LoadError);
  };
  const dtype = tp.dataType ?? 0;
  if (dtype < 0) fail(`has invalid data type ${dtype}`);
  const dims: number[] = [];
  let count = 1;
  for (const d of tp.dims ?? []) {
    if (typeof d === 'number' && Number.isSafeInteger(d) && d >= 0) {
      // The common case (the direct decoder gives safe int64 values as numbers): no BigInt.
      dims.push(d);
      count *= d;
      continue;
    }
    const b = int64ToBigInt(d as ProtoInt64);
    if (b < 0n) fail(`has a negative dimension ${b} in dims`);
    if (b > MAX_SAFE) fail(`has dimension ${b}, larger than any tensor can be`);
    dims.push(Number(b));
    count *= Number(b);
  }
  if (dims.includes(0)) count = 0;
  if (!Number.isSafeInteger(count)) fail(`has ${count} elements (dims [${dims.join(', ')}]), more than any tensor can hold`);

  const entries = entriesFromProto(tp.metadataProps);
  const present = presentDefaults(tp, ['dataType', 'dataLocation']);
  const segment = tp.segment == null ? undefined : [
    has(tp.segment, 'begin') ? int64ToBigInt(tp.segment.begin as ProtoInt64).toString() : null,
    has(tp.segment, 'end') ? int64ToBigInt(tp.segment.end as ProtoInt64).toString() : null,
  ];
  const baseMeta: TensorMeta = {
    ...(has(tp, 'name') ? { name: tp.name } : {}),
    ...(has(tp, 'docString') ? { docString: tp.docString } : {}),
    ...(entries.length > 0 ? { metadataProps: entries } : {}),
  };
  const extras = withExtras(undefined, { [EXTRAS.present]: present, [EXTRAS.segment]: segment });
  const meta = (m: TensorMeta): TensorMeta => (extras === undefined ? m : { ...m, extras });

  const hasRaw = has(tp, 'rawData');
  const used = FIELDS.filter((f) => (tp[f]?.length ?? 0) > 0);
  const known = isKnownDataType(dtype);
  const ctor = storageArrayType(dtype);
  const length = storageLength(dtype, count);

  if (tp.dataLocation === 1) {
    if (hasRaw || used.length > 0) fail('has data_location EXTERNAL but also inline data');
    if (dtype === DataType.STRING) fail('is a STRING tensor with external data, which ONNX does not allow');
    if (!known || dtype === DataType.UNDEFINED) fail(`has data type ${dtype} unknown to this version, stored externally`, 'UnsupportedFeature');
    return externalTensor(tp, dtype, dims, length * ctor!.BYTES_PER_ELEMENT, meta(baseMeta), ctx, where);
  }
  if (tp.dataLocation != null && tp.dataLocation !== 0) fail(`has unknown data_location ${tp.dataLocation}`, 'UnsupportedFeature');

  if (hasRaw) {
    if (used.length > 0) fail(`has both raw_data and ${used[0]}`);
    if (dtype === DataType.STRING) fail('is a STRING tensor with raw_data; strings must use string_data');
    const raw = tp.rawData;
    const m = meta({ ...baseMeta, storage: 'raw' });
    const fileRaw = (tp as { fileRaw?: FileRaw }).fileRaw;
    if (fileRaw !== undefined && ctx.modelFile !== undefined) {
      // A payload left in the model file (big-model load): read from the file on each use.
      const source = ctx.modelFile.source(fileRaw.offset, fileRaw.length, where);
      if (known && dtype !== DataType.UNDEFINED) {
        const need = length * ctor!.BYTES_PER_ELEMENT;
        if (fileRaw.length !== need) fail(`has dims [${dims.join(', ')}] of ${dataTypeName(dtype)} (${need} bytes) but ${fileRaw.length} bytes of raw_data`);
      }
      return Tensor.lazy(dtype, dims, source, m);
    }
    if (!known || dtype === DataType.UNDEFINED) {
      // A type newer than this IR: keep the bytes exactly as they are.
      if (raw.length === length && dtype !== DataType.UNDEFINED) return Tensor.of(dtype, dims, raw, m);
      const bytes = raw;
      return Tensor.lazy(dtype, dims, { byteLength: bytes.length, description: `${where} (raw bytes of data type ${dtype})`, read: () => bytes }, m);
    }
    const need = length * ctor!.BYTES_PER_ELEMENT;
    if (raw.length !== need) fail(`has dims [${dims.join(', ')}] of ${dataTypeName(dtype)} (${need} bytes) but ${raw.length} bytes of raw_data`);
    if (raw.byteLength >= VIEW_THRESHOLD && !aligned(raw, ctor!.BYTES_PER_ELEMENT)) {
      // Zero-copy: a big unaligned payload stays a view of the file's bytes, decoded into
      // aligned storage only when its values are read (the saver writes the view as is).
      // Copying instead would hold every weight twice (a 300 MB model would take 600 MB).
      return Tensor.lazy(dtype, dims, { byteLength: raw.byteLength, description: `${where} (raw_data in '${ctx.file}')`, read: () => raw }, m);
    }
    return Tensor.of(dtype, dims, viewOrCopy(ctor!, raw, length), m);
  }

  if (used.length > 1) fail(`has data in both ${used[0]} and ${used[1]}`);
  const field = used[0];
  if (field === undefined) {
    if (count !== 0 && dtype !== DataType.UNDEFINED) fail(`has dims [${dims.join(', ')}] (${count} elements) but no data`);
    if (!known || dtype === DataType.UNDEFINED) {
      return Tensor.lazy(dtype, dims, { byteLength: 0, description: where, read: () => new Uint8Array(0) }, meta(baseMeta));
    }
    // No elements and no storage field: an empty tensor (count is 0 here).
    const empty = dtype === DataType.STRING ? [] : new ctor!(0);
    return Tensor.of(dtype, dims, empty as TensorData, meta(baseMeta));
  }
  if (!known || dtype === DataType.UNDEFINED) fail(`has data type ${dtype} unknown to this version stored in ${field}; only raw_data can be kept for unknown types`, 'UnsupportedFeature');
  const expectField = fieldFor(dtype);
  if (field !== expectField) fail(`is ${dataTypeName(dtype)} but stores its values in ${field} (expected ${expectField ?? 'raw_data'})`);
  const values = tp[field] as unknown[];
  if (values.length !== length) {
    fail(`has dims [${dims.join(', ')}] (${count} elements of ${dataTypeName(dtype)}) but ${values.length} entries in ${field}`);
  }
  return Tensor.of(dtype, dims, fromFieldValues(dtype, field, values), meta({ ...baseMeta, storage: 'fields' }));
}

function fromFieldValues(dtype: number, field: Field, values: unknown[]): TensorData {
  switch (field) {
    case 'floatData': return Float32Array.from(values as number[]);
    case 'doubleData': return Float64Array.from(values as number[]);
    case 'stringData': return (values as Uint8Array[]).map((s) => s);
    case 'int64Data': {
      const out = new BigInt64Array(values.length);
      for (let i = 0; i < values.length; i++) out[i] = int64ToBigInt(values[i] as ProtoInt64);
      return out;
    }
    case 'uint64Data': {
      if (dtype === DataType.UINT64) {
        const out = new BigUint64Array(values.length);
        for (let i = 0; i < values.length; i++) out[i] = int64ToBigInt(values[i] as ProtoInt64, true);
        return out;
      }
      const out = new Uint32Array(values.length);
      for (let i = 0; i < values.length; i++) out[i] = Number(BigInt.asUintN(32, int64ToBigInt(values[i] as ProtoInt64, true)));
      return out;
    }
    case 'int32Data': {
      const ctor = storageArrayType(dtype)!;
      if (ctor === BigInt64Array || ctor === BigUint64Array) throw new Error('unreachable: 64-bit type in int32_data');
      // Packed 4-bit and 2-bit types keep one packed byte per entry.
      const out = new (ctor as Int32ArrayConstructor)(values.length);
      for (let i = 0; i < values.length; i++) out[i] = values[i] as number;
      return out as unknown as TensorData;
    }
  }
}

/** Unaligned raw payloads of at least this many bytes are kept as views (lazy tensors). */
const VIEW_THRESHOLD = 64 * 1024;

function aligned(raw: Uint8Array, bpe: number): boolean {
  return bpe === 1 || (LITTLE_ENDIAN && raw.byteOffset % bpe === 0);
}

/** A typed-array view on `raw` when it is aligned (zero-copy), else an aligned copy. */
function viewOrCopy(ctor: NonNullable<ReturnType<typeof storageArrayType>>, raw: Uint8Array, length: number): Exclude<TensorData, readonly Uint8Array[]> {
  const bpe = ctor.BYTES_PER_ELEMENT;
  if (bpe === 1) {
    return ctor === Uint8Array ? new Uint8Array(raw.buffer, raw.byteOffset, length) : new (ctor as Int8ArrayConstructor)(raw.buffer, raw.byteOffset, length);
  }
  if (LITTLE_ENDIAN && raw.byteOffset % bpe === 0) {
    return new (ctor as Float32ArrayConstructor)(raw.buffer, raw.byteOffset, length) as Exclude<TensorData, readonly Uint8Array[]>;
  }
  const out = new (ctor as Float32ArrayConstructor)(length);
  new Uint8Array(out.buffer).set(raw);
  return out as Exclude<TensorData, readonly Uint8Array[]>;
}

function externalTensor(tp: TensorProto, dtype: number, dims: number[], need: number, meta: TensorMeta, ctx: TensorContext, where: string): Tensor {
  const fail = (message: string): never => {
    throw new LoadFailure({ _tag: 'ExternalDataError', file: ctx.file, tensor: tp.name ?? '', message: `${where} ${message}` });
  };
  try {
    const loc: ExternalLocation = parseExternalEntries(entriesFromProto(tp.externalData));
    if (ctx.external === undefined) fail(`has external data ('${loc.location}') but the model was given as bytes; pass baseDir (the model's folder)`);
    const file = ctx.external!.open(loc.location);
    const [offset, length] = checkRange(file, loc);
    if (length !== need) fail(`needs ${need} bytes for dims [${dims.join(', ')}] of ${dataTypeName(dtype)} but its external data range in '${loc.location}' has ${length}`);
    const m: TensorMeta = { ...meta, storage: 'raw', external: loc };
    if (!ctx.eager) return Tensor.lazy(dtype, dims, externalSource(file, offset, length), m);
    const ctor = storageArrayType(dtype)!;
    const out = new (ctor as Float32ArrayConstructor)(storageLength(dtype, dims.reduce((a, b) => a * b, 1)));
    file.readInto(new Uint8Array(out.buffer), offset, length);
    return Tensor.of(dtype, dims, out as unknown as TensorData, m);
  } catch (e) {
    if (e instanceof ExternalDataProblem) fail(e.message);
    throw e;
  }
}
