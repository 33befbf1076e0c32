import { DataType } from '@mixprec/ir';
import type { Color } from '../policy.js';
import { definePolicy } from '../define-policy.js';
import { TYPE_SEMANTIC_OPS } from './op-families.js';

/*
 * `balanced`: the op lists of TVM (Relay `mixed_precision.py`, Relax `TMixedPrecisionPolicy`)
 * and TensorFlow's grappler AMP (`auto_mixed_precision_lists.h`, CUDA lists), checked against
 * PyTorch autocast (`autocast_mode.h`) and the ONNX block-list converters (onnxconverter-common
 * `float16.py`, onnxruntime `transformers/float16.py`, NVIDIA ModelOpt AutoCast).
 *
 * Every entry says why, naming the tools that agree (and those that disagree); the text goes
 * into each decision's `reason`, so the conversion report shows it. Where the tools disagree,
 * balanced sides with the numerics-motivated lists (TVM Relay NEVER, PyTorch fp32), because
 * its purpose is accuracy at most of aggressive's speed; block-list entries that only reflect
 * a missing CUDA kernel (Min/Max, TopK, Resize in onnxconverter-common) are not followed.
 *
 * - green (always 16-bit, float32 accumulation: TVM Relax's `out_dtype` default): the
 *   contractions that tensor cores and 16-bit GEMM kernels exist for;
 * - gray (16-bit when its float inputs already are): elementwise arithmetic, activations,
 *   comparisons, data movement and shape ops, creation ops, control flow;
 * - red (float32): exponentials, logarithms, powers, softmax, reductions, normalisations that
 *   compute statistics, cumulative sums, spectral ops, losses, coordinate-generating ops;
 * - fallback red for ops no list names (TVM Relax's default kNever): every ONNX op with a
 *   float input is listed below, so the fallback only meets custom-domain ops a policy claims.
 */

const ALWAYS = 'TVM Relay ALWAYS, TVM Relax kAlways, TF AMP allow list, PyTorch autocast lower-precision list';

const GREEN: readonly (readonly [string, string])[] = [
  ['Conv', ALWAYS],
  ['ConvTranspose', ALWAYS],
  ['MatMul', `${ALWAYS} (dense, batch_matmul, MatMul, BatchMatMulV2, matmul, bmm)`],
  ['Gemm', 'TVM Relay ALWAYS (dense), TF AMP allow list (MatMul), PyTorch autocast lower-precision list (addmm, linear)'],
  ['Einsum', 'TF AMP allow list, PyTorch autocast lower-precision list (not listed by TVM)'],
  ['DeformConv', 'a convolution: TVM Relay ALWAYS registers deformable conv with the other convolutions'],
  ['CausalConvWithState', 'a convolution: same lists as Conv'],
  ['Attention', 'TVM Relax kAlways (nn.attention), PyTorch autocast lower-precision list (scaled_dot_product_attention)'],
  ['LinearAttention', 'an attention: TVM Relax kAlways (nn.attention), PyTorch autocast lower-precision list'],
  ['LSTM', 'TF AMP allow list (CudnnRNN, LSTMBlockCell), PyTorch autocast lower-precision list (lstm cells)'],
  ['GRU', 'TF AMP allow list (CudnnRNN, GRUBlockCell), PyTorch autocast lower-precision list (gru cells)'],
  ['RNN', 'TF AMP allow list (CudnnRNN), PyTorch autocast lower-precision list (rnn cells)'],
];

const ARITH = 'TVM Relay FOLLOW, TVM Relax kFollow, TF AMP infer list';
const CLEAR = 'TF AMP clear list (no numeric effect); TVM Relay FOLLOW';
const MOVE = 'data movement, exact in 16-bit: TVM Relay FOLLOW, TVM Relax kFollow, TF AMP clear list';
const CREATE = 'creation op: its dtype attribute follows the decision (TVM Relay rewrites InitOp dtypes, onnxruntime float16 retargets dtype attributes)';
const SEQ = 'sequence data movement, exact in 16-bit (TF AMP clear list: TensorList ops)';

const GRAY: readonly (readonly [string, string])[] = [
  // elementwise arithmetic
  ['Add', ARITH], ['Sub', ARITH], ['Mul', ARITH], ['Div', `${ARITH} (RealDiv)`],
  ['Sum', 'elementwise sum of inputs: TF AMP infer list (AddN), like Add'],
  ['Mean', 'elementwise average of inputs: like Add and Div (TF AMP infer list)'],
  ['Sqrt', ARITH],
  ['Abs', CLEAR], ['Neg', CLEAR], ['Sign', 'TF AMP clear list'], ['Ceil', 'TF AMP clear list'],
  ['Floor', 'TF AMP clear list'], ['Round', 'TF AMP clear list'],
  ['Max', 'TVM Relay FOLLOW, TVM Relax kFollow, TF AMP clear list (Maximum); onnxconverter-common blocks it only for a missing CUDA kernel'],
  ['Min', 'TVM Relay FOLLOW, TVM Relax kFollow, TF AMP clear list (Minimum); onnxconverter-common blocks it only for a missing CUDA kernel'],
  ['Clip', 'TVM Relay FOLLOW (NEVER when its bounds exceed the 16-bit range, which the range rule covers), TF AMP clear list (ClipByValue)'],
  // activations
  ['Relu', 'TVM Relay FOLLOW, TVM Relax kFollow, TF AMP clear list'],
  ['LeakyRelu', 'TVM Relay FOLLOW, TF AMP infer list (TVM Relax kNever disagrees)'],
  ['PRelu', 'TVM Relay FOLLOW, PyTorch autocast lower-precision list (TVM Relax kNever disagrees)'],
  ['Elu', 'TVM Relay FOLLOW, TF AMP infer list'], ['Selu', ARITH],
  ['Celu', 'an Elu variant: TVM Relay FOLLOW, TF AMP infer list (Elu)'],
  ['ThresholdedRelu', 'a Relu variant: TF AMP clear list (Relu)'],
  ['Sigmoid', ARITH], ['Tanh', ARITH],
  ['HardSigmoid', 'piecewise linear, like Relu6 and Clip: TF AMP clear list'],
  ['HardSwish', 'piecewise linear times x, like Relu6 and Mul: TF AMP clear and infer lists'],
  ['Shrink', 'piecewise linear, like Clip: TF AMP clear list'],
  ['Softsign', 'TF AMP infer list'],
  ['Erf', 'TVM Relax kFollow, TF AMP infer list (TVM Relay NEVER, but its fast_erf FOLLOW)'],
  ['Gelu', 'TVM Relax kFollow (gelu)'],
  ['Swish', 'x·sigmoid(x): TVM Relax kFollow (silu)'],
  ['Dropout', 'TVM Relax kFollow (identity at inference)'],
  // comparisons and tests
  ['Equal', 'TF AMP clear list, TVM Relax kFollow (comparisons)'],
  ['Greater', 'TF AMP clear list, TVM Relax kFollow (comparisons)'],
  ['GreaterOrEqual', 'TF AMP clear list, TVM Relax kFollow (comparisons)'],
  ['Less', 'TF AMP clear list, TVM Relax kFollow (comparisons)'],
  ['LessOrEqual', 'TF AMP clear list, TVM Relax kFollow (comparisons)'],
  ['IsNaN', 'TF AMP clear list'], ['IsInf', 'TF AMP clear list'],
  // selection (exact in 16-bit)
  ['ArgMax', 'TVM Relay FOLLOW, TF AMP clear list'], ['ArgMin', 'TVM Relay FOLLOW, TF AMP clear list'],
  ['ReduceMax', 'TVM Relay FOLLOW, TF AMP clear list (Max); exact in 16-bit (TVM Relax kNever disagrees)'],
  ['ReduceMin', 'TVM Relay FOLLOW, TF AMP clear list (Min); exact in 16-bit (TVM Relax kNever disagrees)'],
  ['Hardmax', 'an arg-max: TF AMP clear list (ArgMax)'],
  ['TopK', 'TF AMP clear list; onnxconverter-common blocks it only for a missing CUDA kernel'],
  ['NonZero', 'reads float values only to compare with zero'],
  ['Unique', 'data movement: exact in 16-bit'],
  ['Where', 'TVM Relay FOLLOW, TF AMP clear list (Select) (TVM Relax kNever disagrees)'],
  // pools
  ['MaxPool', 'TVM Relay FOLLOW, TVM Relax kFollow, TF AMP clear list'],
  ['GlobalMaxPool', 'TVM Relay FOLLOW, TVM Relax kFollow, TF AMP clear list (MaxPool)'],
  ['AveragePool', `${ARITH} (AvgPool); small windows, float32 accumulation`],
  ['BatchNormalization', 'TVM Relay FOLLOW, TF AMP infer list (FusedBatchNormV3): at inference a per-channel affine map; a running variance beyond 65504 keeps it float32 by the range rule (TVM Relax kNever disagrees)'],
  ['MaxUnpool', 'data movement: exact in 16-bit'],
  // shape and data movement
  ['Reshape', MOVE], ['Transpose', MOVE], ['Concat', MOVE], ['Slice', MOVE], ['Split', MOVE],
  ['Squeeze', MOVE], ['Unsqueeze', MOVE], ['Flatten', MOVE], ['Expand', MOVE], ['Tile', MOVE],
  ['Pad', 'TVM Relay FOLLOW, TF AMP clear list (TVM Relax kNever disagrees)'],
  ['Gather', 'TVM Relay FOLLOW (take), TF AMP clear list (TVM Relax kNever disagrees)'],
  ['GatherElements', 'TVM Relay FOLLOW (take), TF AMP clear list (GatherV2)'],
  ['GatherND', 'TF AMP clear list (GatherNd)'],
  ['Scatter', 'TVM Relay FOLLOW (scatter)'], ['ScatterElements', 'TVM Relay FOLLOW (scatter)'],
  ['ScatterND', 'TVM Relay FOLLOW (scatter_nd), TF oneDNN clear list (ScatterNd)'],
  ['TensorScatter', 'cache update: data movement, like ScatterND'],
  ['Compress', 'data movement: exact in 16-bit'],
  ['DepthToSpace', 'TF AMP clear list'], ['SpaceToDepth', 'TF AMP clear list'],
  ['ReverseSequence', 'TF AMP clear list'], ['Trilu', 'data movement: exact in 16-bit'],
  ['CenterCropPad', 'data movement: like Slice and Pad'],
  ['OneHot', 'TF AMP clear list; its values input is only copied'],
  ['Identity', 'TF AMP clear list'],
  ['Shape', 'reads only the shape (TF AMP clear list)'], ['Size', 'reads only the shape (TF AMP clear list)'],
  ['Resize', 'TVM Relay FOLLOW (resize2d), TVM Relax kFollow, TF AMP clear list (nearest); its scales input stays float by schema (PyTorch fp32 upsample_* disagrees)'],
  ['GridSample', 'TVM Relax kFollow; PyTorch autocast promotes it to the widest input, which is what gray does'],
  ['Cast', 'TVM Relay FOLLOW, TVM Relax kFollow (astype); author casts from 16-bit are kept by the pass'],
  ['CastLike', 'TVM Relax kFollow (astype)'],
  // creation ops
  ['Constant', CREATE], ['ConstantOfShape', `${CREATE}; TF AMP clear list (Fill)`], ['EyeLike', CREATE],
  ['RandomNormal', CREATE], ['RandomUniform', CREATE], ['RandomNormalLike', CREATE], ['RandomUniformLike', CREATE],
  ['Bernoulli', CREATE], ['HannWindow', CREATE], ['HammingWindow', CREATE], ['BlackmanWindow', CREATE],
  // control flow, optional and sequence values
  ['If', 'control flow: its branches are decided node by node (TF AMP colours control-flow edges)'],
  ['Loop', 'control flow: its body is decided node by node (TF AMP colour-matches loop edges)'],
  ['Scan', 'control flow: its body is decided node by node (TF AMP colour-matches loop edges)'],
  ['Optional', SEQ], ['OptionalGetElement', SEQ], ['OptionalHasElement', SEQ],
  ['SequenceConstruct', SEQ], ['SequenceAt', SEQ], ['SequenceInsert', SEQ], ['SequenceErase', SEQ],
  ['SequenceEmpty', SEQ], ['SequenceLength', SEQ], ['SplitToSequence', SEQ], ['ConcatFromSequence', SEQ],
  ['SequenceMap', 'control flow over a sequence: its body is decided node by node'],
];

const STATS = 'computes mean and variance over many elements: fp16 sums of squares overflow (LayerNorm after attention, NVIDIA/TensorRT#4111)';
const UNLISTED = 'listed by no reference tool; TVM Relax keeps unlisted ops in float32 (kNever)';

const RED: readonly (readonly [string, string])[] = [
  ['Softmax', 'TVM Relay NEVER, TVM Relax kNever, PyTorch autocast fp32 (softmax runs with dtype=float32) (TF AMP infer list disagrees)'],
  ['LogSoftmax', 'TVM Relax kNever, PyTorch autocast fp32 (log_softmax) (TF AMP infer list disagrees)'],
  ['Exp', 'TVM Relay NEVER, TF AMP deny list, PyTorch autocast fp32: exp overflows 65504 above x≈11'],
  ['Log', 'PyTorch autocast fp32 list: inputs below 6e-8 flush to zero and give -inf (TVM Relax kFollow, TF AMP infer disagree)'],
  ['Pow', 'TVM Relay NEVER, TF AMP deny list, PyTorch autocast fp32'],
  ['Reciprocal', 'PyTorch autocast fp32 list: 1/x overflows 65504 for |x| < 1.5e-5 (TF AMP infer list disagrees)'],
  ['Softplus', 'TVM Relax kNever, PyTorch autocast fp32 (log(1+exp x)) (TF AMP infer list disagrees)'],
  ['Mish', 'x·tanh(softplus x): softplus is fp32 in TVM Relax and PyTorch autocast; fp16 decompositions of Softplus/Mish drift (apple/coremltools#2625)'],
  ['ReduceSum', 'TVM Relay NEVER, TVM Relax kNever, TF AMP deny list (Sum), PyTorch autocast fp32 (sum)'],
  ['ReduceMean', 'TVM Relay NEVER, TVM Relax kNever, TF AMP deny list (Mean); fp16 ReduceMean returns zeros/NaN (onnxconverter-common#323)'],
  ['ReduceProd', 'TVM Relax kNever, PyTorch autocast fp32 (prod)'],
  ['ReduceSumSquare', 'a sum of squares: TF AMP deny list (L2Loss, Sum)'],
  ['ReduceL1', 'a norm: PyTorch autocast fp32 (norms), TF AMP deny list (Sum)'],
  ['ReduceL2', 'TVM Relay NEVER (l2_normalize), TF AMP deny list (L2Loss), PyTorch autocast fp32 (norms)'],
  ['ReduceLogSum', 'a log of a sum: PyTorch autocast fp32 (log, sum)'],
  ['ReduceLogSumExp', 'PyTorch autocast fp32 (logsumexp), TVM Relay NEVER (exp, sum)'],
  ['GlobalAveragePool', 'TVM Relay NEVER (global pooling moved to NEVER, apache/tvm#8296): a mean over every pixel (TVM Relax kFollow, TF AMP infer disagree)'],
  ['LpPool', 'a p-norm over windows: like ReduceL2 (TVM Relay NEVER, TF AMP deny L2Loss)'],
  ['GlobalLpPool', 'a p-norm over every pixel: like ReduceL2 (TVM Relay NEVER, TF AMP deny L2Loss)'],
  ['LayerNormalization', `TVM Relay NEVER, PyTorch autocast fp32 (layer_norm); ${STATS} (TVM Relax kFollow disagrees)`],
  ['GroupNormalization', `PyTorch autocast fp32 (group_norm); ${STATS} (TVM Relax kFollow disagrees)`],
  ['InstanceNormalization', `${STATS}; onnxconverter-common blocked it in 2021 (TVM Relax kFollow disagrees)`],
  ['RMSNormalization', `a mean of squares like LayerNormalization (TVM Relay NEVER, PyTorch fp32) (TVM Relax kFollow rms_norm disagrees)`],
  ['MeanVarianceNormalization', `normalises like LayerNormalization (TVM Relay NEVER, PyTorch autocast fp32 layer_norm); ${STATS}`],
  ['LpNormalization', 'TVM Relay NEVER (l2_normalize), PyTorch autocast fp32 (norms)'],
  ['LRN', 'sums squares over a channel window: like ReduceSumSquare (TF AMP deny L2Loss)'],
  ['CumSum', 'TVM Relax kNever, PyTorch autocast fp32 (cumsum), onnxconverter-common and onnxruntime float16 block it'],
  ['CumProd', 'PyTorch autocast fp32 (cumprod)'],
  ['Range', 'TVM Relay NEVER (arange), onnxconverter-common and onnxruntime float16 block it: integers above 2048 are not exact in fp16'],
  ['DFT', 'PyTorch autocast fp32 (fft_*)'], ['STFT', 'PyTorch autocast fp32 (stft)'],
  ['MelWeightMatrix', UNLISTED], ['Col2Im', `sums overlapping patches; ${UNLISTED}`],
  ['SoftmaxCrossEntropyLoss', 'TVM Relay NEVER, TF AMP deny list, PyTorch autocast fp32 (losses)'],
  ['NegativeLogLikelihoodLoss', 'TVM Relay NEVER, TF AMP deny list, PyTorch autocast fp32 (nll_loss)'],
  ['Det', 'PyTorch autocast fp32 (linalg)'],
  ['Multinomial', 'samples from log-probabilities (an exp inside, like Softmax)'],
  ['NonMaxSuppression', 'box coordinates and IoU thresholds: onnxconverter-common and onnxruntime float16 block it, NVIDIA ModelOpt keeps it float32'],
  ['RoiAlign', 'ROI coordinates: onnxconverter-common and onnxruntime float16 block it'],
  ['MaxRoiPool', 'ROI coordinates: like RoiAlign'],
  ['AffineGrid', 'generates sampling coordinates: PyTorch autocast runs grid_sampler in fp32 on CPU'],
  ['Upsample', 'deprecated since opset 10: onnxconverter-common and onnxruntime float16 block it, NVIDIA ModelOpt lists it unsupported'],
  ['RotaryEmbedding', 'model authors keep rotary embeddings in fp32 on purpose (transformers.js float16.py keeps their casts); listed by no reference tool'],
  ['Sin', `angles of positional/rotary embeddings reach 10³–10⁴ rad; ${UNLISTED}`],
  ['Cos', `angles of positional/rotary embeddings reach 10³–10⁴ rad; ${UNLISTED}`],
  ['Tan', 'PyTorch autocast fp32 (tan)'], ['Sinh', 'PyTorch autocast fp32 (sinh)'], ['Cosh', 'PyTorch autocast fp32 (cosh)'],
  ['Asin', 'PyTorch autocast fp32 (asin)'], ['Acos', 'PyTorch autocast fp32 (acos)'],
  ['Atan', UNLISTED], ['Asinh', UNLISTED], ['Acosh', UNLISTED], ['Atanh', UNLISTED],
  ['Mod', UNLISTED],
  ['TfIdfVectorizer', `its output is float32 only by schema; ${UNLISTED}`],
  ...TYPE_SEMANTIC_OPS.map((op) => [op, 'its input dtype is part of its meaning: it reinterprets bits'] as const),
];

function describe(entries: readonly (readonly [string, string])[], color: Color, acc: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [op, why] of entries) out[op] = `balanced: ${op} ${color}${acc ? ', float32 accumulation' : ''} (${why})`;
  return out;
}

const FP32_ACC_GRAY = ['AveragePool'];

/** The balanced policy's entries: op → [colour, anchor], for documentation and tests. */
export const BALANCED_ENTRIES: ReadonlyMap<string, readonly [Color, string]> = new Map<string, readonly [Color, string]>([
  ...GREEN.map(([op, why]) => [op, ['green', why]] as const),
  ...GRAY.map(([op, why]) => [op, ['gray', why]] as const),
  ...RED.map(([op, why]) => [op, ['red', why]] as const),
]);

/**
 * `balanced`: TVM/TF lists — MatMul/Gemm/Conv and the other contractions green with float32
 * accumulation, elementwise ops and data movement gray, Softmax/Exp/Log/Pow/reductions/
 * normalisations red; unlisted ops red (TVM Relax kNever). Each decision's reason names
 * the tools it follows.
 */
export const balanced = definePolicy({
  name: 'balanced',
  description: 'TVM/TF lists: contractions green (float32 accumulation), elementwise and data movement gray, '
    + 'exp/log/pow/softmax/reductions/normalisations red; unlisted ops red',
  target: DataType.FLOAT16,
  green: GREEN.map(([op]) => op),
  gray: GRAY.map(([op]) => op),
  red: RED.map(([op]) => op),
  accumulation: Object.fromEntries([...GREEN.map(([op]) => op), ...FP32_ACC_GRAY].map((op) => [op, 'float32' as const])),
  reasons: {
    ...describe(GREEN, 'green', true),
    ...describe(GRAY.filter(([op]) => !FP32_ACC_GRAY.includes(op)), 'gray', false),
    ...describe(GRAY.filter(([op]) => FP32_ACC_GRAY.includes(op)), 'gray', true),
    ...describe(RED, 'red', false),
  },
  fallback: 'red',
  fallbackReason: 'balanced: op listed nowhere, kept float32 (TVM Relax default kNever)',
});
