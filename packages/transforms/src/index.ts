/**
 * @mixprec/transforms: common graph passes (dce, cse, eliminate-identity, topo-sort,
 * constant-to-initializer, cast-cleanup) and the helpers they share.
 */
export { dce } from './dce.js';
export { cse } from './cse.js';
export { eliminateIdentity } from './eliminate-identity.js';
export { topoSort } from './topo-sort.js';
export { constantToInitializer } from './constant-to-initializer.js';
export { castCleanup } from './cast-cleanup.js';
export { inferTypes, untypedValues } from './infer-types.js';
export {
  FOLD_CONSTANTS_EVALUATOR, SMALL_OUTPUT, createFoldConstants, foldConstants, foldConstantsConfigKeys,
  type FoldConstantsOptions,
} from './fold-constants.js';
export { foldBatchnorm } from './fold-batchnorm.js';
export { builtinEvaluator, builtinEvaluatorOps, chainEvaluators, type EvalInfo, type Evaluator } from './evaluator.js';
export { castTensor, float64ToBFloat16Bits, float64ToFloat16Bits } from './const-eval-numeric.js';
export { transformAliases, transformPasses } from './pass-list.js';
export { canForwardValue, forwardValue, isOutputOf } from './rewrite.js';
export { constantValue, type ConstantValue } from './constant-value.js';
export { castTarget, chainCollapse, isExactCast, isLatticeType, isPlainCast, isStandardFloatType } from './cast-lattice.js';
export { attrKey, attrsEqual, attrsKey } from './node-key.js';
export { sparseDigest, sparseEqual, tensorDigest, tensorsEqual } from './tensor-key.js';
