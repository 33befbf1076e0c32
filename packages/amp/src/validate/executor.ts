import { createRequire } from 'node:module';
import type * as Executor from '@mixprec/executor-tfjs';

/**
 * The reference executor, loaded on first use: loading TensorFlow.js costs about 0.3 s, which
 * every user of `@mixprec/amp` that never validates (the CLI's `convert`) would otherwise pay at
 * start-up. `require` (not `import()`) so that it shares module instances (e.g. of
 * `@mixprec/ir`, whose Tensor class the executor checks) with static imports under any loader;
 * Node caches it after the first call.
 */
export function executor(): typeof Executor {
  return createRequire(import.meta.url)('@mixprec/executor-tfjs') as typeof Executor;
}
