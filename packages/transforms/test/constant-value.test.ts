import { expect } from 'chai';
import { DataType, Node, attr, floatTensor } from '@mixprec/ir';
import { constantValue } from '../src/index.js';

const node = (attrs: Record<string, ReturnType<typeof attr.int>>) => new Node({ opType: 'Constant', outputs: ['c'], attributes: attrs });

describe('constantValue', () => {
  it('reads every value attribute form', () => {
    const t = floatTensor([2], [1, 2]);
    expect(constantValue(node({ value: attr.tensor(t) }))).to.deep.equal({ kind: 'dense', tensor: t });
    const f = constantValue(node({ value_float: attr.float(1.5) }));
    expect(f?.kind === 'dense' && [f.tensor.dtype, f.tensor.dims, [...(f.tensor.data as Float32Array)]]).to.deep.equal([DataType.FLOAT, [], [1.5]]);
    const fs = constantValue(node({ value_floats: attr.floats([1, 2, 3]) }));
    expect(fs?.kind === 'dense' && fs.tensor.dims).to.deep.equal([3]);
    const i = constantValue(node({ value_int: attr.int(2n ** 40n) }));
    expect(i?.kind === 'dense' && [i.tensor.dtype, [...(i.tensor.data as BigInt64Array)]]).to.deep.equal([DataType.INT64, [2n ** 40n]]);
    const is = constantValue(node({ value_ints: attr.ints([1, -2]) }));
    expect(is?.kind === 'dense' && [...(is.tensor.data as BigInt64Array)]).to.deep.equal([1n, -2n]);
    const s = constantValue(node({ value_string: attr.string('hé') }));
    expect(s?.kind === 'dense' && [s.tensor.dtype, s.tensor.dims, new TextDecoder().decode((s.tensor.data as Uint8Array[])[0])]).to.deep.equal([DataType.STRING, [], 'hé']);
    const ss = constantValue(node({ value_strings: attr.strings(['a', 'b']) }));
    expect(ss?.kind === 'dense' && ss.tensor.dims).to.deep.equal([2]);
    const sparse = { values: floatTensor([1], [7]), indices: floatTensor([1], [0]), dims: [3] };
    expect(constantValue(node({ sparse_value: { type: 'SPARSE_TENSOR', value: sparse } }))).to.deep.equal({ kind: 'sparse', sparse });
  });

  it('refuses nodes that are not well-formed Constants', () => {
    expect(constantValue(node({}))).to.equal(undefined);
    expect(constantValue(node({ value_float: attr.float(1), value_int: attr.int(1) }))).to.equal(undefined);
    expect(constantValue(node({ value: attr.int(1) }))).to.equal(undefined);
    expect(constantValue(node({ value: { type: 'TENSOR', value: floatTensor([1], [1]), refAttrName: 'v' } }))).to.equal(undefined);
    expect(constantValue(new Node({ opType: 'Constant', domain: 'custom', outputs: ['c'], attributes: { value_float: attr.float(1) } }))).to.equal(undefined);
  });
});
