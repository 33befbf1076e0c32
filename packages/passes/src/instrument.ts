import type { Model } from '@mixprec/ir';
import type { PassFailure } from './failure.js';
import type { PassInfo, PassResult } from './pass.js';

/**
 * Hooks around every pass the manager runs, composites included (MLIR `PassInstrumentation`,
 * TVM `PassInstrument`). For every `runBeforePass` call the manager makes exactly one
 * `runAfterPass` or `runAfterPassFailed` call on the same instrument, innermost pass first, so
 * instruments may keep a stack. An instrument that throws fails the pass it was called for.
 * Instruments are per-run objects: create a fresh one for each pipeline run.
 */
export interface PassInstrument {
  readonly name: string;
  /** Returning false skips the pass (any instrument can veto). */
  shouldRun?(model: Model, info: PassInfo): boolean;
  runBeforePass?(model: Model, info: PassInfo): void;
  runAfterPass?(model: Model, info: PassInfo, result: PassResult): void;
  /** The model may be invalid here; do not verify it. */
  runAfterPassFailed?(model: Model, info: PassInfo, failure: PassFailure): void;
}
