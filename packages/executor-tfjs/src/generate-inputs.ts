import {
  DataType, dataTypeName, elementCount, float32ToBFloat16Bits, float32ToFloat16Bits, Tensor, type Model,
} from '@mixprec/ir';
import { ExecError } from './errors.js';
import { hashString, makeRng } from './rng.js';

/** Options of {@link generateInputs}. */
export interface GenerateOptions {
  /** Seed of the generator (default 0); the same seed gives the same feeds. */
  readonly seed?: number;
  /** Sizes of symbolic dims by `dim_param` name (unknown dims and unlisted names: `defaultDim`). */
  readonly dimValues?: Readonly<Record<string, number>>;
  /** Full shapes by input name (override the declared shape). */
  readonly shapes?: Readonly<Record<string, readonly number[]>>;
  /** Size of a symbolic or unknown dim without a value (default 1). */
  readonly defaultDim?: number;
  /** Value ranges [lo, hi) by input name (floats uniform, ints uniform integers). */
  readonly ranges?: Readonly<Record<string, readonly [number, number]>>;
  /** Feeds to use as given (not generated), e.g. a sample-rate scalar. */
  readonly fixed?: Readonly<Record<string, Tensor>>;
}

/**
 * Seeded random feeds for the model's graph inputs (initializers excluded), shaped from the
 * declared input types. Floats are uniform in [-1, 1), integers uniform in [0, 10), BOOL fair
 * coin flips; `ranges` changes those per input. Each input draws from its own stream (seeded
 * by the seed and the input's name), so adding an input does not change the others.
 */
export function generateInputs(model: Model, options: GenerateOptions = {}): Record<string, Tensor> {
  const feeds: Record<string, Tensor> = {};
  const seed = options.seed ?? 0;
  for (const v of model.graph.inputs) {
    if (v.isInitializer()) continue;
    const fixed = options.fixed?.[v.name];
    if (fixed !== undefined) {
      feeds[v.name] = fixed;
      continue;
    }
    const t = v.type;
    if (t?.kind !== 'tensor') throw new ExecError('InvalidInput', `Graph input '${v.name}' is not a tensor; pass it in options.fixed`);
    const dims = options.shapes?.[v.name] ?? (t.shape ?? []).map((d) =>
      typeof d === 'number' ? d : (d !== undefined && d !== '' ? options.dimValues?.[d] : undefined) ?? options.defaultDim ?? 1);
    const n = elementCount(dims);
    const rng = makeRng(hashString(v.name, seed >>> 0));
    const range = options.ranges?.[v.name];
    const float = (): number => (range === undefined ? rng.next() * 2 - 1 : range[0] + rng.next() * (range[1] - range[0]));
    const int = (): number => (range === undefined ? Math.floor(rng.next() * 10) : Math.floor(range[0] + rng.next() * (range[1] - range[0])));
    const f32 = (): Float32Array => Float32Array.from({ length: n }, float);
    const ints = (): number[] => Array.from({ length: n }, int);
    switch (t.dtype) {
      case DataType.FLOAT: feeds[v.name] = Tensor.of(t.dtype, dims, f32()); break;
      case DataType.DOUBLE: feeds[v.name] = Tensor.of(t.dtype, dims, Float64Array.from(f32())); break;
      case DataType.FLOAT16: feeds[v.name] = Tensor.of(t.dtype, dims, float32ToFloat16Bits(f32())); break;
      case DataType.BFLOAT16: feeds[v.name] = Tensor.of(t.dtype, dims, float32ToBFloat16Bits(f32())); break;
      case DataType.INT8: feeds[v.name] = Tensor.of(t.dtype, dims, Int8Array.from(ints())); break;
      case DataType.UINT8: feeds[v.name] = Tensor.of(t.dtype, dims, Uint8Array.from(ints())); break;
      case DataType.INT16: feeds[v.name] = Tensor.of(t.dtype, dims, Int16Array.from(ints())); break;
      case DataType.UINT16: feeds[v.name] = Tensor.of(t.dtype, dims, Uint16Array.from(ints())); break;
      case DataType.INT32: feeds[v.name] = Tensor.of(t.dtype, dims, Int32Array.from(ints())); break;
      case DataType.UINT32: feeds[v.name] = Tensor.of(t.dtype, dims, Uint32Array.from(ints())); break;
      case DataType.INT64: feeds[v.name] = Tensor.of(t.dtype, dims, BigInt64Array.from(ints(), (x) => BigInt(x))); break;
      case DataType.UINT64: feeds[v.name] = Tensor.of(t.dtype, dims, BigUint64Array.from(ints(), (x) => BigInt(x))); break;
      case DataType.BOOL: feeds[v.name] = Tensor.of(t.dtype, dims, Uint8Array.from({ length: n }, () => (rng.next() < 0.5 ? 1 : 0))); break;
      default:
        throw new ExecError('InvalidInput', `Cannot generate ${dataTypeName(t.dtype)} data for input '${v.name}'; pass it in options.fixed`);
    }
  }
  return feeds;
}
