import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { ExecError } from './errors.js';
import { registerClipKernel, registerProductKernels } from './heap-kernels.js';
import { registerRoundKernels } from './round-kernels.js';

/** The tfjs backends the executor can run on, in default preference order. */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
export const BACKENDS: readonly BackendName[] = Object.freeze(['tensorflow', 'wasm', 'cpu']);

const require = createRequire(import.meta.url);

/** Points the wasm backend at the .wasm files shipped in its own dist folder (no network). */
function configureWasm(): void {
  setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + path.sep);
}

/** The cpu backend prints an advertising banner on first use; keep library code silent. */
function silenceCpuBanner(): void {
  const cpu = tf.findBackend('cpu') as { firstUse?: boolean } | null;
  if (cpu !== null && cpu !== undefined && 'firstUse' in cpu) cpu.firstUse = false;
}

async function tryBackend(name: BackendName): Promise<boolean> {
  try {
    if (name === 'tensorflow') {
      // Loads the native addon (optionalDependency); throws when it is absent or broken.
      require('@tensorflow/tfjs-node');
      if (tf.findBackendFactory('tensorflow') === null) return false;
    }
    if (name === 'wasm' && tf.findBackend('wasm') === null) configureWasm();
    const ok = await tf.setBackend(name);
    if (!ok) return false;
    await tf.ready();
    return tf.getBackend() === name;
  } catch {
    return false;
  }
}

/**
 * Picks and initialises a tfjs backend, explicitly (the wasm package makes itself the
 * highest priority on import, so no op may run before this). `prefer` is one backend name
 * or an ordered list; the default is `tensorflow` (tfjs-node, when it loads) → `wasm` → `cpu`.
 * The cpu backend is always initialised too, for kernels the wasm backend lacks.
 * Returns the chosen backend's name.
 */
export async function initBackend(prefer?: BackendName | readonly BackendName[]): Promise<BackendName> {
  const order = prefer === undefined ? BACKENDS : typeof prefer === 'string' ? [prefer] : prefer;
  for (const b of order) {
    if (!BACKENDS.includes(b)) throw new ExecError('InvalidInput', `Unknown backend '${String(b)}'; use one of ${BACKENDS.join(', ')}`);
  }
  if (tf.findBackend('cpu') === null) {
    await tf.setBackend('cpu');
    await tf.ready();
  }
  silenceCpuBanner();
  for (const b of order) {
    if (await tryBackend(b)) {
      silenceCpuBanner();
      registerRoundKernels(b);
      registerRoundKernels('cpu');
      if (b === 'wasm') {
        registerClipKernel(tf.backend());
        registerProductKernels(tf.backend());
      }
      return b;
    }
  }
  throw new ExecError('NoBackend', `No tfjs backend could be initialised (tried ${order.join(', ')})`);
}

/** The name of the active backend. */
export function activeBackend(): string {
  return tf.getBackend();
}

/**
 * Runs `fn` on the cpu backend (for kernels the active backend lacks), switching back after.
 * Both backends are initialised, so switching is synchronous; tfjs moves tensor data
 * between backends on demand.
 */
export function onCpu<T>(fn: () => T): T {
  const prev = tf.getBackend();
  if (prev === 'cpu') return fn();
  void tf.setBackend('cpu');
  try {
    return fn();
  } finally {
    void tf.setBackend(prev);
  }
}

/** True when the error says the active backend has no kernel for an op. */
export function isMissingKernelError(e: unknown): boolean {
  return e instanceof Error && /Kernel '.*' not registered for backend/.test(e.message);
}
