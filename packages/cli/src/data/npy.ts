import { DataType, Tensor, dataTypeName, storageArrayType, type TensorData } from '@mixprec/ir';

/** NumPy `descr` (little-endian or byte-order-free) → ONNX data type. */
const DESCR: Readonly<Record<string, DataType>> = {
  '<f4': DataType.FLOAT, '<f8': DataType.DOUBLE, '<f2': DataType.FLOAT16,
  '|i1': DataType.INT8, '|u1': DataType.UINT8, '<i2': DataType.INT16, '<u2': DataType.UINT16,
  '<i4': DataType.INT32, '<u4': DataType.UINT32, '<i8': DataType.INT64, '<u8': DataType.UINT64, '|b1': DataType.BOOL,
};

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/**
 * Reads a `.npy` file (format versions 1-3, C order, little-endian numeric dtypes and bool).
 * Throws an Error with a one-line message on anything else.
 */
export function decodeNpy(bytes: Uint8Array, what: string): Tensor {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw new Error(`${what}: not a .npy file (bad magic)`);
  const major = bytes[6]!;
  const headerLen = major === 1 ? bytes[8]! | (bytes[9]! << 8) : new DataView(bytes.buffer, bytes.byteOffset + 8, 4).getUint32(0, true);
  const start = major === 1 ? 10 : 12;
  if (start + headerLen > bytes.length) throw new Error(`${what}: truncated .npy header`);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) throw new Error(`${what}: unreadable .npy header '${header.trim()}'`);
  if (fortran === 'True') throw new Error(`${what}: Fortran-ordered arrays are not supported; save with np.ascontiguousarray`);
  const dtype = DESCR[descr === '<b1' ? '|b1' : descr === '<i1' ? '|i1' : descr === '<u1' ? '|u1' : descr];
  if (dtype === undefined) throw new Error(`${what}: unsupported dtype '${descr}' (use little-endian float16/32/64, int8-64, uint8-64 or bool)`);
  const dims = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  if (dims.some((d) => !Number.isSafeInteger(d) || d < 0)) throw new Error(`${what}: bad shape (${shapeText})`);
  const body = bytes.subarray(start + headerLen);
  const n = dims.reduce((a, b) => a * b, 1);
  const ctor = storageArrayType(dtype)!;
  if (body.length < n * ctor.BYTES_PER_ELEMENT) throw new Error(`${what}: holds ${body.length} data bytes, ${dataTypeName(dtype)}[${dims.join(',')}] needs ${n * ctor.BYTES_PER_ELEMENT}`);
  return Tensor.fromRawBytes(dtype, dims, body.subarray(0, n * ctor.BYTES_PER_ELEMENT));
}

/** Encodes a numeric tensor as a `.npy` (version 1) file. */
export function encodeNpy(t: Tensor): Uint8Array {
  const descr = Object.entries(DESCR).find(([, d]) => d === t.dtype)?.[0];
  if (descr === undefined) throw new Error(`cannot write ${t.toString()} as .npy`);
  const shape = t.dims.length === 1 ? `(${t.dims[0]},)` : `(${t.dims.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const data = t.rawBytes();
  const out = new Uint8Array(10 + header.length + data.length);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  out[8] = header.length & 0xff;
  out[9] = header.length >> 8;
  out.set(new TextEncoder().encode(header), 10);
  out.set(data, 10 + header.length);
  return out;
}

export type { TensorData };
