import { DataType } from '@mixprec/ir';
import { definePolicy, inputShape, isDepthwiseConv, knownProduct, reductionDepth, type PolicyRule } from '@mixprec/amp';

/*
 * A mixed-precision policy for the (imaginary) Acme NPU-1, written from its data sheet:
 *
 * - a 16-bit MAC array for convolutions and matrix products, accumulating in float32;
 *   sending a tensor to it costs a conversion pass, so a Conv pays off only when its weights
 *   have at least 4096 elements (Cout·Cin/group·k²); smaller ones run on the host CPU in fp32;
 * - depthwise convolutions run on the vector unit, which computes in whatever precision its
 *   input arrives in: gray;
 * - the MAC array's float32 accumulator holds 4096 partial products: MatMul/Gemm with K ≤ 4096
 *   run there (green, float32 accumulation); longer ones run on the CPU (red);
 * - no 16-bit exp unit: Softmax and LogSoftmax stay float32 (red);
 * - a fused GELU kernel in the custom domain `npu` (`npu.FusedGelu`), 16-bit only: claimed
 *   (the converter has no schema for it) and green;
 * - elementwise and data-movement ops run on the vector unit: gray;
 * - anything else runs on the host CPU: red (the fallback).
 */

/** Below this many weight elements a Conv is not worth sending to the MAC array. */
export const MIN_CONV_WEIGHTS = 4096;
/** The MAC array's accumulator depth. */
export const MAX_MATMUL_K = 4096;

/** Depthwise convolutions: the vector unit follows its input's precision. Level 30 beats the size rule. */
const depthwiseConv: PolicyRule = {
  name: 'acme-npu:depthwise-conv',
  level: 30,
  decide(q) {
    if (q.node.opType !== 'Conv' || isDepthwiseConv(q) !== true) return undefined;
    return { color: 'gray', reason: 'acme-npu: depthwise Conv runs on the vector unit, in its input precision' };
  },
};

/** Other convolutions by weight size Cout·Cin/group·k² (from W's shape; unknown → no opinion → fallback red). */
const convBySize: PolicyRule = {
  name: 'acme-npu:conv-size',
  level: 20,
  decide(q) {
    if (q.node.opType !== 'Conv') return undefined;
    const weights = knownProduct(inputShape(q, 1));
    if (weights === undefined) return undefined;
    return weights >= MIN_CONV_WEIGHTS
      ? { color: 'green', accumulation: DataType.FLOAT, reason: `acme-npu: Conv with ${weights} weights (≥ ${MIN_CONV_WEIGHTS}) on the MAC array` }
      : { color: 'red', reason: `acme-npu: Conv with ${weights} weights (< ${MIN_CONV_WEIGHTS}) stays on the CPU` };
  },
};

/** MatMul/Gemm by reduction depth K (unknown K → no opinion → fallback red). */
const matmulByDepth: PolicyRule = {
  name: 'acme-npu:matmul-depth',
  level: 20,
  decide(q) {
    if (q.node.opType !== 'MatMul' && q.node.opType !== 'Gemm') return undefined;
    const k = reductionDepth(q);
    if (k === undefined) return undefined;
    return k <= MAX_MATMUL_K
      ? { color: 'green', accumulation: DataType.FLOAT, reason: `acme-npu: ${q.node.opType} with K=${k} (≤ ${MAX_MATMUL_K}) on the MAC array` }
      : { color: 'red', reason: `acme-npu: ${q.node.opType} with K=${k} overflows the ${MAX_MATMUL_K}-deep accumulator: CPU` };
  },
};

/** The Acme NPU-1 policy. */
export const acmeNpu = definePolicy({
  name: 'acme-npu',
  description: 'Acme NPU-1: big convolutions and short matrix products on the 16-bit MAC array, vector ops follow, no fp16 exp',
  target: DataType.FLOAT16,
  green: ['npu.FusedGelu'],
  gray: [
    'Add', 'Sub', 'Mul', 'Div', 'Relu', 'LeakyRelu', 'Clip', 'Sigmoid', 'Tanh', 'HardSigmoid', 'HardSwish',
    'MaxPool', 'AveragePool', 'GlobalAveragePool', 'BatchNormalization',
    'Reshape', 'Flatten', 'Transpose', 'Concat', 'Slice', 'Split', 'Squeeze', 'Unsqueeze', 'Identity', 'Resize',
  ],
  red: ['Softmax', 'LogSoftmax'],
  accumulation: { AveragePool: 'float32', GlobalAveragePool: 'float32' },
  reasons: {
    'npu.FusedGelu': 'acme-npu: fused GELU kernel, 16-bit only',
    Softmax: 'acme-npu: no 16-bit exp unit',
    LogSoftmax: 'acme-npu: no 16-bit exp unit',
  },
  claims: ['npu.FusedGelu'],
  rules: [convBySize, depthwiseConv, matmulByDepth],
  fallback: 'red',
  fallbackReason: 'acme-npu: runs on the host CPU in float32',
});
