import { toNumber, type AttrInt, type Node } from '@mixprec/ir';

/**
 * Sanity of a node's attributes and shapes, before it is converted. A hostile or damaged file
 * may hold values no exporter writes (a pad of 2^62): onnxruntime loads such a float32 node
 * (its shape inference only warns and falls back), but not the same node in float16, where it
 * builds tensors of the inferred, negative sizes while loading (found by fuzzing against
 * onnxruntime). Such nodes stay as they are.
 */

const INT64_MAX = 2n ** 63n - 1n;

/**
 * Integer attribute values beyond ±2^53 are kept exactly as bigints (see `AttrInt`); real models
 * hold only the int64 extremes there ("to the end" in Slice-1 `ends`, Shape `end`, …).
 */
function hostileInt(v: AttrInt): boolean {
  return typeof v === 'bigint' && v !== INT64_MAX && v !== -INT64_MAX && v !== -INT64_MAX - 1n;
}

/** Ops whose output spatial size follows from `kernel_shape`/`pads`/`strides`/`dilations`. */
export const SPATIAL: ReadonlySet<string> = new Set(['Conv', 'ConvTranspose', 'AveragePool', 'MaxPool', 'LpPool', 'DeformConv']);

/** Largest size a dimension can have (beyond it a double no longer counts elements exactly). */
const MAX_DIM = Number.MAX_SAFE_INTEGER;

function ints(n: Node, name: string): number[] | undefined {
  const a = n.attributes.get(name);
  return a?.type === 'INTS' ? a.value.map(toNumber) : undefined;
}

/** Numeric spatial dims of input `i` (dims 2…), or undefined when the shape or any of them is unknown. */
function spatialDims(n: Node, i: number): number[] | undefined {
  const s = n.inputs[i]?.shape;
  if (s === undefined || s.length < 3) return undefined;
  const out: number[] = [];
  for (const d of s.slice(2)) {
    if (typeof d !== 'number') return undefined;
    out.push(d);
  }
  return out;
}

/** Why the output size of a convolution/pooling node is impossible, or undefined. */
function spatialReason(n: Node): string | undefined {
  for (const name of ['strides', 'dilations', 'kernel_shape']) {
    const bad = ints(n, name)?.find((v) => !(v >= 1 && v <= MAX_DIM));
    if (bad !== undefined) return `attribute '${name}' holds ${bad}, which must be at least 1`;
  }
  const auto = n.getString('auto_pad');
  if (auto !== undefined && auto !== 'NOTSET') return undefined;
  const x = spatialDims(n, 0);
  if (x === undefined) return undefined;
  const r = x.length;
  const kernel = ints(n, 'kernel_shape') ?? (n.opType === 'Conv' || n.opType === 'ConvTranspose' ? spatialDims(n, 1) : undefined);
  if (kernel === undefined || kernel.length !== r) return undefined;
  const pads = ints(n, 'pads') ?? new Array<number>(2 * r).fill(0);
  const strides = ints(n, 'strides') ?? new Array<number>(r).fill(1);
  const dilations = ints(n, 'dilations') ?? new Array<number>(r).fill(1);
  if (pads.length !== 2 * r || strides.length !== r || dilations.length !== r) return undefined;
  const outPad = ints(n, 'output_padding') ?? new Array<number>(r).fill(0);
  const outShape = ints(n, 'output_shape');
  for (let k = 0; k < r; k++) {
    const span = (kernel[k]! - 1) * dilations[k]! + 1;
    let out: number;
    if (n.opType === 'ConvTranspose') {
      out = outShape !== undefined && outShape.length === r ? outShape[k]! : strides[k]! * (x[k]! - 1) + (outPad[k] ?? 0) + span - pads[k]! - pads[k + r]!;
    } else {
      const q = (x[k]! + pads[k]! + pads[k + r]! - span) / strides[k]!;
      out = (n.getInt('ceil_mode') === 1 ? Math.ceil(q) : Math.floor(q)) + 1;
    }
    if (!(out >= 0 && out <= MAX_DIM)) {
      return `its spatial output size ${k} would be ${out} (input ${x[k]}, kernel ${kernel[k]}, pads ${pads[k]}/${pads[k + r]}, stride ${strides[k]})`;
    }
  }
  return undefined;
}

/**
 * Why `n` must stay as it is, or undefined: an integer attribute beyond ±2^53 that is not an
 * int64 extreme, or (convolutions and pools) strides/dilations/kernel below 1 or an output size
 * that is negative or beyond 2^53 given the declared input shape.
 */
export function hostileReason(n: Node): string | undefined {
  // Most nodes of big graphs have no attributes: no iterator for them.
  if (n.attributes.size > 0) for (const [name, a] of n.attributes) {
    if (a.refAttrName !== undefined) continue;
    const bad = a.type === 'INT' ? (hostileInt(a.value) ? a.value : undefined) : a.type === 'INTS' ? a.value.find(hostileInt) : undefined;
    if (bad !== undefined) return `attribute '${name}' holds ${String(bad)}, beyond ±2^53`;
  }
  return n.domain === '' && SPATIAL.has(n.opType) ? spatialReason(n) : undefined;
}
