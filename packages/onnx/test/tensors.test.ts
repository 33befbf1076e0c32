import { expect } from 'chai';
import { DataType, Tensor, float32ToFloat16Bits, tensorToFloat64 } from '@mixprec/ir';
import { decodeModel, encodeTensor, loadTensor } from '../src/index.js';
import type { ITensorProto } from '../src/proto.js';
import { onnx, toProtoInt64 } from '../src/proto.js';
import { expectLosslessRoundTrip, i64, mustDecode, protoBytes, vi } from './helpers.js';

/** A model whose only content is one initializer (and a graph output reading it). */
function withInitializer(t: ITensorProto): Uint8Array {
  return protoBytes({
    irVersion: 10, opsetImport: [{ domain: '', version: 21 }],
    graph: { name: 'g', initializer: [{ name: 'T', ...t }], output: [{ name: 'T' }] },
  });
}

function loadInitializer(t: ITensorProto): Tensor {
  const m = mustDecode(withInitializer(t));
  return m.graph.initializers.get('T')!.constValue!;
}

const le = (ctor: { new(n: number[]): ArrayBufferView }, values: number[]): Uint8Array => {
  const a = new ctor(values);
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
};

describe('tensors: every data type, both storage forms', () => {
  const raw: [string, DataType, Uint8Array, number[]][] = [
    ['FLOAT', DataType.FLOAT, le(Float32Array, [1.5, -2]), [2]],
    ['UINT8', DataType.UINT8, Uint8Array.from([1, 255]), [2]],
    ['INT8', DataType.INT8, le(Int8Array, [-128, 127]), [2]],
    ['UINT16', DataType.UINT16, le(Uint16Array, [0, 65535]), [2]],
    ['INT16', DataType.INT16, le(Int16Array, [-1, 300]), [2]],
    ['INT32', DataType.INT32, le(Int32Array, [-5, 7]), [2]],
    ['INT64', DataType.INT64, new Uint8Array(BigInt64Array.from([-1n, 2n ** 62n]).buffer), [2]],
    ['BOOL', DataType.BOOL, Uint8Array.from([1, 0]), [2]],
    ['FLOAT16', DataType.FLOAT16, new Uint8Array(float32ToFloat16Bits(Float32Array.from([1, -0.5])).buffer), [2]],
    ['DOUBLE', DataType.DOUBLE, le(Float64Array, [Math.PI, -1]), [2]],
    ['UINT32', DataType.UINT32, le(Uint32Array, [4000000000, 1]), [2]],
    ['UINT64', DataType.UINT64, new Uint8Array(BigUint64Array.from([2n ** 64n - 1n, 0n]).buffer), [2]],
    ['COMPLEX64', DataType.COMPLEX64, le(Float32Array, [1, 2, 3, 4]), [2]],
    ['COMPLEX128', DataType.COMPLEX128, le(Float64Array, [1, 2]), [1]],
    ['BFLOAT16', DataType.BFLOAT16, le(Uint16Array, [0x3f80, 0xc000]), [2]],
    ['FLOAT8E4M3FN', DataType.FLOAT8E4M3FN, Uint8Array.from([0x38, 0xb8]), [2]],
    ['FLOAT8E4M3FNUZ', DataType.FLOAT8E4M3FNUZ, Uint8Array.from([0x40, 0x80]), [2]],
    ['FLOAT8E5M2', DataType.FLOAT8E5M2, Uint8Array.from([0x3c, 0x7c]), [2]],
    ['FLOAT8E5M2FNUZ', DataType.FLOAT8E5M2FNUZ, Uint8Array.from([0x40, 0x00]), [2]],
    ['UINT4 (3 values, 2 bytes)', DataType.UINT4, Uint8Array.from([0x21, 0x03]), [3]],
    ['INT4', DataType.INT4, Uint8Array.from([0xf8]), [2]],
    ['FLOAT4E2M1', DataType.FLOAT4E2M1, Uint8Array.from([0x12, 0x34]), [4]],
    ['FLOAT8E8M0', DataType.FLOAT8E8M0, Uint8Array.from([127, 128]), [2]],
    ['UINT2 (5 values, 2 bytes)', DataType.UINT2, Uint8Array.from([0b11100100, 0b01]), [5]],
    ['INT2', DataType.INT2, Uint8Array.from([0b00011011]), [4]],
  ];
  for (const [label, dtype, bytes, dims] of raw) {
    it(`${label} in raw_data`, () => {
      const m = expectLosslessRoundTrip(withInitializer({ dims, dataType: dtype, rawData: bytes }));
      const t = m.graph.initializers.get('T')!.constValue!;
      expect(t.dtype).to.equal(dtype);
      expect(t.meta.storage).to.equal('raw');
      expect(Buffer.from(t.rawBytes()).equals(Buffer.from(bytes))).to.equal(true);
    });
  }

  const fields: [string, ITensorProto, (t: Tensor) => void][] = [
    ['FLOAT in float_data', { dims: [2], dataType: 1, floatData: [0.5, -3] }, (t) => expect([...(t.data as Float32Array)]).to.deep.equal([0.5, -3])],
    ['FLOAT16 bits in int32_data', { dims: [2], dataType: 10, int32Data: [0x3c00, 0xbc00] }, (t) => expect(tensorToFloat64(t)).to.deep.equal(Float64Array.from([1, -1]))],
    ['BFLOAT16 bits in int32_data', { dims: [1], dataType: 16, int32Data: [0x3f80] }, (t) => expect(tensorToFloat64(t)[0]).to.equal(1)],
    ['INT8 in int32_data', { dims: [2], dataType: 3, int32Data: [-7, 100] }, (t) => expect([...(t.data as Int8Array)]).to.deep.equal([-7, 100])],
    ['BOOL in int32_data', { dims: [3], dataType: 9, int32Data: [1, 0, 1] }, (t) => expect([...(t.data as Uint8Array)]).to.deep.equal([1, 0, 1])],
    ['INT4 packed in int32_data', { dims: [3], dataType: 22, int32Data: [0x7f, 0x01] }, (t) => expect([...(t.data as Uint8Array)]).to.deep.equal([0x7f, 0x01])],
    ['INT64 in int64_data', { dims: [2], dataType: 7, int64Data: [i64('-9223372036854775808'), 3] }, (t) => expect([...(t.data as BigInt64Array)]).to.deep.equal([-(2n ** 63n), 3n])],
    ['UINT64 in uint64_data', { dims: [1], dataType: 13, uint64Data: [toProtoInt64(2n ** 64n - 1n, true)] }, (t) => expect([...(t.data as BigUint64Array)]).to.deep.equal([2n ** 64n - 1n])],
    ['UINT32 in uint64_data', { dims: [1], dataType: 12, uint64Data: [4294967295] }, (t) => expect([...(t.data as Uint32Array)]).to.deep.equal([4294967295])],
    ['DOUBLE in double_data', { dims: [1], dataType: 11, doubleData: [1e300] }, (t) => expect([...(t.data as Float64Array)]).to.deep.equal([1e300])],
    ['COMPLEX128 in double_data', { dims: [1], dataType: 15, doubleData: [1, -1] }, (t) => expect(t.data).to.have.length(2)],
    ['STRING in string_data (bytes kept)', { dims: [2], dataType: 8, stringData: [Uint8Array.from([0xff]), new TextEncoder().encode('ok')] },
      (t) => expect((t.data as Uint8Array[]).map((s) => [...s])).to.deep.equal([[0xff], [111, 107]])],
    ['empty FLOAT tensor', { dims: [0, 3], dataType: 1 }, (t) => expect(t.size).to.equal(0)],
  ];
  for (const [label, proto, check] of fields) {
    it(label, () => {
      const m = expectLosslessRoundTrip(withInitializer(proto));
      const t = m.graph.initializers.get('T')!.constValue!;
      check(t);
      if (t.size > 0) expect(t.meta.storage).to.equal('fields');
    });
  }

  it('keeps an unknown data type (27) as raw bytes', () => {
    const m = expectLosslessRoundTrip(withInitializer({ dims: [3], dataType: 27, rawData: Uint8Array.from([1, 2, 3, 4, 5, 6]) }));
    const t = m.graph.initializers.get('T')!.constValue!;
    expect(t.dtype).to.equal(27);
    expect([...t.rawBytes()]).to.deep.equal([1, 2, 3, 4, 5, 6]);
  });

  it('refuses an unknown data type stored in a typed field (cannot be kept exactly)', () => {
    const r = decodeModel(withInitializer({ dims: [1], dataType: 27, int32Data: [1] }));
    expect(r._tag === 'Left' && r.left._tag).to.equal('UnsupportedFeature');
  });

  it('views aligned raw_data without copying and copies unaligned raw_data', () => {
    const bytes = withInitializer({ dims: [256], dataType: 1, rawData: new Uint8Array(1024) });
    const views = [0, 1, 2, 3].map((shift) => {
      const buf = new Uint8Array(bytes.length + shift).subarray(shift);
      buf.set(bytes);
      const t = mustDecode(buf).graph.initializers.get('T')!.constValue!;
      return (t.data as Float32Array).buffer === buf.buffer;
    });
    expect(views.filter((v) => v)).to.have.length(1);
  });

  it('rejects size mismatches, negative dims and absurd element counts without allocating', () => {
    const cases: [ITensorProto, RegExp][] = [
      [{ dims: [3], dataType: 1, rawData: new Uint8Array(8) }, /12 bytes\) but 8 bytes of raw_data/],
      [{ dims: [-1], dataType: 1, rawData: new Uint8Array(0) }, /negative dimension/],
      [{ dims: [i64('4611686018427387904'), 4], dataType: 1, rawData: new Uint8Array(4) }, /larger than any tensor|more than any tensor/],
      [{ dims: [2], dataType: 1, floatData: [1] }, /1 entries in floatData/],
      [{ dims: [2], dataType: 1, int32Data: [1, 2] }, /stores its values in int32Data/],
      [{ dims: [2], dataType: 1 }, /no data/],
      [{ dims: [1], dataType: 1, floatData: [1], rawData: new Uint8Array(4) }, /both raw_data/],
      [{ dims: [1], dataType: 8, rawData: new Uint8Array(1) }, /strings must use string_data/],
      [{ dims: [1], dataType: -3, rawData: new Uint8Array(1) }, /invalid data type/],
    ];
    for (const [proto, re] of cases) {
      const r = decodeModel(withInitializer(proto));
      expect(r._tag, JSON.stringify(proto)).to.equal('Left');
      if (r._tag === 'Left') {
        expect(r.left._tag).to.equal('InvalidModel');
        expect(r.left.message).to.match(re).and.to.include("initializer 'T'");
      }
    }
  });

  it('loads TensorProto files and encodes them back identically', () => {
    const proto = { name: 'input_0', dims: [2], dataType: 1, rawData: le(Float32Array, [1, 2]) };
    const bytes = onnx.TensorProto.encode(proto).finish();
    const r = loadTensor(bytes);
    expect(r._tag).to.equal('Right');
    if (r._tag !== 'Right') return;
    expect(r.right.meta.name).to.equal('input_0');
    expect(Buffer.from(encodeTensor(r.right)).equals(Buffer.from(bytes))).to.equal(true);
    const bad = loadTensor(bytes.subarray(0, bytes.length - 3));
    expect(bad._tag === 'Left' && bad.left._tag).to.equal('DecodeError');
  });

  it('initializer values get the type of their tensor (unless an entry declares one)', () => {
    const m = mustDecode(protoBytes({
      irVersion: 8, opsetImport: [{ domain: '', version: 13 }],
      graph: {
        initializer: [{ name: 'W', dims: [2, 3], dataType: 1, rawData: new Uint8Array(24) }],
        node: [{ input: ['W'], output: ['Y'], opType: 'Relu' }], output: [vi('Y', 1, [2, 3])],
      },
    }));
    expect(m.graph.initializers.get('W')!.type).to.deep.equal({ kind: 'tensor', dtype: 1, shape: [2, 3] });
    // A graph output naming the initializer directly, without a type, keeps "no type".
    expect(loadInitializer({ dims: [1], dataType: 1, rawData: new Uint8Array(4) }).dims).to.deep.equal([1]);
    expect(mustDecode(withInitializer({ dims: [1], dataType: 1, rawData: new Uint8Array(4) })).graph.outputs[0]!.type).to.equal(undefined);
  });
});

describe('tensors: graph inputs', () => {
  it('reads a graph with only typed inputs', () => {
    const m = mustDecode(protoBytes({ irVersion: 8, opsetImport: [{ domain: '', version: 13 }], graph: { input: [vi('x', 1, [1])], output: [{ name: 'x' }] } }));
    expect(m.graph.outputs[0]).to.equal(m.graph.inputs[0]);
  });
});
