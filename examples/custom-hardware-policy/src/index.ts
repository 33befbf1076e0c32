/**
 * Example: a mixed-precision policy for an imaginary NPU (the Acme NPU-1), written with
 * `definePolicy`, colour lists and callables that decide by shapes and attributes.
 */
export { MAX_MATMUL_K, MIN_CONV_WEIGHTS, acmeNpu } from './npu-policy.js';
export { buildDemoModel } from './model.js';
export { convertDemo, type DemoResult } from './convert-demo.js';
