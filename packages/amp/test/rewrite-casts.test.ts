import { expect } from 'chai';
import { DataType, tensorType } from '@mixprec/ir';
import { typeAs } from '../src/rewrite-casts.js';

describe('rewrite-casts: types of the values amp creates', () => {
  it('typeAs keeps the shape but drops hostile dims (negative or beyond 2^53) to unknown (found by fuzzing)', () => {
    expect(typeAs(tensorType(DataType.FLOAT, [1, 'N', 3]), DataType.FLOAT16)).to.deep.equal(tensorType(DataType.FLOAT16, [1, 'N', 3]));
    expect(typeAs(tensorType(DataType.FLOAT, [1, -4611686018427387904, 2 ** 60, Number.MAX_SAFE_INTEGER]), DataType.FLOAT16))
      .to.deep.equal(tensorType(DataType.FLOAT16, [1, undefined, undefined, Number.MAX_SAFE_INTEGER]));
    expect(typeAs(undefined, DataType.BFLOAT16)).to.deep.equal(tensorType(DataType.BFLOAT16));
  });
});
