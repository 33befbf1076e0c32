import type { PassFactory, PipelineAlias } from '@mixprec/passes';
import { castCleanup } from './cast-cleanup.js';
import { constantToInitializer } from './constant-to-initializer.js';
import { cse } from './cse.js';
import { dce } from './dce.js';
import { eliminateIdentity } from './eliminate-identity.js';
import { inferTypes } from './infer-types.js';
import { foldConstants } from './fold-constants.js';
import { foldBatchnorm } from './fold-batchnorm.js';
import { topoSort } from './topo-sort.js';

/**
 * The passes of this package, for `createPassRegistry({ passes: [...transformPasses, …] })`.
 * Frozen; other packages export their own lists and the application combines them.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const transformPasses: readonly PassFactory<any>[] = Object.freeze([
  dce, cse, eliminateIdentity, topoSort, constantToInitializer, castCleanup,
  inferTypes, foldConstants, foldBatchnorm,
]);

/**
 * Pipeline aliases over this package's passes only (an application registering more passes,
 * e.g. fold-constants or amp, defines its own `O1`/`O2` instead of these).
 */
export const transformAliases: readonly PipelineAlias[] = Object.freeze([
  Object.freeze({ name: 'cleanup', description: 'Graph cleanup: sort, drop identities, merge duplicates, drop dead code', pipeline: 'topo-sort,eliminate-identity,fixpoint(cse,cast-cleanup,dce)' }),
]);
