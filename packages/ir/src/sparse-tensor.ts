import type { Tensor } from './tensor.js';

/**
 * ONNX `SparseTensorProto`: `values` (1-D, its name is the sparse tensor's name), `indices`
 * (INT64, `[NNZ]` linearised or `[NNZ, rank]`) and the dense `dims`.
 */
export interface SparseTensor {
  readonly values: Tensor;
  readonly indices: Tensor;
  readonly dims: readonly number[];
}
