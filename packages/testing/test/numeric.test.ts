import { expect } from 'chai';
import { DataType, Tensor, floatTensor } from '@mixprec/ir';
import { compareTensors, defaultTolerance } from '../src/index.js';

describe('numeric comparer', () => {
  it('accepts values within rtol/atol and NaN against NaN', () => {
    const e = floatTensor([3], [1, NaN, 100]);
    const a = floatTensor([3], [1.00001, NaN, 100.005]);
    expect(compareTensors(a, e)).to.equal(undefined);
  });

  it('describes the worst element when values differ', () => {
    const e = floatTensor([4], [1, 2, 3, 4]);
    const a = floatTensor([4], [1, 2.5, 3, 4.1]);
    expect(compareTensors(a, e)).to.equal('2 of 4 elements differ beyond rtol 0.0001, atol 0.000001; worst at flat index 1: 2.5 vs expected 2');
  });

  it('requires matching infinities, dtypes and shapes', () => {
    expect(compareTensors(floatTensor([1], [Infinity]), floatTensor([1], [-Infinity]))).to.match(/1 of 1 elements differ/);
    expect(compareTensors(floatTensor([1], [Infinity]), floatTensor([1], [Infinity]))).to.equal(undefined);
    expect(compareTensors(floatTensor([2], [1, 2]), floatTensor([1, 2], [1, 2]))).to.equal('shape [2] ≠ expected [1, 2]');
    const i = Tensor.of(DataType.INT32, [1], Int32Array.of(1));
    expect(compareTensors(i, floatTensor([1], [1]))).to.equal('dtype INT32 ≠ expected FLOAT');
  });

  it('compares integers exactly and has looser tolerances for 16-bit floats', () => {
    const a = Tensor.of(DataType.INT64, [2], BigInt64Array.of(1n, 2n));
    const b = Tensor.of(DataType.INT64, [2], BigInt64Array.of(1n, 3n));
    expect(compareTensors(a, b)).to.match(/1 of 2 elements differ beyond rtol 0, atol 0/);
    expect(defaultTolerance(DataType.FLOAT16).rtol).to.be.greaterThan(defaultTolerance(DataType.FLOAT).rtol);
  });
});
