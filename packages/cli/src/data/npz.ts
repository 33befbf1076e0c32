import zlib from 'node:zlib';
import type { Tensor } from '@mixprec/ir';
import { decodeNpy } from './npy.js';

/**
 * Reads a `.npz` archive (a zip of `.npy` files, stored or deflated, as numpy's `savez` and
 * `savez_compressed` write): array name → tensor, in archive order.
 */
export function decodeNpz(bytes: Uint8Array, what: string): Map<string, Tensor> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // End of central directory: the last 22+ bytes, signature 0x06054b50.
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 65557); i--) {
    if (view.getUint32(i, true) === 0x06054b50) { eocd = i; break; }
  }
  if (eocd < 0) throw new Error(`${what}: not a .npz (zip) archive`);
  const count = view.getUint16(eocd + 10, true);
  let p = view.getUint32(eocd + 16, true);
  const out = new Map<string, Tensor>();
  for (let k = 0; k < count; k++) {
    if (p + 46 > bytes.length || view.getUint32(p, true) !== 0x02014b50) throw new Error(`${what}: corrupt zip central directory`);
    const method = view.getUint16(p + 10, true);
    const compSize = view.getUint32(p + 20, true);
    const nameLen = view.getUint16(p + 28, true);
    const extraLen = view.getUint16(p + 30, true);
    const commentLen = view.getUint16(p + 32, true);
    const local = view.getUint32(p + 42, true);
    const name = new TextDecoder().decode(bytes.subarray(p + 46, p + 46 + nameLen));
    p += 46 + nameLen + extraLen + commentLen;
    if (local + 30 > bytes.length || view.getUint32(local, true) !== 0x04034b50) throw new Error(`${what}: corrupt zip entry '${name}'`);
    const dataStart = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    const raw = bytes.subarray(dataStart, dataStart + compSize);
    let file: Uint8Array;
    if (method === 0) file = raw;
    else if (method === 8) file = zlib.inflateRawSync(raw);
    else throw new Error(`${what}: entry '${name}' uses zip method ${method}; only stored and deflated entries are supported`);
    if (!name.endsWith('.npy')) continue;
    out.set(name.slice(0, -4), decodeNpy(file, `${what}:${name}`));
  }
  return out;
}
