import { DataType } from '@mixprec/ir';
import { definePolicy } from '../define-policy.js';
import { ACCUMULATING_OPS, TYPE_SEMANTIC_OPS, float32Accumulation } from './op-families.js';

/*
 * `bf16`: BFLOAT16 for CPUs with AMX / AVX512-BF16 and for TPUs.
 *
 * bfloat16 keeps float32's 8-bit exponent (max ≈ 3.4e38), so overflow — the reason fp16 lists
 * deny Exp, Softmax and reductions — is no risk. Its risk is precision: 8 significant bits
 * (unit roundoff 2⁻⁸ ≈ 0.4 %; integers are exact only up to 256). So the policy is aggressive's
 * (everything 16-bit, float32 accumulation annotated for the ops that sum many terms) minus
 * the ops where 8 bits are known to hurt, taken from TF's oneDNN bf16 lists
 * (`AutoMixedPrecisionListsMkl`: deny Exp, Expm1, Pow, L2Loss, SoftmaxCrossEntropyWithLogits;
 * Sum, Mean, Softmax, LogSoftmax, FusedBatchNorm on the infer list) and PyTorch's CPU autocast
 * (`AutocastCPU` fp32 list: prod, grid_sampler, stft, fft_*, linalg, losses, cumsum/cumprod in
 * fp32 with dtype=float32 on the CUDA list).
 *
 * Decided and documented: ReduceSum/ReduceMean stay green however long the reduced axes are.
 * With float32 accumulation (annotated; exact under `accumulation: 'materialize'`) the result
 * is rounded once (relative error ≤ 2⁻⁹) whatever the length; TF oneDNN puts Sum and Mean on
 * its bf16 infer list. A runtime that accumulates in bf16 itself needs a rule keeping long
 * reductions red (see the README for a JSON rule).
 */

const RED: readonly (readonly [string, string])[] = [
  ['Exp', 'TF oneDNN bf16 deny list: an input rounding error of |x|·2⁻⁹ becomes a relative output error of the same size (3 % at x = 8)'],
  ['Pow', 'TF oneDNN bf16 deny list: the relative error of the base is multiplied by the exponent'],
  ['Multinomial', 'samples from log-probabilities through an exp, like Exp (TF oneDNN bf16 deny list)'],
  ['CumSum', 'PyTorch autocast fp32 (cumsum with dtype=float32): each prefix sum is rounded to 8 bits and differences of prefix sums cancel; onnxconverter-common blocks it'],
  ['CumProd', 'PyTorch autocast fp32 (cumprod with dtype=float32)'],
  ['ReduceProd', 'PyTorch CPU autocast fp32 list (prod): relative errors add up over the product'],
  ['Range', 'integers above 256 are not exact in bfloat16 (positions, indices); TVM Relay NEVER (arange)'],
  ['Sin', 'angles of positional/rotary embeddings above 256 rad are spaced ≥ 2 rad in bfloat16'],
  ['Cos', 'angles of positional/rotary embeddings above 256 rad are spaced ≥ 2 rad in bfloat16'],
  ['GridSample', 'PyTorch CPU autocast fp32 list (grid_sampler): normalised coordinates near ±1 are spaced 2⁻⁷, 2 px on a 512-px image'],
  ['AffineGrid', 'generates sampling coordinates: like GridSample (PyTorch CPU autocast fp32 grid_sampler)'],
  ['RoiAlign', 'pixel coordinates above 256 are spaced 2 px in bfloat16; onnxconverter-common and onnxruntime float16 block it'],
  ['MaxRoiPool', 'pixel coordinates above 256 are spaced 2 px in bfloat16, like RoiAlign'],
  ['NonMaxSuppression', 'box coordinates and IoU thresholds; onnxconverter-common, onnxruntime float16 and NVIDIA ModelOpt keep it float32'],
  ['DFT', 'PyTorch CPU autocast fp32 list (fft_*)'],
  ['STFT', 'PyTorch CPU autocast fp32 list (stft)'],
  ['Det', 'PyTorch CPU autocast fp32 list (linalg)'],
  ['SoftmaxCrossEntropyLoss', 'TF oneDNN bf16 deny list (SoftmaxCrossEntropyWithLogits), PyTorch CPU autocast fp32 (cross_entropy_loss)'],
  ['NegativeLogLikelihoodLoss', 'PyTorch CPU autocast fp32 list (nll_loss)'],
  ...TYPE_SEMANTIC_OPS.map((op) => [op, 'its input dtype is part of its meaning: it reinterprets bits'] as const),
];

const RED_OPS = new Set(RED.map(([op]) => op));
const GREEN_ACC = ACCUMULATING_OPS.filter((op) => !RED_OPS.has(op));

const CONTRACTION = new Set(['MatMul', 'Gemm', 'Conv', 'ConvTranspose', 'DeformConv', 'CausalConvWithState', 'Einsum', 'Attention', 'LinearAttention', 'LSTM', 'GRU', 'RNN']);
const REDUCTION = new Set(['ReduceSum', 'ReduceMean', 'ReduceSumSquare', 'ReduceL1', 'ReduceL2', 'ReduceLogSum', 'ReduceLogSumExp', 'AveragePool', 'GlobalAveragePool', 'LpPool', 'GlobalLpPool', 'Col2Im']);

function greenReason(op: string): string {
  const why = CONTRACTION.has(op)
    ? 'TF oneDNN bf16 allow list (Conv2D/3D, DepthwiseConv2dNative, MatMul, BatchMatMul, Einsum), PyTorch CPU autocast lower-precision list'
    : REDUCTION.has(op)
      ? 'TF oneDNN bf16 infer list (Sum, Mean, AvgPool): bfloat16 cannot overflow a sum; float32 accumulation rounds once'
      : 'TF oneDNN bf16 infer list (Softmax, LogSoftmax, FusedBatchNorm); PyTorch CPU autocast runs norms in the input dtype; float32 accumulation for the statistics';
  return `bf16: ${op} green, float32 accumulation (${why})`;
}

function reasons(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const op of GREEN_ACC) out[op] = greenReason(op);
  for (const [op, why] of RED) out[op] = `bf16: ${op} red (${why})`;
  return out;
}

/** The bf16 policy's red entries: op → anchor, for documentation and tests. */
export const BF16_RED_ENTRIES: ReadonlyMap<string, string> = new Map(RED);

/**
 * `bf16`: target BFLOAT16; aggressive-like (fallback green, float32 accumulation annotated for
 * contractions, reductions, pools, norms and softmax), red where 8 significant bits are known to
 * hurt: Exp, Pow, cumulative sums and products, ReduceProd, Range, Sin/Cos, coordinate ops
 * (GridSample, AffineGrid, RoiAlign, MaxRoiPool, NonMaxSuppression), DFT/STFT, Det, losses.
 */
export const bf16 = definePolicy({
  name: 'bf16',
  description: 'BFLOAT16 (AMX/AVX512-BF16 CPUs, TPUs): everything 16-bit with float32 accumulation for contractions, '
    + 'reductions and norms; float32 where 8 mantissa bits hurt (exp, pow, cumsum, range, coordinates, spectral ops)',
  target: DataType.BFLOAT16,
  green: GREEN_ACC,
  red: RED.map(([op]) => op),
  accumulation: float32Accumulation(GREEN_ACC),
  reasons: reasons(),
  fallback: 'green',
  fallbackReason: 'bf16: 16-bit (bfloat16 keeps float32\'s exponent range, so overflow is no risk; TF oneDNN bf16 infer/clear lists, '
    + 'PyTorch CPU autocast runs unlisted ops in their input dtype)',
});
