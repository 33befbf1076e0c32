/**
 * onnxruntime-node helpers shared by the end-to-end suites: IR tensors as ORT feeds (optionally
 * in a narrowed integer type), sessions that report a rejection as its message, and temporary
 * folders for the files the suites save.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { DataType, type Tensor } from '@mixprec/ir';

const ORT_TYPES: Readonly<Partial<Record<number, ort.Tensor.Type>>> = Object.freeze({
  [DataType.FLOAT]: 'float32', [DataType.UINT8]: 'uint8', [DataType.INT8]: 'int8', [DataType.UINT16]: 'uint16',
  [DataType.INT16]: 'int16', [DataType.INT32]: 'int32', [DataType.INT64]: 'int64', [DataType.STRING]: 'string',
  [DataType.BOOL]: 'bool', [DataType.FLOAT16]: 'float16', [DataType.DOUBLE]: 'float64', [DataType.UINT32]: 'uint32',
  [DataType.UINT64]: 'uint64',
});

const INT_RANGE: Readonly<Partial<Record<number, readonly [number, number]>>> = Object.freeze({
  [DataType.INT16]: [-32768, 32767], [DataType.INT32]: [-2147483648, 2147483647],
});

/**
 * An ORT tensor of `t`'s values, in dtype `as` when that is a narrowed integer graph input;
 * undefined when ORT's JS API has no such type or a value does not fit `as`.
 */
export function toOrt(t: Tensor, as: DataType = t.dtype): ort.Tensor | undefined {
  const type = ORT_TYPES[as];
  if (type === undefined || ORT_TYPES[t.dtype] === undefined) return undefined;
  const dims = [...t.dims];
  if (type === 'string') return new ort.Tensor('string', (t.data as readonly Uint8Array[]).map((b) => Buffer.from(b).toString('utf8')), dims);
  // A fresh, aligned copy: ORT reads feeds in place, and its vectorised float reductions sum in
  // an order that depends on the buffer's alignment (ReduceSum of the same 12 floats at byte
  // offsets 24 and 192 of a pooled buffer differ in the last bit).
  if (as === t.dtype) return new ort.Tensor(type, (t.data as Float32Array).slice() as ort.Tensor.DataType, dims);
  const r = INT_RANGE[as];
  if (r === undefined) return undefined;
  const xs = Array.from(t.data as ArrayLike<number | bigint>, Number);
  if (xs.some((x) => x < r[0] || x > r[1])) return undefined;
  return new ort.Tensor(type, as === DataType.INT16 ? Int16Array.from(xs) : Int32Array.from(xs), dims);
}

/** ORT feeds of IR tensors by input name; undefined when one has no ORT type. */
export function toOrtFeeds(feeds: Readonly<Record<string, Tensor>>): Record<string, ort.Tensor> | undefined {
  const out: Record<string, ort.Tensor> = {};
  for (const [name, t] of Object.entries(feeds)) {
    const o = toOrt(t);
    if (o === undefined) return undefined;
    out[name] = o;
  }
  return out;
}

/** A session on a model file or its bytes, or the message onnxruntime-node rejects it with. */
export async function trySession(model: string | Uint8Array, options: ort.InferenceSession.SessionOptions): Promise<ort.InferenceSession | string> {
  try {
    return typeof model === 'string' ? await ort.InferenceSession.create(model, options) : await ort.InferenceSession.create(model, options);
  } catch (e) {
    return (e as Error).message;
  }
}

/** A temporary folder, and the function that removes it. */
export function tempDir(prefix: string): [string, () => void] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return [dir, () => fs.rmSync(dir, { recursive: true, force: true })];
}
