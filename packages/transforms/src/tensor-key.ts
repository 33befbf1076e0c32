import { DataType, Tensor, type SparseTensor } from '@mixprec/ir';

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
    // A lazy tensor (file-backed weights) streams: never whole in memory.
    t.forEachRawChunk(feed);
  }
  return `${t.dtype}[${t.dims.join(',')}]#${(h1 >>> 0).toString(16)}${(h2 >>> 0).toString(16)}`;
}

/** Bytes a {@link bucketKey} reads of a lazy tensor. */
const SAMPLE_BYTES = 64 << 10;

/**
 * A hash-table key for initializers: {@link tensorDigest}, except for lazy tensors whose
 * source can read a range (`readInto`): dtype, dims, size and a digest of their first 64 KiB,
 * so that weights of a big model are not all read to find the few equal ones (equal tensors
 * still get equal keys; {@link tensorsEqual} confirms a match).
 */
export function bucketKey(t: Tensor): string {
  const src = t.source;
  if (src?.readInto === undefined || t.dtype === DataType.STRING) return tensorDigest(t);
  const head = new Uint8Array(Math.min(SAMPLE_BYTES, src.byteLength));
  src.readInto(head, 0);
  return `${t.dtype}[${t.dims.join(',')}]${src.byteLength}~${tensorDigest(Tensor.of(DataType.UINT8, [head.length], head))}`;
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
  if (a.isLazy || b.isLazy) return lazyBytesEqual(a, b);
  return bytesEqual(a.rawBytes(), b.rawBytes());
}

/**
 * Byte equality with at least one lazy side, chunk by chunk: `a`'s chunks against the same
 * range of `b` read with `readInto` (either way round), so neither is whole in memory; without
 * a range reader on either side, both are read whole.
 */
function lazyBytesEqual(a: Tensor, b: Tensor): boolean {
  if (a.byteLength !== b.byteLength) return false;
  const [stream, ranged] = b.source?.readInto !== undefined ? [a, b] : [b, a];
  const readInto = ranged.source?.readInto?.bind(ranged.source);
  if (readInto === undefined) return bytesEqual(a.rawBytes(), b.rawBytes());
  let at = 0;
  let equal = true;
  let other = new Uint8Array(0);
  stream.forEachRawChunk((chunk) => {
    if (!equal) return;
    if (other.length < chunk.length) other = new Uint8Array(chunk.length);
    const view = other.subarray(0, chunk.length);
    readInto(view, at);
    at += chunk.length;
    if (!bytesEqual(chunk, view)) equal = false;
  });
  return equal;
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
