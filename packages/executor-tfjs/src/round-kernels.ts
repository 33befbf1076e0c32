import * as tf from '@tensorflow/tfjs-core';
import { DataType, roundToBFloat16, roundToFloat16 } from '@mixprec/ir';
import { heapKernel } from './heap-kernels.js';

/**
 * tfjs kernels `MixprecRoundF16` and `MixprecRoundBF16`: they snap a float32 tensor onto the
 * FLOAT16 / BFLOAT16 grid (nearest, ties to even, overflow to ±Inf, subnormals, NaN and −0
 * kept) with the exact bit loops of `@mixprec/ir`. Registered for the backends in use; on
 * the wasm backend they run the same loops as SIMD WebAssembly inside the backend's heap
 * (see `wasm-module.ts`), elsewhere on a host copy.
 */
export const ROUND_F16 = 'MixprecRoundF16';
export const ROUND_BF16 = 'MixprecRoundBF16';

interface HostBackend {
  readSync(dataId: object): unknown;
  write(values: Float32Array, shape: number[], dtype: string): object;
}

function kernelFor(round: (src: Float32Array, dst?: Float32Array) => Float32Array): tf.KernelFunc {
  return ({ inputs, backend }) => {
    const x = inputs['x'] as tf.TensorInfo;
    const b = backend as unknown as HostBackend;
    // The cpu backend may hold a float32 tensor in an Int32Array (a cast from int32 keeps
    // the values array): round the numbers, not their bit patterns.
    const data = b.readSync(x.dataId) as Float32Array | Int32Array | Uint8Array;
    const src = data instanceof Float32Array ? data : Float32Array.from(data);
    const out = round(src, new Float32Array(src.length));
    return { dataId: b.write(out, [...x.shape], 'float32'), shape: [...x.shape], dtype: 'float32' };
  };
}

/** Registers both rounding kernels for `backendName` (idempotent). */
export function registerRoundKernels(backendName: string): void {
  const table = [
    [ROUND_F16, roundToFloat16, 'roundF16'],
    [ROUND_BF16, roundToBFloat16, 'roundBF16'],
  ] as const;
  for (const [name, fn, heapFn] of table) {
    if (tf.getKernel(name, backendName) !== undefined) continue;
    const host = kernelFor(fn);
    const kernelFunc = backendName === 'wasm' ? heapKernel((k, src, dst, n) => k[heapFn](src, dst, n), host) : host;
    tf.registerKernel({ kernelName: name, backendName, kernelFunc });
  }
}

/**
 * `x` (float32) rounded onto the grid of `dtype` (FLOAT16 or BFLOAT16); other dtypes: `x`.
 * Runs the registered kernel; on a backend without it (or whose host API differs) the same
 * bit loop runs on a host copy.
 */
export function roundTensor(x: tf.Tensor, dtype: DataType): tf.Tensor {
  if (x.dtype !== 'float32') return x;
  const name = dtype === DataType.FLOAT16 ? ROUND_F16 : dtype === DataType.BFLOAT16 ? ROUND_BF16 : undefined;
  if (name === undefined) return x;
  if (tf.getKernel(name, tf.getBackend()) !== undefined) {
    try {
      return tf.engine().runKernel(name, { x }) as tf.Tensor;
    } catch {
      // fall through to the host copy
    }
  }
  const round = dtype === DataType.FLOAT16 ? roundToFloat16 : roundToBFloat16;
  const data = x.dataSync();
  const src = data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>);
  return tf.tensor(round(src, new Float32Array(x.size)), x.shape, 'float32');
}
