import type { Diagnostic, Model } from '@mixprec/ir';
import { createPassContext, runPipeline, sequential } from '@mixprec/passes';
import { dce } from '@mixprec/transforms';
import { fuseHardSwish } from './fuse-hard-swish.js';

/**
 * Runs the custom pass from code, in a pipeline with a shipped one (`dce` removes the constants
 * the fusion leaves), verifying the IR after each pass. Returns what the passes reported.
 */
export function fuseFromCode(model: Model, options: { hardSwish?: boolean } = {}): { modified: boolean; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const ctx = createPassContext({ verifyEach: true, report: (d) => diagnostics.push(d) });
  if (ctx._tag === 'Left') throw new Error(ctx.left.message);
  const pipeline = sequential('fuse', [fuseHardSwish({ hardSwish: options.hardSwish ?? true }), dce()]);
  const r = runPipeline(model, pipeline, ctx.right);
  if (r._tag === 'Left') throw new Error(r.left.message);
  return { modified: r.right.modified, diagnostics };
}
