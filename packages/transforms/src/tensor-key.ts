import { DataType, type SparseTensor, type Tensor } from '@mixprec/ir';

/**
 * A digest of a tensor's dtype, dims and bytes (two 32-bit FNV-1a style hashes), for hash
 * tables; equal tensors have equal digests, and a digest match is confirmed with
 * {@link tensorsEqual}. Reads the bytes once: linear in the tensor size.
 */
export function tensorDigest(t: Tensor): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  const feed = (bytes: Uint8Array): void => {
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i]!;
      h1 = Math.imul(h1 ^ b, 0x01000193);
      h2 = Math.imul(h2 ^ b, 0x5bd1e995) ^ (h2 >>> 15);
    }
  };
  if (t.dtype === DataType.STRING) {
    for (const s of t.data as readonly Uint8Array[]) {
      feed(Uint8Array.of(s.length & 0xff, (s.length >>> 8) & 0xff, (s.length >>> 16) & 0xff, s.length >>> 24));
      feed(s);
    }
  } else {
    feed(t.rawBytes());
  }
  return `${t.dtype}[${t.dims.join(',')}]#${(h1 >>> 0).toString(16)}${(h2 >>> 0).toString(16)}`;
}

/** Exact equality of dtype, dims and bytes (NaN payloads and signed zeros included). */
export function tensorsEqual(a: Tensor, b: Tensor): boolean {
  if (a === b) return true;
  if (a.dtype !== b.dtype || a.dims.length !== b.dims.length) return false;
  for (let i = 0; i < a.dims.length; i++) if (a.dims[i] !== b.dims[i]) return false;
  if (a.dtype === DataType.STRING) {
    const x = a.data as readonly Uint8Array[];
    const y = b.data as readonly Uint8Array[];
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!bytesEqual(x[i]!, y[i]!)) return false;
    return true;
  }
  return bytesEqual(a.rawBytes(), b.rawBytes());
}

export function sparseDigest(s: SparseTensor): string {
  return `sparse[${s.dims.join(',')}](${tensorDigest(s.values)},${tensorDigest(s.indices)})`;
}

export function sparseEqual(a: SparseTensor, b: SparseTensor): boolean {
  return a.dims.length === b.dims.length && a.dims.every((d, i) => d === b.dims[i])
    && tensorsEqual(a.values, b.values) && tensorsEqual(a.indices, b.indices);
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
