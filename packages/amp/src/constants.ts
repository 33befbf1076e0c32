import {
  BFLOAT16_MAX, DataType, FLOAT16_MAX, Tensor, censusFloat32, dataTypeName, float32ToBFloat16Bits, float32ToFloat16Bits, floatTensor,
  forEachFloat32Chunk, narrowFloat32, narrowFloat32Chunks, narrowFloat32Reference, tensorToFloat32, type LowPrecisionFloat, type NarrowCounts,
  type Narrower, type Node, type TensorMeta, type Value,
} from '@mixprec/ir';
import { RangeScan, SENTINEL_BITS, SENTINEL_THRESHOLD, bitsToFloat } from './range-scan.js';

export { SENTINEL_THRESHOLD };

/**
 * Tensors with fewer elements than this get nonzero values that would round to zero replaced
 * by ±(smallest subnormal) — they are typically epsilons (coremltools' rule); larger tensors
 * only have underflow reported.
 */
export const UNDERFLOW_FIX_LIMIT = 400;

/** The largest finite value of a 16-bit float type. */
export function maxFinite(target: LowPrecisionFloat): number {
  return target === DataType.FLOAT16 ? FLOAT16_MAX : BFLOAT16_MAX;
}

/** What the values of a float constant do when converted to a 16-bit type. */
export interface RangeStats {
  readonly elements: number;
  /** Largest finite |v| that is not a sentinel (0 for an empty tensor). */
  readonly absMax: number;
  /** Finite values above the target's range that are not sentinels (they would become ±Inf). */
  readonly overflow: number;
  /** Sentinels (|v| ≥ 1e30, finite) that saturate to ±max. */
  readonly sentinels: number;
  /** Nonzero finite values that round to zero. */
  readonly underflow: number;
  /**
   * FLOAT tensors: what `narrowFloat32` counts when converting the tensor (finite values that
   * round to ±Inf, nonzero values that round to 0), so a lazy weight's conversion need not read
   * it once more just to count.
   */
  readonly narrowing?: NarrowCounts;
}

/** Value-preserving ops the weight-range rule looks through to find a weight. */
const TRANSPARENT = new Set(['Identity', 'Reshape', 'Flatten', 'Squeeze', 'Unsqueeze', 'Transpose']);

/** The tensor of a Constant node (value, value_float, value_floats), or undefined. */
export function constantNodeTensor(n: Node): Tensor | undefined {
  if (n.domain !== '' || n.opType !== 'Constant') return undefined;
  const t = n.getTensor('value');
  if (t !== undefined) return t;
  const f = n.getFloat('value_float');
  if (n.attributes.get('value_float')?.type === 'FLOAT' && f !== undefined) return floatTensor([], [f]);
  const fs = n.getFloats('value_floats');
  if (fs !== undefined) return floatTensor([fs.length], fs);
  return undefined;
}

/**
 * The constant tensor a value holds when it is an initializer (also one that is a graph input,
 * IR < 4: its default) or a Constant node's output.
 */
export function directConstant(v: Value): Tensor | undefined {
  if (v.isInitializer()) return v.constValue;
  const p = v.producer();
  return p === undefined ? undefined : constantNodeTensor(p);
}

/** True when the value is a weight the conversion can store in 16-bit (an initializer that is not a graph input, or a Constant output). */
export function isPlannableConstant(v: Value): boolean {
  if (v.isInitializer()) return !v.isGraphInput() && v.constValue !== undefined;
  const p = v.producer();
  return p !== undefined && constantNodeTensor(p) !== undefined;
}

/** The constant behind a value, looking through Identity/Reshape/… chains of constants. */
export function constantBehind(v: Value): { readonly tensor: Tensor; readonly source: Value } | undefined {
  let cur: Value | undefined = v;
  for (let depth = 0; cur !== undefined && depth < 16; depth++) {
    const t = directConstant(cur);
    if (t !== undefined) return { tensor: t, source: cur };
    const p = cur.producer();
    if (p === undefined || p.domain !== '' || !TRANSPARENT.has(p.opType)) return undefined;
    cur = p.inputs[0];
  }
  return undefined;
}


/**
 * {@link rangeStats} of a FLOAT tensor by a plain loop over its bit patterns, chunk by chunk:
 * the reference of the census-based {@link rangeStatsFloat32} (tests compare the two).
 */
export function rangeStatsFloat32Loop(t: Tensor, target: LowPrecisionFloat): RangeStats {
  const scan = new RangeScan(target);
  forEachFloat32Chunk(t, (bits) => scan.add(bits));
  return scan.result(t.size);
}

/**
 * Eager FLOAT tensors of fewer elements than this (`Narrower.MIN_ELEMENTS`: below it the
 * narrower runs plain loops anyway) are scanned and converted straight on their array: the
 * chunked paths cost more per call than the loop itself on the small weights (biases, scales,
 * epsilons) of which a big graph has thousands.
 */
const SMALL_ELEMENTS = 1024;

/** The values of an eager FLOAT tensor of fewer than {@link SMALL_ELEMENTS} elements, else undefined. */
function smallFloat32(t: Tensor): Float32Array | undefined {
  if (t.isLazy || t.dtype !== DataType.FLOAT) return undefined;
  const d = t.data as Float32Array;
  return d.length < SMALL_ELEMENTS ? d : undefined;
}


/**
 * {@link rangeStats} of a FLOAT tensor on its raw bytes, by one census of the bit patterns
 * (`censusFloat32`: WebAssembly SIMD on big tensors; no float copy; a lazy tensor is read once).
 * Bounds on |bits|: nonzero, above the largest value that rounds to 0, the first that rounds to
 * Inf (FLOAT16; BFLOAT16: above its max, then the first that rounds to Inf), the sentinel
 * threshold, Inf; the largest magnitude below the sentinels is `absMax`.
 */
function rangeStatsFloat32(t: Tensor, target: LowPrecisionFloat, narrower: Narrower | undefined): RangeStats {
  const small = smallFloat32(t);
  if (small !== undefined) {
    const scan = new RangeScan(target);
    scan.add(new Uint32Array(small.buffer, small.byteOffset, small.length));
    return scan.result(small.length);
  }
  const S = SENTINEL_BITS;
  if (target === DataType.FLOAT16) {
    // |v| ≥ 65520 rounds to Inf, |v| ≤ 2^-25 to 0; every sentinel is above 65504 and rounds to Inf.
    const r = censusFloat32(t, [1, 0x33000001, 0x477ff000, S, 0x7f800000], S, 1, narrower);
    const c = r.atLeast;
    const overflow = c[2]! - c[3]!;
    const sentinels = c[3]! - c[4]!;
    const underflow = c[0]! - c[1]!;
    return {
      elements: t.size, absMax: bitsToFloat(r.maxBelow), overflow, sentinels, underflow,
      narrowing: { overflowed: overflow + sentinels, underflowed: underflow },
    };
  }
  // BFLOAT16: |bits| ≤ 0x8000 rounds to 0; sentinels above 0x7f7f0000 (its max) saturate, and
  // those at or above 0x7f7f8000 round to Inf; nothing below the sentinels overflows.
  const r = censusFloat32(t, [1, 0x8001, S, 0x7f7f0001, 0x7f7f8000, 0x7f800000], S, 1, narrower);
  const c = r.atLeast;
  const underflow = c[0]! - c[1]!;
  return {
    elements: t.size, absMax: bitsToFloat(r.maxBelow), overflow: 0, sentinels: c[3]! - c[5]!, underflow,
    narrowing: { overflowed: c[4]! - c[5]!, underflowed: underflow },
  };
}

/**
 * Range statistics of a FLOAT tensor against a 16-bit target. `narrower`: the conversion run's
 * (see `Narrower` in @mixprec/ir), reused for every weight; without one a big tensor gets its own.
 */
export function rangeStats(t: Tensor, target: LowPrecisionFloat, narrower?: Narrower): RangeStats {
  if (t.dtype === DataType.FLOAT) return rangeStatsFloat32(t, target, narrower);
  const x = tensorToFloat32(t);
  const max = maxFinite(target);
  const tiny = target === DataType.FLOAT16 ? 2.9802322387695312e-8 /* 2^-25: rounds to 0 */ : 0;
  let absMax = 0;
  let overflow = 0;
  let sentinels = 0;
  let underflow = 0;
  const bf = target === DataType.BFLOAT16 ? float32ToBFloat16Bits(x) : undefined;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    const a = Math.abs(v);
    if (!Number.isFinite(v)) continue;
    if (a >= SENTINEL_THRESHOLD) {
      if (a > max) sentinels++;
      continue;
    }
    if (a > absMax) absMax = a;
    if (target === DataType.FLOAT16) {
      if (a >= 65520) overflow++;
      else if (a !== 0 && a <= tiny) underflow++;
    } else if (a !== 0 && (bf![i]! & 0x7fff) === 0) {
      underflow++;
    }
  }
  return { elements: x.length, absMax, overflow, sentinels, underflow };
}

/** The outcome of converting one constant. */
export interface Converted {
  readonly tensor: Tensor;
  /** Values clamped to ±max (sentinels, and overflowing values of forced nodes). */
  readonly saturated: number;
  /** Nonzero values that rounded to zero. */
  readonly underflowed: number;
  /** Of those, how many were replaced by ±(smallest subnormal). */
  readonly replaced: number;
}

function keptMeta(m: TensorMeta): TensorMeta {
  const out: { -readonly [K in keyof TensorMeta]: TensorMeta[K] } = {};
  if (m.name !== undefined) out.name = m.name;
  if (m.docString !== undefined) out.docString = m.docString;
  if (m.metadataProps !== undefined) out.metadataProps = m.metadataProps;
  if (m.storage !== undefined) out.storage = m.storage;
  return out;
}

/**
 * Converts a FLOAT tensor to `target`: round to nearest even; finite values that would become
 * ±Inf saturate to ±max; nonzero values that round to zero are counted and, in tensors of
 * fewer than {@link UNDERFLOW_FIX_LIMIT} elements, replaced by ±(smallest subnormal).
 * `known`: the counts of the tensor's {@link rangeStats} for this target (`narrowing`), when
 * known: a lazy FLOAT tensor is then not read to count them again. `narrower`: as for
 * {@link rangeStats}; a lazy result keeps it to narrow when the saver reads it.
 */
export function convertTensor(t: Tensor, target: LowPrecisionFloat, known?: NarrowCounts, narrower?: Narrower): Converted {
  if (t.dtype === DataType.FLOAT) return convertFloat32(t, target, known, narrower);
  const x = tensorToFloat32(t);
  const bits = target === DataType.FLOAT16 ? float32ToFloat16Bits(x) : float32ToBFloat16Bits(x);
  const inf = target === DataType.FLOAT16 ? 0x7c00 : 0x7f80;
  const maxBits = target === DataType.FLOAT16 ? 0x7bff : 0x7f7f;
  const fix = x.length < UNDERFLOW_FIX_LIMIT;
  let saturated = 0;
  let underflowed = 0;
  let replaced = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    const h = bits[i]!;
    const mag = h & 0x7fff;
    if (mag === inf && Number.isFinite(v)) {
      bits[i] = (h & 0x8000) | maxBits;
      saturated++;
    } else if (mag === 0 && v !== 0) {
      underflowed++;
      if (fix) {
        bits[i] = (h & 0x8000) | 0x0001;
        replaced++;
      }
    }
  }
  return { tensor: Tensor.of(target, t.dims, bits, keptMeta(t.meta)), saturated, underflowed, replaced };
}

/**
 * {@link convertTensor} of a FLOAT tensor, in one pass over its raw bytes. A lazy tensor (e.g.
 * external data, or a view into the model file) is counted now (unless `known` has the counts
 * from its range statistics) and converted when its bytes are read (by the saver, one tensor at
 * a time), so the converted weights are never all in memory together.
 */
function convertFloat32(t: Tensor, target: LowPrecisionFloat, known: NarrowCounts | undefined, narrower: Narrower | undefined): Converted {
  const options = { saturate: true, keepTiny: t.size < UNDERFLOW_FIX_LIMIT };
  const n = t.size;
  let tensor: Tensor;
  let counts;
  if (t.isLazy) {
    counts = known ?? narrowFloat32(t, target, undefined, {}, narrower);
    tensor = Tensor.lazy(target, t.dims, {
      byteLength: n * 2,
      description: `${t.source!.description}, converted to ${dataTypeName(target)}`,
      read: () => {
        const bits = new Uint16Array(n);
        narrowFloat32(t, target, bits, options, narrower);
        return new Uint8Array(bits.buffer);
      },
      // The saver streams: the source is converted chunk by chunk and written in turn, through
      // the narrower's heap (chunks of up to 1 MiB, valid only during `f`), so no tensor-sized
      // array is allocated and the converted bytes are still in cache when they are written.
      readChunks: (f) => {
        narrowFloat32Chunks(t, target, options, f, narrower);
      },
    }, keptMeta(t.meta));
  } else {
    const bits = new Uint16Array(n);
    const small = smallFloat32(t);
    // (Small: the same plain loops the narrower would run, on the array's bytes directly.)
    counts = small !== undefined
      ? narrowFloat32Reference(new Uint8Array(small.buffer, small.byteOffset, small.byteLength), target, bits, options)
      : narrowFloat32(t, target, bits, options, narrower);
    tensor = Tensor.of(target, t.dims, bits, keptMeta(t.meta));
  }
  return { tensor, saturated: counts.overflowed, underflowed: counts.underflowed, replaced: options.keepTiny ? counts.underflowed : 0 };
}
