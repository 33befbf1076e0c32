import { DataType } from '@mixprec/ir';
import { definePolicy } from '../define-policy.js';
import { ACCUMULATING_OPS, TYPE_SEMANTIC_OPS, float32Accumulation } from './op-families.js';

function reasons(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const op of ACCUMULATING_OPS) {
    out[op] = `aggressive: ${op} green, float32 accumulation annotated (it sums many terms; 16-bit storage and compute, one rounding of the result)`;
  }
  for (const op of TYPE_SEMANTIC_OPS) {
    out[op] = `aggressive: ${op} red (its input dtype is part of its meaning: it reinterprets bits)`;
  }
  return out;
}

/**
 * `aggressive` (the default): every float op and weight goes 16-bit unless ONNX or numerics
 * forbid it — the semantics of coreai_opt's `cast_fp32_to_fp16`. What forbids it is not
 * this policy's business but the rules that hold under every policy (quantized ops, schema
 * eligibility per input, weight range, calibration, user blocks), which the amp pass applies
 * before asking the policy. So the policy is: fallback green for every op; the accumulating
 * ops ({@link ACCUMULATING_OPS}) listed green with float32 accumulation annotated; BitCast red.
 */
export const aggressive = definePolicy({
  name: 'aggressive',
  description: 'Every float op and weight 16-bit unless unsafe or unsupported (coreai_opt semantics); '
    + 'float32 accumulation annotated on contractions, reductions, pools, norms, softmax, scans',
  target: DataType.FLOAT16,
  green: ACCUMULATING_OPS,
  red: TYPE_SEMANTIC_OPS,
  accumulation: float32Accumulation(ACCUMULATING_OPS),
  reasons: reasons(),
  fallback: 'green',
  fallbackReason: 'aggressive: every float op 16-bit (coreai_opt cast_fp32_to_fp16 semantics); '
    + 'only unsafe or unsupported ops stay 32-bit, and the pass decides those before the policy',
});
