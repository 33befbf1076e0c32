/**
 * @mixprec/amp: mixed precision (FP32 → FP16/BF16) and integer narrowing, with pluggable policies.
 */
export {
  LIST_LEVEL, accumulationDType, decide, type AccumulationName, type Color, type Decision, type Policy,
  type PolicyQuery, type PolicyRule, type RuledDecision, type RuleScope,
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
export {
  AmpError, AmpPassOptionsC, nameMatcher, resolveAmpOptions,
  type AmpOptionError, type AmpOptions, type AmpPassOptions, type Calibration, type CalibrationRange, type NameMatcher,
  type ResolvedAmpOptions, type TargetName,
} from './options.js';
export { DEFAULT_POLICY, builtinPolicies, createPolicyRegistry, type PolicyRegistry } from './policy-registry.js';
export { formatPlan, type KeptForRange, type NodePlan, type Plan, type PlanColor, type PlanRule } from './plan.js';
export { analyse, planMixedPrecision } from './analysis.js';
export { applyPlan, ACCUMULATION_KEY, accumulationName } from './rewrite.js';
export { MATERIALIZED_KEY } from './analysis-node.js';
export type { CastReason, CastRecord, ConstantRecord, RetargetRecord, RewriteLog, TensorRecord } from './rewrite-log.js';
export { amp, createAmpPass, runAmp, runDiagnostics, type AmpRun } from './amp-pass.js';
export { ampAliases, ampPasses, createAmpPasses } from './pass-list.js';
export { buildReport, type AmpReport, type IoChange, type RemovedCast, type ReportNode } from './report.js';
export { formatReport } from './format-report.js';
export { weightCensus, type WeightCensus } from './census.js';
export { nodeFlops } from './flops.js';
export { checkIoContract } from './io-contract.js';
export { CAST_STRING_TO_BELOW, ioKeptFloat32, ortCpuKernelTable, runtimeGap, type RuntimeName } from './runtime-gaps.js';
export { ortKernelStatus, type OrtKernelLookup, type OrtKernelStatus, type OrtKernelTable } from './runtime-gaps-table.js';
export {
  castFp32ToFp16, castInt32ToInt16, castTo16BitPrecision, type ConvertOptions, type SixteenBitOptions,
  type SixteenBitReport,
} from './api.js';
export { int16, int64ToInt32, narrowIntegers, type NarrowIntegersOptions } from './int16/int16-pass.js';
export {
  explainNarrowing, summarizeNarrowing, type CandidateTensor, type Int16Report, type IntegerNarrowingReport, type UnitReport,
} from './int16/report.js';
export type { NarrowingRule, ValueMode } from './int16/narrowing-plan.js';
export type { ConvertedConstant, InsertedCast } from './int16/rewrite.js';
export {
  DEFAULT_INTENSIVE_OPS, DEFAULT_MIN_ELEMENTS, defaultIntegerPolicy, defineIntegerPolicy,
  type IntegerPolicy, type IntegerPolicyQuery, type IntegerPolicySpec, type IntegerRuntime,
} from './int16/integer-policy.js';
export { ORT_CPU_VERSION, ortCpuRuns, ortCpuTable } from './int16/ort-kernels.js';
export { DEFAULT_DIM_MAX, RangeAnalysis, analyzeRanges, type RangeOptions } from './int16/range-analysis.js';
export { formatInterval, type Interval } from './int16/interval.js';
export type { ValueRange } from './int16/value-range.js';
export { renderHtmlReport, type HtmlReportInput, type HtmlReportSource } from './report-html/render.js';
export { layoutGraph, type Layout, type LayoutInput, type LayoutOptions } from './report-html/layout.js';
export type { HtmlCulprit, HtmlLocalization, HtmlValidation } from './report-html/validation.js';
export {
  ToleranceC, formatTolerance, parseTolerance, type Tolerance, type ToleranceError,
} from './validate/tolerance.js';
export { compareOutput, isClassifierLike, type OutputMetrics } from './validate/metrics.js';
export {
  executorRunner, feedsFor, randomFeedSets, type ExecutorRunnerOptions, type FeedSet, type ModelRunner,
  type RandomFeedOptions, type RunnerResult, type RunnerSession,
} from './validate/runner.js';
export {
  compareModels, failureReason, type CompareOptions, type OutputSummary, type SampleReport, type ValidationError,
  type ValidationReport,
} from './validate/compare-models.js';
export {
  RangeRecorder, collectRanges, keptByCalibration, observedRun, type CalibrationData, type CalibrationKept,
  type CollectRangesOptions, type ObservedRange, type ObservedRun,
} from './validate/calibrate.js';
export { UNBOUNDED, valueError, type ValueError } from './validate/divergence.js';
export { replayNode, type ValueLookup } from './validate/replay.js';
export {
  DEFAULT_DIVERGENCE, localizeDivergence, type Culprit, type LocalizationReport, type LocalizeOptions,
  type ValueDivergence,
} from './validate/localize.js';
export {
  autoMixedPrecision, type AutoAttempt, type AutoOptions, type AutoProgress, type AutoReport, type BlockReason,
} from './validate/auto.js';
export type { AttemptWorst } from './validate/auto-evaluate.js';
