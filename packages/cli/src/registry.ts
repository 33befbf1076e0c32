import { createPassRegistry, type PassRegistry, type PipelineAlias } from '@mixprec/passes';
import { transformAliases, transformPasses } from '@mixprec/transforms';

/** Pipeline aliases of the application (every pass registered). */
const APP_ALIASES: readonly PipelineAlias[] = [];

/** The registry of every pass shipped with mixprec, for pipelines from the command line. */
export function createAppRegistry(): PassRegistry {
  return createPassRegistry({
    passes: [...transformPasses],
    aliases: [...transformAliases, ...APP_ALIASES],
  });
}
