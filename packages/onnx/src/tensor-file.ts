import type { Tensor } from '@mixprec/ir';
import { concat } from './pieces.js';
import { tensorSeq } from './tensor-encode.js';

/**
 * Encodes a tensor as a standalone TensorProto (the format of `test_data_set_N/*.pb` files);
 * `name` overrides the tensor's own name.
 */
export function encodeTensor(t: Tensor, name?: string): Uint8Array {
  return concat(tensorSeq(t, name));
}
