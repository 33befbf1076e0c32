import type { Node } from '@mixprec/ir';

/**
 * What integer inputs and outputs of ONNX ops mean, for the integer passes. Facts from the ONNX
 * operator specification (Operators.md); indices are actual input slots.
 */

/**
 * Input slots that hold indices, shapes, sizes, axes or counts (the `int16` pass never narrows a
 * value used there: a cast could overflow and corrupt the index). Ops whose slot meaning changed
 * across opsets list the slots of the opsets where the slot is an input (older versions have
 * those as attributes, so the slot does not exist).
 */
const INDEX_SLOTS: ReadonlyMap<string, readonly number[]> = new Map(Object.entries({
  Gather: [1], GatherElements: [1], GatherND: [1],
  Scatter: [1], ScatterElements: [1], ScatterND: [1],
  Slice: [1, 2, 3, 4],
  OneHot: [0, 1],
  TopK: [1],
  Reshape: [1], Expand: [1], Tile: [1], ConstantOfShape: [0],
  Pad: [1, 3],
  Squeeze: [1], Unsqueeze: [1],
  ReduceSum: [1], ReduceMax: [1], ReduceMin: [1], ReduceMean: [1], ReduceProd: [1], ReduceL1: [1], ReduceL2: [1],
  ReduceLogSum: [1], ReduceLogSumExp: [1], ReduceSumSquare: [1],
  Split: [1], SplitToSequence: [1],
  CumSum: [1], Trilu: [1],
  Resize: [3], RoiAlign: [2], MaxUnpool: [1, 2],
  NonMaxSuppression: [2],
  SequenceAt: [1], SequenceInsert: [2], SequenceErase: [1],
  Col2Im: [1, 2], CenterCropPad: [1], AffineGrid: [1], ReverseSequence: [1],
  STFT: [1, 3], DFT: [1, 2],
  HannWindow: [0], HammingWindow: [0], BlackmanWindow: [0],
  MelWeightMatrix: [0, 1, 2],
  Loop: [0],
  TensorScatter: [2],
}));

/** True when input slot `i` of `node` is an index/shape/size position (see {@link INDEX_SLOTS}). */
export function isIndexSlot(node: Node, i: number): boolean {
  if (node.domain !== '') return false;
  // A Map: an op named `constructor` or `toString` must not find Object.prototype's members.
  return INDEX_SLOTS.get(node.opType)?.includes(i) ?? false;
}

/** Outputs that are indices into another tensor (NonZero, ArgMax, TopK's second output, …). */
export function isIndexOutput(node: Node, o: number): boolean {
  if (node.domain !== '') return false;
  switch (node.opType) {
    case 'NonZero': case 'ArgMax': case 'ArgMin': return o === 0;
    case 'TopK': return o === 1;
    case 'Unique': return o >= 1;
    case 'MaxPool': return o === 1;
    default: return false;
  }
}

/**
 * Ops that only move, select or copy elements: an index taint passes through their data
 * input (indices gathered or reshaped are still indices), and they follow their producer's
 * dtype cheaply when it is narrowed.
 */
const DATA_MOVEMENT: ReadonlySet<string> = new Set([
  'Identity', 'Reshape', 'Flatten', 'Squeeze', 'Unsqueeze', 'Transpose', 'Concat', 'Split', 'Slice', 'Gather',
  'GatherElements', 'GatherND', 'Expand', 'Tile', 'Compress', 'DepthToSpace', 'SpaceToDepth', 'ReverseSequence',
  'Pad', 'Cast', 'CastLike', 'Trilu',
]);

export function isDataMovement(node: Node): boolean {
  return node.domain === '' && DATA_MOVEMENT.has(node.opType);
}

/** Quantization ops: their integer tensors (int32 bias, accumulators, zero points) are never touched. */
const QUANTIZED: ReadonlySet<string> = new Set([
  'QuantizeLinear', 'DequantizeLinear', 'DynamicQuantizeLinear', 'QLinearConv', 'QLinearMatMul', 'MatMulInteger',
  'ConvInteger', 'DynamicQuantizeMatMul', 'QLinearAdd', 'QLinearMul', 'QLinearSigmoid', 'QLinearLeakyRelu',
  'QLinearAveragePool', 'QLinearGlobalAveragePool', 'QLinearConcat', 'QLinearSoftmax', 'QLinearWhere', 'QGemm',
  'QAttention', 'QOrderedMatMul', 'MatMulIntegerToFloat', 'DynamicQuantizeLSTM', 'MatMulNBits', 'GatherBlockQuantized',
]);

/** True for quantization ops (ONNX and com.microsoft) and any op named `*Integer` or `QLinear*`. */
export function isQuantizedOp(node: Node): boolean {
  const t = node.opType;
  if (node.domain !== '' && node.domain !== 'com.microsoft') return false;
  return QUANTIZED.has(t) || t.endsWith('Integer') || t.startsWith('QLinear');
}

/** Ops whose results are not a function of their inputs (never constant-foldable). */
const NONDETERMINISTIC: ReadonlySet<string> = new Set([
  'RandomNormal', 'RandomUniform', 'RandomNormalLike', 'RandomUniformLike', 'Multinomial', 'Bernoulli', 'Dropout',
]);

export function isNondeterministic(node: Node): boolean {
  return node.domain === '' && NONDETERMINISTIC.has(node.opType);
}

/**
 * The attribute that fixes the dtype of output `o`, when the op has one: the pass rewrites it
 * together with the output (`to` of Cast, `value` of ConstantOfShape, `dtype` of EyeLike, …).
 */
export function dtypeAttribute(node: Node, o: number): 'to' | 'value' | 'dtype' | undefined {
  if (node.domain !== '' || o !== 0) return undefined;
  switch (node.opType) {
    case 'Cast': return 'to';
    case 'ConstantOfShape': return 'value';
    case 'EyeLike': case 'Multinomial': case 'Bernoulli': case 'RandomNormalLike': case 'RandomUniformLike':
      return 'dtype';
    default: return undefined;
  }
}
