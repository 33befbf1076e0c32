/**
 * @mixprec/amp: mixed precision (FP32 → FP16/BF16) and integer narrowing, with pluggable policies.
 */
export {
  LIST_LEVEL, accumulationDType, decide, type AccumulationName, type Color, type Decision, type Policy,
  type PolicyQuery, type PolicyRule, type RuledDecision,
} from './policy.js';
export { definePolicy, type PolicySpec } from './define-policy.js';
