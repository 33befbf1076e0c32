/**
 * Example: the TinyNet of the "FP16 vs FP32" blog post (an Embedding and two Linear/LayerNorm
 * blocks), built with the IR builder, converted to FP16 and compared with FP32 on the executor.
 */
export { PARAMETERS, buildTinyNet, tinyNetInput } from './tinynet.js';
export { compareTinyNet, formatTensor, type TinyNetComparison } from './compare.js';
