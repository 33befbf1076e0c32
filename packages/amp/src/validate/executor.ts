import type * as Executor from '@mixprec/executor-tfjs';

/**
 * The reference executor, loaded on first use: loading TensorFlow.js costs about 0.3 s, which
 * every user of `@mixprec/amp` that never validates (the CLI's `convert`) would otherwise pay at
 * start-up. A dynamic `import()` (not `require`): it shares the ES module instances (e.g. of
 * `@mixprec/ir`, whose Tensor class the executor checks feeds against) with the static imports,
 * also under loaders such as tsx whose `require` hook loads a separate copy. The module loader
 * caches it after the first call.
 */
export function executor(): Promise<typeof Executor> {
  return import('@mixprec/executor-tfjs');
}
