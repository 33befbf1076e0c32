import { expect } from 'chai';
import { DataType, tensorType } from '@mixprec/ir';
import { TypeMemo, typeAs } from '../src/rewrite-casts.js';

describe('rewrite-casts: types of the values amp creates', () => {
  it('typeAs keeps the shape but drops hostile dims (negative or beyond 2^53) to unknown (found by fuzzing)', () => {
    expect(typeAs(tensorType(DataType.FLOAT, [1, 'N', 3]), DataType.FLOAT16)).to.deep.equal(tensorType(DataType.FLOAT16, [1, 'N', 3]));
    expect(typeAs(tensorType(DataType.FLOAT, [1, -4611686018427387904, 2 ** 60, Number.MAX_SAFE_INTEGER]), DataType.FLOAT16))
      .to.deep.equal(tensorType(DataType.FLOAT16, [1, undefined, undefined, Number.MAX_SAFE_INTEGER]));
    expect(typeAs(undefined, DataType.BFLOAT16)).to.deep.equal(tensorType(DataType.BFLOAT16));
  });

  it('TypeMemo gives one converted type per (type object, dtype), equal to typeAs', () => {
    const memo = new TypeMemo();
    const t = tensorType(DataType.FLOAT, [1, 16]);
    const u = tensorType(DataType.FLOAT, [1, 16]);
    const a = memo.as(t, DataType.FLOAT16);
    expect(a).to.deep.equal(typeAs(t, DataType.FLOAT16));
    expect(memo.as(t, DataType.FLOAT16)).to.equal(a);
    expect(memo.as(t, DataType.BFLOAT16)).to.deep.equal(tensorType(DataType.BFLOAT16, [1, 16]));
    const b = memo.as(u, DataType.FLOAT16);
    expect(b, 'another object, converted on its own').to.not.equal(a);
    expect(b).to.deep.equal(a);
    expect(memo.as(undefined, DataType.FLOAT16)).to.deep.equal(tensorType(DataType.FLOAT16));
  });
});
