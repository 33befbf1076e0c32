import { expect } from 'chai';
import { decodeModel, formatLoadError, loadTensor } from '../src/index.js';
import { protoBytes, vi } from './helpers.js';

/** Bytes of a model `Y = Relu(X)` whose output ValueInfo is replaced by `outputInfo` (raw bytes of field 12). */
function withRawOutput(outputInfo: Uint8Array): Uint8Array {
  const base = protoBytes({ irVersion: 8, opsetImport: [{ domain: '', version: 13 }], graph: { node: [{ input: ['X'], output: ['Y'], opType: 'Relu' }], input: [vi('X', 1, [4])] } });
  // Append field 7 (graph) a second time: protobuf merges repeated fields of a message given twice.
  const graphExtra = Uint8Array.from([0x62, outputInfo.length, ...outputInfo]);
  return Uint8Array.from([...base, 0x3a, graphExtra.length, ...graphExtra]);
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
});
