import { expect } from 'chai';
import { decodeModel, formatLoadError, loadTensor } from '../src/index.js';
import { onnx } from '../src/proto.js';
import { protoBytes, varint, vi } from './helpers.js';

/** Bytes of a model `Y = Relu(X)` whose output ValueInfo is replaced by `outputInfo` (raw bytes of field 12). */
function withRawOutput(outputInfo: Uint8Array): Uint8Array {
  const head = protoBytes({ irVersion: 8, opsetImport: [{ domain: '', version: 13 }] });
  const graph = onnx.GraphProto.encode({ node: [{ input: ['X'], output: ['Y'], opType: 'Relu' }], input: [vi('X', 1, [4])] }).finish();
  // The graph (field 7) with the raw output (field 12) appended inside it.
  const body = Uint8Array.from([...graph, 0x62, outputInfo.length, ...outputInfo]);
  return Uint8Array.from([...head, 0x3a, ...varint(body.length), ...body]);
}

describe('wire types: a known field with a wire type its type cannot have is a decode error (found by fuzzing)', () => {
  it('elem_type sent length-delimited (protobufjs read 6, protobuf C++ and onnxruntime skipped it)', () => {
    // ValueInfo { name: "Y", type { tensor_type { elem_type: 5, [field 1 as LEN: 08 06] } } }
    const info = Uint8Array.from([0x0a, 0x01, 0x59, 0x12, 0x08, 0x0a, 0x06, 0x08, 0x05, 0x0a, 0x02, 0x08, 0x06]);
    const r = decodeModel(withRawOutput(info), { file: 'm.onnx' });
    expect(r._tag).to.equal('Left');
    if (r._tag !== 'Left') return;
    expect(r.left._tag).to.equal('DecodeError');
    expect(formatLoadError(r.left)).to.equal('m.onnx: not a valid ONNX protobuf: field 1 of TypeProto.Tensor has wire type length-delimited, expected varint (the file is corrupt or truncated, or not an ONNX model)');
  });

  it('a string field sent as a varint, a float as 64-bit, and group wire types', () => {
    const cases: [Uint8Array, RegExp][] = [
      [Uint8Array.from([0x08, 0x05]), /field 1 of ValueInfoProto has wire type varint, expected length-delimited/],
      [Uint8Array.from([0x0a, 0x01, 0x59, 0x1b]), /field 3 of ValueInfoProto has wire type group start, which ONNX never uses/],
    ];
    for (const [info, re] of cases) {
      const r = decodeModel(withRawOutput(info));
      expect(r._tag === 'Left' && formatLoadError(r.left)).to.match(re);
    }
    // AttributeProto.f (float, fixed32) sent as fixed64.
    const attr = protoBytes({ irVersion: 8, graph: { node: [{ input: ['X'], output: ['Y'], opType: 'LeakyRelu', attribute: [{ name: 'alpha', type: 1, f: 0.5 }] }] } });
    const at = attr.indexOf(0x15); // tag of field 2 (f), wire type 5
    const bad = Uint8Array.from(attr);
    bad[at] = 0x11; // field 2, wire type 1
    const r = decodeModel(bad);
    expect(r._tag === 'Left' && formatLoadError(r.left)).to.match(/field 2 of AttributeProto has wire type 64-bit, expected 32-bit/);
  });

  it('accepts repeated scalars packed and unpacked, and unknown fields of any valid wire type', () => {
    // TensorProto dims [2, 2] unpacked (08 02 08 02), float_data packed, an unknown field 99 (varint).
    const floats = new Uint8Array(new Float32Array([1, 2, 3, 4]).buffer);
    const tensor = Uint8Array.from([0x08, 0x02, 0x08, 0x02, 0x10, 0x01, 0x22, 16, ...floats, 0x98, 0x06, 0x07]);
    const t = loadTensor(tensor);
    expect(t._tag, t._tag === 'Left' ? formatLoadError(t.left) : '').to.equal('Right');
    if (t._tag === 'Right') expect([...t.right.dims]).to.deep.equal([2, 2]);
  });

  describe('encodings protobufjs and protobuf C++ (onnxruntime) read differently are decode errors (found by fuzzing)', () => {
    /** ValueInfo 'Y' of a float tensor whose TypeProto.Tensor body is `tensorBody`. */
    const info = (tensorBody: number[], typeExtra: number[] = []): Uint8Array => {
      const type = [0x0a, tensorBody.length, ...tensorBody, ...typeExtra];
      return Uint8Array.from([0x0a, 0x01, 0x59, 0x12, type.length, ...type]);
    };
    const shape3 = [0x12, 0x04, 0x0a, 0x02, 0x08, 0x03]; // shape { dim { dim_value: 3 } }
    const errorOf = (bytes: Uint8Array): string => {
      const r = decodeModel(bytes, { file: 'm.onnx' });
      return r._tag === 'Left' ? formatLoadError(r.left) : 'decoded';
    };

    it('an int32 field as a varint of 6-9 bytes (protobufjs read int8 and lost the shape, onnxruntime float[3])', () => {
      // elem_type = 1 + 2^53 in 8 bytes: protobuf C++ keeps the low 32 bits (1 = FLOAT).
      const bad = info([0x08, 0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10, ...shape3]);
      expect(errorOf(withRawOutput(bad))).to.match(/field 1 of TypeProto\.Tensor \(32-bit\) is a varint of 8 bytes; protobuf readers disagree on it/);
      // A 10-byte varint (the length of a negative int32, sign-extended) and the plain one decode.
      const ten = info([0x08, 0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, ...shape3]);
      expect(errorOf(withRawOutput(ten))).to.equal('decoded');
      expect(errorOf(withRawOutput(info([0x08, 0x01, ...shape3])))).to.equal('decoded');
    });

    it('over-long tags and lengths, and varints of more than 10 bytes', () => {
      // Tag of elem_type written in 6 bytes (08 as 88 80 80 80 80 00).
      expect(errorOf(withRawOutput(info([0x88, 0x80, 0x80, 0x80, 0x80, 0x00, 0x01])))).to.match(/a field tag of TypeProto\.Tensor is a varint of 6 bytes/);
      // Length of the shape written in 7 bytes.
      expect(errorOf(withRawOutput(info([0x08, 0x01, 0x12, 0x84, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0x0a, 0x02, 0x08, 0x03])))).to.match(/the length of field 2 of TypeProto\.Tensor is a varint of 7 bytes/);
      expect(errorOf(withRawOutput(info([0x08, 0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00])))).to.match(/field 1 of TypeProto\.Tensor is a varint of 11 bytes; varints have at most 10/);
    });

    it('a single sub-message given twice (protobuf C++ merged the two shapes into [2,3,4,5,3], protobufjs kept [3])', () => {
      const twice = info([0x08, 0x01, 0x12, 0x0a, 0x0a, 0x02, 0x08, 0x02, 0x0a, 0x02, 0x08, 0x03, 0x0a, 0x02, 0x08, 0x04, ...shape3]);
      expect(errorOf(withRawOutput(twice))).to.match(/field 2 of TypeProto\.Tensor \(a single message\) is given twice/);
    });

    it('two members of one oneof (a tensor type and a sequence type; a dim_value and a dim_param)', () => {
      const both = info([0x08, 0x01], [0x22, 0x00]);
      expect(errorOf(withRawOutput(both))).to.match(/fields 1 and 4 of TypeProto are both set, but they are one oneof/);
      const dim = info([0x08, 0x01, 0x12, 0x07, 0x0a, 0x05, 0x08, 0x03, 0x12, 0x01, 0x4e]);
      expect(errorOf(withRawOutput(dim))).to.match(/fields 1 and 2 of TensorShapeProto\.Dimension are both set/);
    });

    it('packed int32_data holding a varint of 6-9 bytes', () => {
      // TensorProto { dims: [2], data_type: INT32, int32_data (packed): [1, <7-byte varint>] }
      const tensor = Uint8Array.from([0x08, 0x02, 0x10, 0x06, 0x2a, 0x08, 0x01, 0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00]);
      const r = loadTensor(tensor);
      expect(r._tag === 'Left' && formatLoadError(r.left)).to.match(/field 5 of TensorProto \(packed 32-bit\) holds a varint of 7 bytes/);
    });
  });
});

