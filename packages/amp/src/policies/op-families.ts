/*
 * Op families the shipped policies share. ONNX op types of the default domain, opsets 1–27.
 */

/**
 * Ops that sum many products or terms (contractions, reductions, pools, normalisations,
 * scans, spectral and recurrent ops). Under `aggressive` and `bf16` they run in 16-bit but
 * are annotated to accumulate in float32 (`mixprec.accumulation=float32`: the executor then
 * accumulates in float32 and rounds once, as tensor-core GEMMs and oneDNN bf16 kernels do;
 * `accumulation: 'materialize'` makes it exact on any runtime). ReduceMax/ReduceMin,
 * MaxPool and ArgMax are not here: they compare, they do not accumulate, so 16-bit is exact.
 */
export const ACCUMULATING_OPS: readonly string[] = Object.freeze([
  // contractions
  'MatMul', 'Gemm', 'Conv', 'ConvTranspose', 'DeformConv', 'CausalConvWithState', 'Einsum',
  'Attention', 'LinearAttention', 'Det',
  // recurrent
  'LSTM', 'GRU', 'RNN',
  // reductions
  'ReduceSum', 'ReduceMean', 'ReduceProd', 'ReduceSumSquare', 'ReduceL1', 'ReduceL2', 'ReduceLogSum',
  'ReduceLogSumExp',
  // pools
  'AveragePool', 'GlobalAveragePool', 'LpPool', 'GlobalLpPool',
  // softmax and normalisations
  'Softmax', 'LogSoftmax', 'LayerNormalization', 'GroupNormalization', 'InstanceNormalization',
  'BatchNormalization', 'RMSNormalization', 'MeanVarianceNormalization', 'LpNormalization', 'LRN',
  // scans, spectral, scatter-add, losses
  'CumSum', 'CumProd', 'DFT', 'STFT', 'Col2Im', 'SoftmaxCrossEntropyLoss', 'NegativeLogLikelihoodLoss',
]);

/**
 * Ops whose float input type is part of their meaning, so that changing it changes the
 * result, not just its precision: red under every shipped policy.
 * BitCast (opset 26) reinterprets the input's bits as the `to` type; a 16-bit input would
 * yield other bits and another shape.
 */
export const TYPE_SEMANTIC_OPS: readonly string[] = Object.freeze(['BitCast']);

/** `{ op: 'float32' }` for every op of `ops`. */
export function float32Accumulation(ops: readonly string[]): Record<string, 'float32'> {
  const out: Record<string, 'float32'> = {};
  for (const op of ops) out[op] = 'float32';
  return out;
}
