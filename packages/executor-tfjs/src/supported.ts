import { KERNELS } from './kernels/index.js';
import type { KernelTable } from './registry.js';

/** The kernel registry (read-only), keyed `${domain}::${opType}` (`''` is the ONNX domain). */
export const kernels: KernelTable = KERNELS;

/** Every supported op as `domain::opType` (ONNX domain written `ai.onnx`), sorted. */
export function supportedOps(): string[] {
  return [...KERNELS.keys()].map((k) => (k.startsWith('::') ? `ai.onnx${k}` : k)).sort();
}
