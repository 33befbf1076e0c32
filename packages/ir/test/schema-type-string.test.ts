import { expect } from 'chai';
import {
  DataType, canonicalTypeString, dataTypeOfTypeString, parseTypeString, tensorType, typeStringOf, type ValueType,
} from '../src/index.js';

describe('ONNX type strings', () => {
  it('names tensors of every known data type and reads them back', () => {
    for (let d = 1; d <= 26; d++) {
      const s = typeStringOf(d as DataType);
      expect(s).to.match(/^tensor\([a-z0-9]+\)$/);
      expect(dataTypeOfTypeString(s)).to.equal(d);
    }
    expect(typeStringOf(DataType.FLOAT16)).to.equal('tensor(float16)');
    expect(typeStringOf(DataType.FLOAT)).to.equal('tensor(float)');
    expect(typeStringOf(tensorType(DataType.BFLOAT16, [2, 3]))).to.equal('tensor(bfloat16)');
  });

  it('rejects what is not a plain tensor type string', () => {
    expect(dataTypeOfTypeString('seq(tensor(float))')).to.equal(undefined);
    expect(dataTypeOfTypeString('tensor(fp16)')).to.equal(undefined);
    expect(dataTypeOfTypeString('tensor(undefined)')).to.equal(undefined);
    expect(dataTypeOfTypeString('float16')).to.equal(undefined);
    expect(dataTypeOfTypeString('T')).to.equal(undefined);
    expect(parseTypeString('tensor(float')).to.equal(undefined);
    expect(parseTypeString('seq(T)')).to.equal(undefined);
    expect(parseTypeString('map(string)')).to.equal(undefined);
  });

  it('spells sequences, optionals, maps and sparse tensors as the schemas do', () => {
    const seq: ValueType = { kind: 'sequence', elem: tensorType(DataType.FLOAT16) };
    expect(typeStringOf(seq)).to.equal('seq(tensor(float16))');
    expect(typeStringOf({ kind: 'optional', elem: seq })).to.equal('optional(seq(tensor(float16)))');
    expect(typeStringOf({ kind: 'map', keyType: DataType.INT64, valueType: tensorType(DataType.FLOAT) })).to.equal('map(int64, float)');
    expect(typeStringOf({ kind: 'sparse_tensor', dtype: DataType.FLOAT })).to.equal('sparse_tensor(float)');
    expect(typeStringOf({ kind: 'sequence', elem: undefined })).to.equal(undefined);
    expect(typeStringOf({ kind: 'opaque', domain: 'x', name: 'y' })).to.equal(undefined);
  });

  it('parses nested type strings, ignoring spaces, and round-trips them', () => {
    expect(parseTypeString('seq(map(string, float))')).to.deep.equal({
      kind: 'sequence', elem: { kind: 'map', keyType: DataType.STRING, valueType: { kind: 'tensor', dtype: DataType.FLOAT } },
    });
    expect(canonicalTypeString('seq(map(int64,float))')).to.equal('seq(map(int64, float))');
    expect(canonicalTypeString(' optional( tensor(int4) ) ')).to.equal('optional(tensor(int4))');
    expect(canonicalTypeString('not a type')).to.equal('not a type');
    for (const s of ['tensor(float8e4m3fn)', 'optional(seq(tensor(bool)))', 'map(string, int64)', 'sparse_tensor(int2)']) {
      expect(typeStringOf(parseTypeString(s)!)).to.equal(s);
    }
  });
});
