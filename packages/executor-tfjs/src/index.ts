/**
 * @mixprec/executor-tfjs: a reference interpreter for mixprec IR models on TensorFlow.js
 * kernels, with exact FLOAT16/BFLOAT16 emulation (every 16-bit value is a float32 held
 * exactly on its 16-bit grid) and optional sequential low-precision accumulation.
 */
export { initBackend, activeBackend, BACKENDS, type BackendName } from './backend.js';
export { ExecError, type ExecErrorTag } from './errors.js';
export { runModel, executeModel, prepareModel, PreparedModel, liveTensorCount, type RunOptions, type RunResult, type OtherOutput, type Feed, type SequenceData, type OptionalData } from './run-model.js';
export { generateInputs, type GenerateOptions } from './generate-inputs.js';
export { supportedOps, kernels } from './supported.js';
export { ACCUMULATION_KEY, KernelContext, type Accumulation, type KernelHost } from './context.js';
export type { Kernel, KernelSpec, KernelTable } from './registry.js';
export { TensorValue, type RValue, type SequenceValue, type OptionalValue } from './values.js';
export { ROUND_F16, ROUND_BF16, roundTensor } from './round-kernels.js';
export { addRound, roundTo, BF16_GRID, FP16_GRID, FP32_GRID, type Grid } from './low-precision.js';
