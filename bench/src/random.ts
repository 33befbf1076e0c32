/**
 * Deterministic pseudo-random weights for the generated models: a seeded xorshift32 stream,
 * so the same generator parameters always give the same bytes (the model cache relies on it),
 * and lazy tensor sources that produce their bytes only when the saver asks for them.
 */
import { DataType, Tensor, type TensorSource } from '@mixprec/ir';

/** A 32-bit seed from a string (FNV-1a), never 0 (xorshift's fixed point). */
export function seedOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h === 0 ? 0x9e3779b9 : h;
}

/**
 * Fills `out` with values uniform in [-scale, scale) from the xorshift32 stream of `seed`.
 * Returns the state after the last value, so long tensors can be produced in chunks.
 */
export function fillUniform(out: Float32Array, seed: number, scale: number): number {
  let x = seed >>> 0;
  const k = (2 * scale) / 4294967296;
  for (let i = 0; i < out.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = (x >>> 0) * k - scale;
  }
  return x >>> 0;
}

/**
 * A FLOAT tensor of uniform values in [-scale, scale) whose bytes are generated on each read
 * and never kept: the saver streams it, so a generator holds one tensor at a time.
 */
export function lazyUniform(dims: readonly number[], seed: string, scale: number): Tensor {
  const count = dims.reduce((a, b) => a * b, 1);
  const s = seedOf(seed);
  const source: TensorSource = {
    byteLength: count * 4,
    description: `generated uniform(${scale}) '${seed}'`,
    read: () => {
      const f = new Float32Array(count);
      fillUniform(f, s, scale);
      return new Uint8Array(f.buffer);
    },
  };
  return Tensor.lazy(DataType.FLOAT, dims, source);
}

/** An eager FLOAT tensor of uniform values (small tensors). */
export function uniform(dims: readonly number[], seed: string, scale: number): Tensor {
  const f = new Float32Array(dims.reduce((a, b) => a * b, 1));
  fillUniform(f, seedOf(seed), scale);
  return Tensor.of(DataType.FLOAT, dims, f);
}
