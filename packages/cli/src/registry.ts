import { PreconditionError } from '@mixprec/ir';
import { createPassRegistry, type PassRegistry, type PassRegistryInit, type PipelineAlias } from '@mixprec/passes';
import { ampAliases, createAmpPasses } from '@mixprec/amp';
import { foldConstantsConfigKeys, transformAliases, transformPasses } from '@mixprec/transforms';
import { CliError } from './errors.js';
import { shippedPolicies } from './policies.js';

/**
 * Optimisation levels over every registered pass (TVM's O-levels): O1 cleans up, O2 also folds
 * constants and batch norms, O3 adds type inference first so folding sees every static shape.
 */
const APP_ALIASES: readonly PipelineAlias[] = [
  { name: 'O1', description: 'Cleanup: sort, drop identities, merge duplicates, drop dead code', pipeline: 'cleanup' },
  { name: 'O2', description: 'O1 plus constant folding and BatchNormalization folding', pipeline: 'topo-sort,eliminate-identity,fold-batchnorm,fixpoint(fold-constants,cse,cast-cleanup,dce)' },
  { name: 'O3', description: 'O2 with type and shape inference first (folds Shape-derived constants)', pipeline: 'infer-types,O2' },
];

/**
 * The registry of every pass shipped with mixprec, for pipelines from the command line,
 * extended by `extra` (plugins, in order). A plugin pass or alias whose name is taken, or an
 * alias whose pipeline does not parse, is a {@link CliError} naming it.
 */
export function createAppRegistry(extra: readonly PassRegistryInit[] = []): PassRegistry {
  let registry = createPassRegistry({
    passes: [...transformPasses, ...createAmpPasses(shippedPolicies())],
    aliases: [...transformAliases, ...ampAliases, ...APP_ALIASES],
    configKeys: [...foldConstantsConfigKeys],
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
