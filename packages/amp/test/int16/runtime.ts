import * as ort from 'onnxruntime-node';
import { DataType, Tensor, tensorToFloat64, type TensorData } from '@mixprec/ir';

const ORT_TYPES: Readonly<Partial<Record<number, ort.Tensor.Type>>> = {
  [DataType.FLOAT]: 'float32', [DataType.UINT8]: 'uint8', [DataType.INT8]: 'int8', [DataType.UINT16]: 'uint16',
  [DataType.INT16]: 'int16', [DataType.INT32]: 'int32', [DataType.INT64]: 'int64', [DataType.BOOL]: 'bool',
  [DataType.FLOAT16]: 'float16', [DataType.DOUBLE]: 'float64', [DataType.UINT32]: 'uint32', [DataType.UINT64]: 'uint64',
};

const FROM_ORT: Readonly<Record<string, DataType>> = Object.fromEntries(
  Object.entries(ORT_TYPES).map(([k, v]) => [v!, Number(k) as DataType]),
);

/** An integer feed converted to the (narrower or wider) integer type the converted model takes. */
export function castFeed(t: Tensor, dtype: DataType): Tensor {
  if (t.dtype === dtype) return t;
  const xs = tensorToFloat64(t);
  const n = xs.length;
  switch (dtype) {
    case DataType.INT16: return Tensor.of(dtype, t.dims, Int16Array.from(xs));
    case DataType.INT32: return Tensor.of(dtype, t.dims, Int32Array.from(xs));
    case DataType.INT64: return Tensor.of(dtype, t.dims, BigInt64Array.from({ length: n }, (_, i) => BigInt(xs[i]!)));
    default: throw new Error(`castFeed: no conversion to ${dtype}`);
  }
}

export function toOrt(t: Tensor): ort.Tensor {
  const type = ORT_TYPES[t.dtype];
  if (type === undefined) throw new Error(`no ORT type for ${t.toString()}`);
  return new ort.Tensor(type, t.data as ort.Tensor.DataType, [...t.dims]);
}

/** Runs a session; outputs as IR tensors. */
export async function ortOutputs(s: ort.InferenceSession, feeds: Readonly<Record<string, Tensor>>): Promise<Record<string, Tensor>> {
  const inputs: Record<string, ort.Tensor> = {};
  for (const [k, t] of Object.entries(feeds)) inputs[k] = toOrt(t);
  const out = await s.run(inputs);
  const res: Record<string, Tensor> = {};
  for (const [k, t] of Object.entries(out)) {
    const dtype = FROM_ORT[t.type];
    if (dtype === undefined) throw new Error(`output '${k}' has ORT type ${t.type}`);
    res[k] = Tensor.of(dtype, t.dims.map(Number), t.data as TensorData);
  }
  return res;
}

/**
 * Same shape and the same values element by element (integers of different widths compare by
 * value; floats bit for bit, NaN equal to NaN).
 */
export function sameValues(a: Tensor, b: Tensor): boolean {
  if (a.dims.length !== b.dims.length || a.dims.some((d, i) => d !== b.dims[i])) return false;
  if (a.dtype === DataType.FLOAT || b.dtype === DataType.FLOAT) {
    if (a.dtype !== b.dtype) return false;
    const x = new Uint32Array((a.data as Float32Array).buffer, (a.data as Float32Array).byteOffset, a.size);
    const y = new Uint32Array((b.data as Float32Array).buffer, (b.data as Float32Array).byteOffset, b.size);
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
    return true;
  }
  const da = a.data as ArrayLike<number | bigint>;
  const db = b.data as ArrayLike<number | bigint>;
  for (let i = 0; i < a.size; i++) if (BigInt(da[i]!) !== BigInt(db[i]!)) return false;
  return true;
}
