import {
  DataType, Tensor, dataTypeName, toBFloat16Bits, toFloat16Bits, type Dim, type Model,
} from '@mixprec/ir';

/** A seeded PRNG (mulberry32): deterministic floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal sample (Box–Muller) from a uniform source. */
export function randomNormal(rng: () => number): number {
  const u = 1 - rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** An integer in [lo, hi] (inclusive). */
export function randomInt(rng: () => number, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1));
}

/** Options of {@link randomTensor} and {@link randomFeeds}. */
export interface RandomTensorOptions {
  /** Range of float values (default [-1, 1]). */
  readonly range?: readonly [number, number];
  /** Range of integer values (default [0, 9]). */
  readonly intRange?: readonly [number, number];
}

/**
 * A tensor of `dtype` and `dims` with seeded values: uniform floats in `range` (FLOAT16 and
 * BFLOAT16 rounded to their grid), integers in `intRange`, booleans half true.
 */
export function randomTensor(dtype: DataType, dims: readonly number[], rng: () => number, options: RandomTensorOptions = {}): Tensor {
  let n = 1;
  for (const d of dims) n *= d;
  const [lo, hi] = options.range ?? [-1, 1];
  const [ilo, ihi] = options.intRange ?? [0, 9];
  const float = (): number => lo + (hi - lo) * rng();
  switch (dtype) {
    case DataType.FLOAT: return Tensor.of(dtype, dims, Float32Array.from({ length: n }, float));
    case DataType.DOUBLE: return Tensor.of(dtype, dims, Float64Array.from({ length: n }, float));
    case DataType.FLOAT16: return Tensor.of(dtype, dims, Uint16Array.from({ length: n }, () => toFloat16Bits(float())));
    case DataType.BFLOAT16: return Tensor.of(dtype, dims, Uint16Array.from({ length: n }, () => toBFloat16Bits(float())));
    case DataType.INT8: return Tensor.of(dtype, dims, Int8Array.from({ length: n }, () => randomInt(rng, Math.max(ilo, -128), Math.min(ihi, 127))));
    case DataType.UINT8: return Tensor.of(dtype, dims, Uint8Array.from({ length: n }, () => randomInt(rng, Math.max(ilo, 0), Math.min(ihi, 255))));
    case DataType.INT16: return Tensor.of(dtype, dims, Int16Array.from({ length: n }, () => randomInt(rng, ilo, ihi)));
    case DataType.UINT16: return Tensor.of(dtype, dims, Uint16Array.from({ length: n }, () => randomInt(rng, Math.max(ilo, 0), ihi)));
    case DataType.INT32: return Tensor.of(dtype, dims, Int32Array.from({ length: n }, () => randomInt(rng, ilo, ihi)));
    case DataType.UINT32: return Tensor.of(dtype, dims, Uint32Array.from({ length: n }, () => randomInt(rng, Math.max(ilo, 0), ihi)));
    case DataType.INT64: return Tensor.of(dtype, dims, BigInt64Array.from({ length: n }, () => BigInt(randomInt(rng, ilo, ihi))));
    case DataType.UINT64: return Tensor.of(dtype, dims, BigUint64Array.from({ length: n }, () => BigInt(randomInt(rng, Math.max(ilo, 0), ihi))));
    case DataType.BOOL: return Tensor.of(dtype, dims, Uint8Array.from({ length: n }, () => (rng() < 0.5 ? 1 : 0)));
    default:
      throw new Error(`randomTensor: ${dataTypeName(dtype)} is not supported; build the tensor by hand`);
  }
}

/**
 * Seeded feeds for every graph input that is not an initializer, from the declared types.
 * Symbolic or unknown dims take their size from `dims[name]` (default 2).
 */
export function randomFeeds(
  model: Model, seed: number,
  options: RandomTensorOptions & { readonly dims?: Readonly<Record<string, number>>; readonly perInput?: Readonly<Record<string, RandomTensorOptions>> } = {},
): Record<string, Tensor> {
  const rng = mulberry32(seed);
  const feeds: Record<string, Tensor> = {};
  for (const v of model.graph.inputs) {
    if (v.isInitializer()) continue;
    const t = v.type;
    if (t === undefined || t.kind !== 'tensor') throw new Error(`randomFeeds: input '${v.name}' has no tensor type; give its feed by hand`);
    const shape = (t.shape ?? []).map((d: Dim) => (typeof d === 'number' ? d : options.dims?.[d ?? ''] ?? 2));
    feeds[v.name] = randomTensor(t.dtype, shape, rng, { ...options, ...(options.perInput?.[v.name] ?? {}) });
  }
  return feeds;
}
