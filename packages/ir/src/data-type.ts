/**
 * ONNX tensor element types, numbered as in `TensorProto.DataType` (IR version 13).
 *
 * Values outside this enum are legal in files written by newer tools; the IR keeps them
 * as plain numbers and stores their tensor bytes untouched (see {@link isKnownDataType}).
 */
export enum DataType {
  UNDEFINED = 0,
  FLOAT = 1,
  UINT8 = 2,
  INT8 = 3,
  UINT16 = 4,
  INT16 = 5,
  INT32 = 6,
  INT64 = 7,
  STRING = 8,
  BOOL = 9,
  FLOAT16 = 10,
  DOUBLE = 11,
  UINT32 = 12,
  UINT64 = 13,
  COMPLEX64 = 14,
  COMPLEX128 = 15,
  BFLOAT16 = 16,
  FLOAT8E4M3FN = 17,
  FLOAT8E4M3FNUZ = 18,
  FLOAT8E5M2 = 19,
  FLOAT8E5M2FNUZ = 20,
  UINT4 = 21,
  INT4 = 22,
  FLOAT4E2M1 = 23,
  FLOAT8E8M0 = 24,
  UINT2 = 25,
  INT2 = 26,
}

interface Info {
  /** Name in ONNX textual syntax and type strings, e.g. `float16`. */
  readonly text: string;
  /** Bits per element (0 for strings and undefined). */
  readonly bits: number;
  readonly kind: 'float' | 'int' | 'uint' | 'bool' | 'string' | 'complex' | 'undefined';
}

const INFO: Readonly<Record<number, Info>> = {
  [DataType.UNDEFINED]: { text: 'undefined', bits: 0, kind: 'undefined' },
  [DataType.FLOAT]: { text: 'float', bits: 32, kind: 'float' },
  [DataType.UINT8]: { text: 'uint8', bits: 8, kind: 'uint' },
  [DataType.INT8]: { text: 'int8', bits: 8, kind: 'int' },
  [DataType.UINT16]: { text: 'uint16', bits: 16, kind: 'uint' },
  [DataType.INT16]: { text: 'int16', bits: 16, kind: 'int' },
  [DataType.INT32]: { text: 'int32', bits: 32, kind: 'int' },
  [DataType.INT64]: { text: 'int64', bits: 64, kind: 'int' },
  [DataType.STRING]: { text: 'string', bits: 0, kind: 'string' },
  [DataType.BOOL]: { text: 'bool', bits: 8, kind: 'bool' },
  [DataType.FLOAT16]: { text: 'float16', bits: 16, kind: 'float' },
  [DataType.DOUBLE]: { text: 'double', bits: 64, kind: 'float' },
  [DataType.UINT32]: { text: 'uint32', bits: 32, kind: 'uint' },
  [DataType.UINT64]: { text: 'uint64', bits: 64, kind: 'uint' },
  [DataType.COMPLEX64]: { text: 'complex64', bits: 64, kind: 'complex' },
  [DataType.COMPLEX128]: { text: 'complex128', bits: 128, kind: 'complex' },
  [DataType.BFLOAT16]: { text: 'bfloat16', bits: 16, kind: 'float' },
  [DataType.FLOAT8E4M3FN]: { text: 'float8e4m3fn', bits: 8, kind: 'float' },
  [DataType.FLOAT8E4M3FNUZ]: { text: 'float8e4m3fnuz', bits: 8, kind: 'float' },
  [DataType.FLOAT8E5M2]: { text: 'float8e5m2', bits: 8, kind: 'float' },
  [DataType.FLOAT8E5M2FNUZ]: { text: 'float8e5m2fnuz', bits: 8, kind: 'float' },
  [DataType.UINT4]: { text: 'uint4', bits: 4, kind: 'uint' },
  [DataType.INT4]: { text: 'int4', bits: 4, kind: 'int' },
  [DataType.FLOAT4E2M1]: { text: 'float4e2m1', bits: 4, kind: 'float' },
  [DataType.FLOAT8E8M0]: { text: 'float8e8m0', bits: 8, kind: 'float' },
  [DataType.UINT2]: { text: 'uint2', bits: 2, kind: 'uint' },
  [DataType.INT2]: { text: 'int2', bits: 2, kind: 'int' },
};

const BY_TEXT: ReadonlyMap<string, DataType> = new Map(
  Object.entries(INFO).map(([k, v]) => [v.text, Number(k) as DataType]),
);

/** True for element types this IR version knows (0..26). */
export function isKnownDataType(dtype: number): dtype is DataType {
  return INFO[dtype] !== undefined;
}

/** `FLOAT16` for 10; `DTYPE_27` for an unknown number. */
export function dataTypeName(dtype: number): string {
  return isKnownDataType(dtype) ? DataType[dtype] : `DTYPE_${dtype}`;
}

/** `float16` for 10 (the textual-syntax spelling); `dtype27` for an unknown number. */
export function dataTypeText(dtype: number): string {
  return INFO[dtype]?.text ?? `dtype${dtype}`;
}

/**
 * Parses a data type from any common spelling: `float16`, `FLOAT16`, `tensor(float16)`,
 * `10`, plus the aliases `half`, `fp16`, `bf16`, `fp32`, `float32`, `fp64`, `float64`.
 * Returns undefined when the text names no data type.
 */
export function parseDataType(text: string): DataType | undefined {
  let s = text.trim().toLowerCase();
  const m = /^tensor\((.*)\)$/.exec(s);
  if (m?.[1] !== undefined) s = m[1];
  if (/^\d+$/.test(s)) {
    const n = Number(s);
    return isKnownDataType(n) ? n : undefined;
  }
  const alias: Record<string, string> = {
    half: 'float16', fp16: 'float16', bf16: 'bfloat16', fp32: 'float', float32: 'float',
    fp64: 'double', float64: 'double',
  };
  return BY_TEXT.get(alias[s] ?? s);
}

/** Bits per element; 0 for STRING, UNDEFINED and unknown types. */
export function bitWidth(dtype: number): number {
  return INFO[dtype]?.bits ?? 0;
}

/** FLOAT, DOUBLE, FLOAT16, BFLOAT16 (the types mixed precision moves between). */
export function isStandardFloat(dtype: number | undefined): boolean {
  return dtype === DataType.FLOAT || dtype === DataType.DOUBLE || dtype === DataType.FLOAT16 || dtype === DataType.BFLOAT16;
}

/** Any floating-point type, including FLOAT8 and FLOAT4 variants. */
export function isFloatType(dtype: number | undefined): boolean {
  return dtype !== undefined && INFO[dtype]?.kind === 'float';
}

/** Signed or unsigned integer types (not BOOL). */
export function isIntegerType(dtype: number | undefined): boolean {
  const k = dtype === undefined ? undefined : INFO[dtype]?.kind;
  return k === 'int' || k === 'uint';
}

export function isSignedInteger(dtype: number | undefined): boolean {
  return dtype !== undefined && INFO[dtype]?.kind === 'int';
}

/** FLOAT16 or BFLOAT16. */
export type LowPrecisionFloat = DataType.FLOAT16 | DataType.BFLOAT16;

export function isLowPrecisionFloat(dtype: number | undefined): dtype is LowPrecisionFloat {
  return dtype === DataType.FLOAT16 || dtype === DataType.BFLOAT16;
}

/** Inclusive value range of an integer type, as bigints; undefined for non-integers. */
export function integerRange(dtype: number): readonly [bigint, bigint] | undefined {
  const bits = bitWidth(dtype);
  if (!isIntegerType(dtype) || bits === 0) return undefined;
  const b = BigInt(bits);
  return isSignedInteger(dtype) ? [-(1n << (b - 1n)), (1n << (b - 1n)) - 1n] : [0n, (1n << b) - 1n];
}
