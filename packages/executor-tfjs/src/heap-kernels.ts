import * as tf from '@tensorflow/tfjs-core';
import { instantiateDepthwise, type Depthwise } from './depthwise-module.js';
import type { FusedKernel } from './fused-module.js';
import { instantiateGemm, type Gemm } from './gemm-module.js';
import { instantiateHeapKernels, type HeapKernels } from './wasm-module.js';

/**
 * tfjs kernels for the wasm backend that run the executor's own WebAssembly module
 * ({@link instantiateHeapKernels}) on the backend's heap: the input is read and the output
 * written where the backend keeps them, with no host copy.
 */

/** What these kernels use of `tfjs-backend-wasm`'s backend object (its public fields). */
interface WasmBackendLike {
  readonly wasm: { readonly asm?: Readonly<Record<string, unknown>> } | null;
  readonly dataIdMap: { get(dataId: object): { readonly memoryOffset: number | null; readonly refCount: number; readonly dtype: string } | undefined };
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
}

/** The WebAssembly.Memory the backend's module exports, if it is reachable. */
function memoryOf(backend: unknown): WebAssembly.Memory | undefined {
  const b = backend as Partial<WasmBackendLike> | null;
  const asm = b?.wasm?.asm;
  if (asm === undefined || asm === null || b?.dataIdMap === undefined || typeof b.makeOutput !== 'function') return undefined;
  for (const v of Object.values(asm)) if (v instanceof WebAssembly.Memory) return v;
  return undefined;
}

/**
 * A resolver of the module for a backend: instantiated once per backend memory (a kernel
 * closure keeps it), undefined when the backend does not expose its memory or the runtime
 * lacks WebAssembly SIMD.
 */
function heapResolver(): (backend: unknown) => HeapKernels | undefined {
  let last: unknown;
  let memory: WebAssembly.Memory | undefined;
  let kernels: HeapKernels | undefined;
  return (backend) => {
    if (backend === last && memory !== undefined) return kernels;
    const m = memoryOf(backend);
    last = backend;
    if (m === undefined) return undefined;
    if (m !== memory) {
      memory = m;
      kernels = instantiateHeapKernels(m);
    }
    return kernels;
  };
}

/**
 * The heap kernels of the active backend when it is the wasm backend and exposes its memory;
 * `previous` is reused while the memory is the same (the module is instantiated once).
 */
export function activeHeapKernels(previous?: ActiveHeap): ActiveHeap | undefined {
  if (tf.getBackend() !== 'wasm') return undefined;
  const backend = tf.backend();
  if (previous?.backend === backend) return previous;
  const memory = memoryOf(backend);
  if (memory === undefined) return undefined;
  const kernels = previous?.memory === memory ? previous.kernels : instantiateHeapKernels(memory);
  return kernels === undefined ? undefined : { backend, memory, kernels };
}

/** The heap kernels bound to one wasm backend object and its memory. */
export interface ActiveHeap {
  readonly backend: unknown;
  readonly memory: WebAssembly.Memory;
  readonly kernels: HeapKernels;
}

/**
 * Rounds a float32 tensor onto a 16-bit grid in place, in the wasm heap, when that is safe: the
 * active backend is wasm, the data lives there, and no other tensor shares it (refCount 1).
 * Returns false (and changes nothing) otherwise.
 */
export function roundInPlace(k: HeapKernels, t: tf.Tensor, grid: 'fp16' | 'bf16'): boolean {
  if (t.dtype !== 'float32') return false;
  const b = tf.backend() as unknown as WasmBackendLike;
  const d = b.dataIdMap.get(t.dataId);
  if (d === undefined || d.refCount !== 1 || d.memoryOffset === null || d.dtype !== 'float32') return false;
  if (t.size > 0) (grid === 'fp16' ? k.roundF16 : k.roundBF16)(d.memoryOffset, d.memoryOffset, t.size);
  return true;
}

/** True when the wasm backend object exposes what the heap kernels need (and SIMD works). */
export function heapKernelsAvailable(backend: unknown): boolean {
  const m = memoryOf(backend);
  return m !== undefined && instantiateHeapKernels(m) !== undefined;
}

function offsetOf(b: WasmBackendLike, t: tf.TensorInfo): number {
  const off = b.dataIdMap.get(t.dataId)?.memoryOffset;
  if (off === undefined || off === null) throw new Error(`Internal: tensor data is not in the wasm heap`);
  return off;
}

/**
 * A float32 → float32 elementwise kernel on the heap; `fallback` runs when the backend's
 * memory is not reachable.
 */
export function heapKernel(
  run: (k: HeapKernels, src: number, dst: number, n: number, attrs: tf.NamedAttrMap) => void,
  fallback: tf.KernelFunc,
): tf.KernelFunc {
  const resolve = heapResolver();
  return (args) => {
    const k = resolve(args.backend);
    if (k === undefined) return fallback(args);
    const b = args.backend as unknown as WasmBackendLike;
    const x = args.inputs['x'] as tf.TensorInfo;
    if (x.dtype !== 'float32') return fallback(args);
    const shape = [...x.shape];
    const out = b.makeOutput(shape, 'float32');
    let n = 1;
    for (const d of shape) n *= d;
    if (n > 0) run(k, offsetOf(b, x), offsetOf(b, out), n, args.attrs ?? {});
    return out;
  };
}

/** Name of the clamp kernel (`attrs`: lo, hi), registered for the wasm backend only. */
export const CLIP = 'MixprecClip';

interface HostBackend {
  readSync(dataId: object): unknown;
  write(values: Float32Array, shape: number[], dtype: string): object;
}

/** min(max(x, lo), hi) on a host copy (NaN propagates, as in the heap kernel). */
const hostClip: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const x = inputs['x'] as tf.TensorInfo;
  const b = backend as unknown as HostBackend;
  const src = b.readSync(x.dataId) as Float32Array;
  const lo = Number(attrs?.['lo']);
  const hi = Number(attrs?.['hi']);
  const out = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = Math.min(Math.max(src[i]!, lo), hi);
  return { dataId: b.write(out, [...x.shape], 'float32'), shape: [...x.shape], dtype: 'float32' };
};

/**
 * Registers {@link CLIP} for the wasm backend when its heap is reachable (idempotent). tfjs'
 * own ClipByValue on wasm turns NaN into the lower bound, and Maximum/Minimum with a scalar
 * take a slow broadcasting path there; this kernel is one SIMD pass with ONNX semantics.
 */
export function registerClipKernel(backend: unknown): void {
  if (tf.getKernel(CLIP, 'wasm') !== undefined || !heapKernelsAvailable(backend)) return;
  tf.registerKernel({
    kernelName: CLIP, backendName: 'wasm',
    kernelFunc: heapKernel((k, src, dst, n, attrs) => k.clip(src, dst, n, Number(attrs['lo']), Number(attrs['hi'])), hostClip),
  });
}

/**
 * Name of the matrix-product kernel (gemm-module.ts), registered for the wasm backend only:
 * inputs `a` [M, K], `b` (packed by `packColumns`), `bias` [N]; attrs m, n, k; output [M, N].
 */
export const GEMM = 'MixprecGemm';

/**
 * Name of the depthwise convolution kernel (depthwise-module.ts), registered for the wasm
 * backend only: inputs `x` [N, H, W, C] (C a multiple of 4), `filter` [kh, kw, C, 1], `bias`
 * [C]; attrs sh, sw (strides), pt, pl (padding above, left), oh, ow; output [N, oh, ow, C].
 */
export const DEPTHWISE = 'MixprecDepthwise';

/**
 * Registers a kernel of the wasm backend running a function of the executor's own modules
 * on the backend's heap, instantiated once per memory (idempotent; nothing when the heap is
 * not reachable or WebAssembly SIMD is missing).
 */
function registerOnHeap<F>(
  name: string, backend: unknown, make: (memory: WebAssembly.Memory) => F | undefined,
  run: (f: F, b: WasmBackendLike, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap) => tf.TensorInfo,
): void {
  if (tf.getKernel(name, 'wasm') !== undefined) return;
  const memory = memoryOf(backend);
  if (memory === undefined || make(memory) === undefined) return;
  let bound: { memory: WebAssembly.Memory; f: F } | undefined;
  tf.registerKernel({
    kernelName: name, backendName: 'wasm',
    kernelFunc: ({ inputs, backend: be, attrs }) => {
      const mem = memoryOf(be);
      if (mem === undefined) throw new Error(`Internal: ${name} runs on the wasm backend only`);
      if (bound?.memory !== mem) bound = { memory: mem, f: make(mem)! };
      return run(bound.f, be as unknown as WasmBackendLike, inputs, attrs ?? {});
    },
  });
}

/**
 * Name of the fused elementwise kernel (fusion.ts), registered for the wasm backend only:
 * inputs `t0` … (tensors of one shape), attrs `kernel` (a FusedKernel), `scalars`; output of
 * t0's shape.
 */
export const FUSED = 'MixprecFused';

/** Registers {@link GEMM}, {@link DEPTHWISE} and {@link FUSED} for the wasm backend (see registerOnHeap). */
export function registerProductKernels(backend: unknown): void {
  registerOnHeap<WebAssembly.Memory>(FUSED, backend, (memory) => memory, (memory, b, inputs, attrs) => {
    const kernel = attrs['kernel'] as unknown as FusedKernel;
    const count = Number(attrs['count']);
    const t0 = inputs['t0']!;
    const out = b.makeOutput([...t0.shape], 'float32');
    let n = 1;
    for (const d of t0.shape) n *= d;
    const offsets: number[] = [];
    for (let i = 0; i < count; i++) offsets.push(offsetOf(b, inputs[`t${i}`]!));
    if (n > 0) kernel.run(memory, offsets, offsetOf(b, out), n, attrs['scalars'] as number[]);
    return out;
  });
  registerOnHeap<Gemm>(GEMM, backend, instantiateGemm, (gemm, b, inputs, attrs) => {
    const [m, n, k] = [Number(attrs['m']), Number(attrs['n']), Number(attrs['k'])];
    const out = b.makeOutput([m, n], 'float32');
    if (m > 0 && n > 0) gemm(offsetOf(b, inputs['a']!), offsetOf(b, inputs['b']!), offsetOf(b, out), offsetOf(b, inputs['bias']!), m, n, k);
    return out;
  });
  registerOnHeap<Depthwise>(DEPTHWISE, backend, instantiateDepthwise, (dw, b, inputs, attrs) => {
    const x = inputs['x']!;
    const f = inputs['filter']!;
    const [n, h, w, c] = x.shape as [number, number, number, number];
    const s = {
      n, h, w, c, kh: f.shape[0]!, kw: f.shape[1]!, sh: Number(attrs['sh']), sw: Number(attrs['sw']),
      pt: Number(attrs['pt']), pl: Number(attrs['pl']), oh: Number(attrs['oh']), ow: Number(attrs['ow']),
    };
    const out = b.makeOutput([n, s.oh, s.ow, c], 'float32');
    if (n * s.oh * s.ow * c > 0) dw(offsetOf(b, x), offsetOf(b, f), offsetOf(b, inputs['bias']!), offsetOf(b, out), s);
    return out;
  });
}
