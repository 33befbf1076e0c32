import { expect } from 'chai';
import { DataType, floatTensor, parseModel, Tensor, type Model } from '@mixprec/ir';
import { executeModel } from '../src/index.js';
import { densify } from '../src/sparse.js';
import { nums, setup } from './helpers.js';

/** Sparse constants (`Constant` sparse_value) and sparse initializers, densified. */

function parse(text: string): Model {
  const r = parseModel(text);
  if (r._tag === 'Left') throw new Error(r.left.message);
  return r.right;
}

function outputs(m: Model, feeds: Record<string, Tensor> = {}): Record<string, Tensor> {
  const r = executeModel(m, feeds);
  if (r._tag === 'Left') throw new Error(r.left.message);
  return { ...r.right.outputs };
}

describe('sparse tensors', () => {
  before(setup);

  it('Constant sparse_value with linearised indices', () => {
    const m = parse(`<ir_version: 8, opset_import: ["" : 17]>
main (float[2, 3] X) => (float[2, 3] Y) {
  c = Constant <sparse_value = sparse_tensor(float[2, 3]) {values: float[3] {7, -1, 2.5}, indices: int64[3] {1, 3, 5}}> ()
  Y = Add (X, c)
}`);
    const y = outputs(m, { X: floatTensor([2, 3], [0, 0, 0, 10, 10, 10]) })['Y'];
    expect(nums(y)).to.deep.equal([0, 7, 0, 9, 10, 12.5]);
  });

  it('sparse initializers with coordinate indices [NNZ, rank], also FLOAT16 and INT64 values', () => {
    const m = parse(`<ir_version: 8, opset_import: ["" : 17]>
main (float[2, 3] X) => (float[2, 3] Y, float16[4] H, int64[3] L)
<sparse_tensor(float[2, 3]) S = {values: float[2] {5, 6}, indices: int64[2, 2] {0, 2, 1, 0}},
 sparse_tensor(float16[4]) HS = {values: float16[1] {1.5}, indices: int64[1] {3}},
 sparse_tensor(int64[3]) LS = {values: int64[1] {5000000000}, indices: int64[1] {0}}>
{
  Y = Add (X, S)
  H = Identity (HS)
  L = Identity (LS)
}`);
    const o = outputs(m, { X: floatTensor([2, 3], [1, 1, 1, 1, 1, 1]) });
    expect(nums(o['Y'])).to.deep.equal([1, 1, 6, 7, 1, 1]);
    expect(o['H']!.dtype).to.equal(DataType.FLOAT16);
    expect(nums(o['H'])).to.deep.equal([0, 0, 0, 1.5]);
    expect(Array.from(o['L']!.data as BigInt64Array)).to.deep.equal([5000000000n, 0n, 0n]);
  });

  it('indices out of range, given twice or of the wrong shape are errors naming the tensor', () => {
    const v = floatTensor([2], [1, 2]);
    const idx = (dims: number[], xs: bigint[]): Tensor => Tensor.of(DataType.INT64, dims, BigInt64Array.from(xs));
    expect(() => densify({ values: v, indices: idx([2], [0n, 6n]), dims: [2, 3] }, 'S')).to.throw(/^S: index 1 \(6\) is outside the 6 elements/);
    expect(() => densify({ values: v, indices: idx([2], [4n, 4n]), dims: [2, 3] }, 'S')).to.throw(/position 4 is given twice/);
    expect(() => densify({ values: v, indices: idx([2, 2], [0n, 3n, 1n, 0n]), dims: [2, 3] }, 'S')).to.throw(/coordinate 3 on dim 1 of size 3/);
    expect(() => densify({ values: v, indices: idx([3], [0n, 1n, 2n]), dims: [2, 3] }, 'S')).to.throw(/must be \[2\] \(linearised\) or \[2, 2\]/);
    const m = parse(`<ir_version: 8, opset_import: ["" : 17]>
main () => (float[2] Y) {
  Y = Constant <sparse_value = sparse_tensor(float[2]) {values: float[1] {7}, indices: int64[1] {2}}> ()
}`);
    const r = executeModel(m, {});
    expect(r._tag).to.equal('Left');
    if (r._tag === 'Left') expect(r.left.message).to.match(/sparse_value: index 0 \(2\) is outside the 2 elements/);
  });
});
