import { PreconditionError } from '@mixprec/ir';
import { createPassRegistry, type PassRegistry, type PassRegistryInit, type PipelineAlias } from '@mixprec/passes';
import { transformAliases, transformPasses } from '@mixprec/transforms';
import { CliError } from './errors.js';

/** Pipeline aliases of the application (every pass registered). */
const APP_ALIASES: readonly PipelineAlias[] = [];

/**
 * The registry of every pass shipped with mixprec, for pipelines from the command line,
 * extended by `extra` (plugins, in order). A plugin pass or alias whose name is taken, or an
 * alias whose pipeline does not parse, is a {@link CliError} naming it.
 */
export function createAppRegistry(extra: readonly PassRegistryInit[] = []): PassRegistry {
  let registry = createPassRegistry({
    passes: [...transformPasses],
    aliases: [...transformAliases, ...APP_ALIASES],
  });
  for (const init of extra) {
    try {
      registry = registry.extend(init);
    } catch (e) {
      if (e instanceof PreconditionError) throw new CliError(`--plugin: ${e.message}; rename the plugin's pass or alias`);
      throw e;
    }
  }
  return registry;
}
