/**
 * @mixprec/passes: the pass manager. Passes declared with `definePass`, composed with
 * `sequential`/`repeat`/`fixpoint`, run by `runPipeline` under a `PassContext` with
 * instruments; textual pipelines (MLIR syntax) parsed and printed canonically against a
 * `PassRegistry` created by the application.
 */
export { UNMODIFIED, isComposite, type OptLevel, type OptionValue, type Pass, type PassInfo, type PassResult, type PassText } from './pass.js';
export type { PassInstrument } from './instrument.js';
export {
  createPassContext, type CollectingPassContext, type PassContext, type PassContextError, type PassContextOptions,
} from './context.js';
export {
  PassFailureError, VerifyError, describeCause, formatPassFailure, summarizeDiagnostics, type PassFailure,
} from './failure.js';
export { definePass, type PassFactory, type PassOptionError, type PassOptionInfo, type PassSpec } from './define-pass.js';
export { fixpoint, repeat, sequential, type RepeatOptions } from './compose.js';
export { runPass, runPipeline } from './manager.js';
export {
  aliasPass, createPassRegistry, type ConfigKey, type PassRegistry, type PassRegistryInit, type PipelineAlias,
} from './registry.js';
export { parsePipeline } from './pipeline.js';
export { DEFAULT_FIXPOINT_ITERATIONS, printPass, printPipeline } from './pipeline-printer.js';
export { formatPipelineError, parsePipelineSyntax, type PipelineError, type PipelineNode, type PipelineOption } from './pipeline-syntax.js';
export {
  coerceOptionValue, kebabCase, optionProps, printOptionValue, type RawOptionValue,
} from './options.js';
export { formatPassList, parseConfigAssignment } from './pass-list.js';
export { createTimingInstrument, type PassTiming, type TimingInstrument } from './instruments/timing.js';
export {
  createIrPrinterInstrument, formatIrDump, irDumpFileName, type IrDump, type IrPrinterOptions,
} from './instruments/ir-printer.js';
export { createModifiedCheckInstrument } from './instruments/modified-check.js';
export { candidatesHint, editDistance } from './suggest.js';
