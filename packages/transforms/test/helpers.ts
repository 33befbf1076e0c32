import { parseModel, printModel, type Model } from '@mixprec/ir';
import { createPassContext, createPassRegistry, runPipeline, type CollectingPassContext } from '@mixprec/passes';
import { transformAliases, transformPasses } from '../src/index.js';

export const registry = createPassRegistry({ passes: transformPasses, aliases: transformAliases });

export function parse(text: string): Model {
  const r = parseModel(text);
  if (r._tag === 'Left') throw new Error(r.left.message);
  return r.right;
}

/** Runs a pipeline (no verification unless asked) and returns the printed model and context. */
export function runText(text: string, pipeline: string, verifyEach = true): { out: string; modified: boolean; ctx: CollectingPassContext; model: Model } {
  const model = parse(text);
  const pass = registry.parse(pipeline);
  if (pass._tag === 'Left') throw new Error(pass.left.message);
  const ctx = createPassContext({ registry, verifyEach });
  if (ctx._tag === 'Left') throw new Error(ctx.left.message);
  const r = runPipeline(model, pass.right, ctx.right);
  if (r._tag === 'Left') throw new Error(r.left.message);
  return { out: printModel(model), modified: r.right.modified, ctx: ctx.right, model };
}

/** The lines between `{` and the final `}` of the main graph, trimmed. */
export function body(printed: string): string[] {
  const lines = printed.split('\n');
  const start = lines.findIndex((l) => l === '{');
  const end = lines.lastIndexOf('}');
  return lines.slice(start + 1, end).map((l) => l.trim());
}
