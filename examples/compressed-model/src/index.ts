/**
 * Example: a QDQ int8 model converted to FP16 — its int8 tensors and Q/DQ nodes stay as they
 * are, the float rest goes 16-bit.
 */
export { buildQdqModel } from './model.js';
export { convertQdqModel, type QdqConversion } from './convert.js';
