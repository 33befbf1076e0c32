/**
 * @mixprec/amp: mixed precision (FP32 → FP16/BF16) and integer narrowing, with pluggable policies.
 */
export {
  LIST_LEVEL, accumulationDType, decide, type AccumulationName, type Color, type Decision, type Policy,
  type PolicyQuery, type PolicyRule, type RuledDecision,
} from './policy.js';
export { definePolicy, type PolicySpec } from './define-policy.js';
export {
  attrOrDefault, createPolicyQuery, inputShape, isDepthwiseConv, knownProduct, macsOf, outputShape, reductionDepth,
  weightElements, type PolicyQueryOptions,
} from './policy-helpers.js';
export { aggressive } from './policies/aggressive.js';
export { BALANCED_ENTRIES, balanced } from './policies/balanced.js';
export { BF16_RED_ENTRIES, bf16 } from './policies/bf16.js';
export { ACCUMULATING_OPS, TYPE_SEMANTIC_OPS } from './policies/op-families.js';
export {
  ColorC, DTypeNameC, PolicyJsonC, RuleJsonC, RuleWhenC, TargetC, decodePolicyJson, loadPolicyFile,
  type DecodePolicyOptions, type PolicyJson, type RuleJson,
} from './policy-codec.js';
export { formatPolicyFileError, type PolicyFileError, type PolicyFileIssue } from './policy-codec-errors.js';
export { encodeListPolicy } from './policy-codec-encode.js';
export { renderHtmlReport, type HtmlReportInput, type HtmlReportSource } from './report-html/render.js';
export { layoutGraph, type Layout, type LayoutInput, type LayoutOptions } from './report-html/layout.js';
