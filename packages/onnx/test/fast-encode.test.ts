import { expect } from 'chai';
import { DataType, Node, Tensor, Value, attr, type Dim, type ValueType } from '@mixprec/ir';
import { writeNodeBody, writeSmallRawTensor, writeValueInfo } from '../src/fast-encode.js';
import { tensorToProto } from '../src/tensor-encode.js';
import { attrToProto } from '../src/attr-encode.js';
import { onnx, type INodeProto } from '../src/proto.js';
import { valueInfoToProto } from '../src/value-info.js';
import { Wire } from '../src/wire.js';

/** The hand encoders must write exactly the bytes protobufjs writes for the generic objects. */
describe('fast-encode: hand-written NodeProto and ValueInfoProto bytes', () => {
  const names = ['x', '', 'conv1/W:0', 'é名前', 'emoji 🙂', 'lone \ud800 surrogate', 'a'.repeat(300)];
  const dims: Dim[] = [0, 1, 127, 128, 16384, 2 ** 40, -1, -(2 ** 40), 'N', '', 'é', undefined];

  function randomShape(seed: number): Dim[] | undefined {
    if (seed % 7 === 0) return undefined;
    return Array.from({ length: seed % 5 }, (_, i) => dims[(seed * 31 + i * 7) % dims.length]);
  }

  it('ValueInfoProto with tensor and sparse tensor types, denotations, docs and metadata', () => {
    let checked = 0;
    for (let seed = 0; seed < 400; seed++) {
      const shape = randomShape(seed);
      const dens = shape !== undefined && seed % 3 === 0 ? shape.map((_, i) => (i % 2 === 0 ? 'DATA_BATCH' : undefined)) : undefined;
      const kind = seed % 4 === 0 ? 'sparse_tensor' : 'tensor';
      const type: ValueType | undefined = seed % 11 === 0 ? undefined : {
        kind, dtype: (seed % 17) as DataType,
        ...(shape === undefined ? {} : { shape }),
        ...(dens === undefined ? {} : { dimDenotations: dens }),
        ...(seed % 5 === 0 ? { denotation: 'IMAGE' } : {}),
      } as ValueType;
      const name = names[seed % names.length]!;
      const doc = seed % 6 === 0 ? 'doc ✓' : undefined;
      const meta = seed % 9 === 0 ? [['k', 'v'], ['', 'é']] as [string, string][] : undefined;
      const w = new Wire(8);
      expect(writeValueInfo(w, 13, name, type, doc, meta)).to.equal(true);
      const info = { name, type, ...(doc === undefined ? {} : { docString: doc }), ...(meta === undefined ? {} : { metadataProps: meta }) };
      const expected = onnx.GraphProto.encode({ valueInfo: [valueInfoToProto(info)] }).finish();
      expect(Buffer.from(w.view()).equals(Buffer.from(expected)), `seed ${seed}`).to.equal(true);
      checked++;
    }
    expect(checked).to.equal(400);
    expect(writeValueInfo(new Wire(), 13, 's', { kind: 'sequence', elem: undefined }, undefined, undefined), 'other kinds fall back').to.equal(false);
  });

  it('NodeProto with inputs, omitted inputs, attributes, present defaults, domain and metadata', () => {
    for (let seed = 0; seed < 200; seed++) {
      const inputs = Array.from({ length: seed % 4 }, (_, i) => (i === 1 && seed % 2 === 0 ? undefined : new Value(names[(seed + i) % names.length])));
      const n = new Node({
        opType: seed % 13 === 0 ? '' : 'Op',
        domain: seed % 3 === 0 ? 'com.example' : '',
        name: names[seed % names.length]!,
        overload: seed % 10 === 0 ? 'v2' : '',
        ...(seed % 8 === 0 ? { docString: 'doc' } : {}),
        inputs,
        outputs: Array.from({ length: 1 + (seed % 3) }, (_, i) => `${names[(seed + 2 * i) % names.length]}_${i}`),
        attributes: seed % 2 === 0 ? {} : { axis: attr.int(seed - 100), alpha: attr.float(0.5), perm: attr.ints([0, 2, 1]), mode: attr.string('é') },
      });
      if (seed % 5 === 0) n.metadataProps.set('mixprec.accumulation', 'float');
      const present = new Set(seed % 7 === 0 ? ['name', 'opType', 'domain', 'overload'] : []);
      const rec = { valueAbsent: new Set<string>(), declaredType: {} };
      const w = new Wire(8);
      writeNodeBody(w, n, present, rec);
      const obj: INodeProto = { input: n.inputs.map((v) => v?.name ?? ''), output: n.outputs.map((v) => v.name) };
      if (n.name !== '' || present.has('name')) obj.name = n.name;
      if (n.opType !== '' || present.has('opType')) obj.opType = n.opType;
      if (n.domain !== '' || present.has('domain')) obj.domain = n.domain;
      if (n.overload !== '' || present.has('overload')) obj.overload = n.overload;
      if (n.docString !== undefined) obj.docString = n.docString;
      if (n.metadataProps.size > 0) obj.metadataProps = [...n.metadataProps].map(([key, value]) => ({ key, value }));
      obj.attribute = [...n.attributes].map(([k, a]) => attrToProto(k, a, rec));
      const expected = onnx.NodeProto.encode(obj).finish();
      expect(Buffer.from(w.view()).equals(Buffer.from(expected)), `seed ${seed}`).to.equal(true);
    }
  });
});

describe('fast-encode: hand-written small raw TensorProto bytes', () => {
  it('writes what protobufjs writes for the same tensor, for dims, data types, names and empty payloads', () => {
    const shapes = [[], [0], [1], [3], [2, 3], [1, 127, 1], [200], [1, 1, 1, 1, 2]];
    const names = [undefined, 'W', '', 'é名前', 'lone \ud800 surrogate', 'w'.repeat(200)];
    const dtypes = [DataType.FLOAT, DataType.FLOAT16, DataType.BFLOAT16, DataType.INT64, DataType.INT8, DataType.BOOL, DataType.DOUBLE];
    let checked = 0;
    for (let seed = 0; seed < 300; seed++) {
      const dims = shapes[seed % shapes.length]!;
      const dtype = dtypes[seed % dtypes.length]!;
      const size = dims.reduce((a, b) => a * b, 1);
      const width = dtype === DataType.INT64 || dtype === DataType.DOUBLE ? 8 : dtype === DataType.FLOAT ? 4 : dtype === DataType.INT8 || dtype === DataType.BOOL ? 1 : 2;
      const bytes = Uint8Array.from({ length: size * width }, (_, i) => (i * 7 + seed) & (dtype === DataType.BOOL ? 1 : 0xff));
      const metaName = seed % 4 === 0 ? 'meta_name' : undefined;
      const storage = seed % 3 === 0 ? { storage: 'raw' as const } : {};
      const t = Tensor.fromRawBytes(dtype, dims, bytes, metaName === undefined ? storage : { name: metaName, ...storage });
      const name = names[seed % names.length];
      const w = new Wire(8);
      // An empty tensor without a recorded storage writes no raw_data field: the general path.
      const none = size === 0 && seed % 3 !== 0;
      expect(writeSmallRawTensor(w, 5, t, name), `seed ${seed}`).to.equal(!none);
      if (none) continue;
      const expected = onnx.GraphProto.encode({ initializer: [tensorToProto(t, name)] }).finish();
      expect(Buffer.from(w.view()).equals(Buffer.from(expected)), `seed ${seed}`).to.equal(true);
      checked++;
    }
    expect(checked).to.be.greaterThan(250);
  });

  it('leaves tensors with more fields, typed-field storage, or big and lazy payloads to the general path', () => {
    const bytes = new Uint8Array(8);
    const no = (t: Tensor): boolean => writeSmallRawTensor(new Wire(), 5, t, 'x');
    expect(no(Tensor.fromRawBytes(DataType.FLOAT, [2], bytes, { docString: 'd' }))).to.equal(false);
    expect(no(Tensor.fromRawBytes(DataType.FLOAT, [2], bytes, { metadataProps: [['k', 'v']] }))).to.equal(false);
    expect(no(Tensor.fromRawBytes(DataType.FLOAT, [2], bytes, { extras: { 'onnx.segment': [null, '1'] } }))).to.equal(false);
    expect(no(Tensor.of(DataType.FLOAT, [2], Float32Array.from([1, 2]), { storage: 'fields' }))).to.equal(false);
    expect(no(Tensor.fromRawBytes(DataType.FLOAT, [16384], new Uint8Array(65536)))).to.equal(false);
    expect(no(Tensor.lazy(DataType.FLOAT, [2], { byteLength: 8, description: 'test', read: () => bytes }))).to.equal(false);
    expect(no(Tensor.of(DataType.STRING, [1], [Uint8Array.from([65])]))).to.equal(false);
  });
});

describe('Wire: fields framed after their payload is written', () => {
  it('openField/closeField write what bytes() writes, for lengths around each varint size', () => {
    for (const len of [0, 1, 127, 128, 300, 16383, 16384, 70000]) {
      const payload = Uint8Array.from({ length: len }, (_, i) => (i * 13) & 0xff);
      const a = new Wire(4);
      a.string(2, 'before');
      const mark = a.openField(1);
      for (let i = 0; i < len; i += 1000) a.raw(payload.subarray(i, Math.min(len, i + 1000)));
      a.closeField(mark);
      a.string(3, 'after');
      const b = new Wire(4);
      b.string(2, 'before');
      b.bytes(1, payload);
      b.string(3, 'after');
      expect(Buffer.from(a.view()).equals(Buffer.from(b.view())), `length ${len}`).to.equal(true);
    }
  });
});
