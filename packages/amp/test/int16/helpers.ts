import { parseModel, type Model } from '@mixprec/ir';
import { createPassRegistry } from '@mixprec/passes';
import { transformAliases, transformPasses } from '@mixprec/transforms';
import { int16, int64ToInt32 } from '../../src/index.js';

/** The transforms and the two integer passes. */
export const int16Registry = createPassRegistry({
  passes: [...transformPasses, int16, int64ToInt32],
  aliases: [...transformAliases],
});

export function parseText(text: string): Model {
  const r = parseModel(text);
  if (r._tag === 'Left') throw new Error(r.left.message);
  return r.right;
}
