/**
 * Wire-type check of ONNX protobuf bytes, run before decoding. The generated protobufjs decoders
 * read a known field by its number alone, whatever its wire type: a hostile file can encode
 * `elem_type` as a length-delimited field, which protobufjs reads as one number and protobuf C++
 * (onnxruntime, onnx) skips as an unknown field — the two then see different models (found by
 * fuzzing against onnxruntime). This pass walks the message tree iteratively and rejects any
 * known field whose wire type its declared type cannot have, and group or invalid wire types.
 */

/**
 * Field kinds: `v` varint, `f` fixed32 (float), `d` fixed64 (double), `s` string/bytes, upper
 * case for repeated scalars (which may also come packed), `m:<Type>` a sub-message.
 * Generated from schema/onnx.proto.
 */
const SCHEMA: Readonly<Record<string, Readonly<Record<number, string>>>> = Object.freeze({
  'AttributeProto': { 1: 's', 2: 'f', 3: 'v', 4: 's', 5: 'm:TensorProto', 6: 'm:GraphProto', 7: 'F', 8: 'V', 9: 's', 10: 'm:TensorProto', 11: 'm:GraphProto', 13: 's', 14: 'm:TypeProto', 15: 'm:TypeProto', 20: 'v', 21: 's', 22: 'm:SparseTensorProto', 23: 'm:SparseTensorProto' },
  'ValueInfoProto': { 1: 's', 2: 'm:TypeProto', 3: 's', 4: 'm:StringStringEntryProto' },
  'NodeProto': { 1: 's', 2: 's', 3: 's', 4: 's', 5: 'm:AttributeProto', 6: 's', 7: 's', 8: 's', 9: 'm:StringStringEntryProto', 10: 'm:NodeDeviceConfigurationProto' },
  'IntIntListEntryProto': { 1: 'v', 2: 'V' },
  'NodeDeviceConfigurationProto': { 1: 's', 2: 'm:ShardingSpecProto', 3: 'v' },
  'ShardingSpecProto': { 1: 's', 2: 'V', 3: 'm:IntIntListEntryProto', 4: 'm:ShardedDimProto' },
  'ShardedDimProto': { 1: 'v', 2: 'm:SimpleShardedDimProto' },
  'SimpleShardedDimProto': { 1: 'v', 2: 's', 3: 'v' },
  'TrainingInfoProto': { 1: 'm:GraphProto', 2: 'm:GraphProto', 3: 'm:StringStringEntryProto', 4: 'm:StringStringEntryProto' },
  'ModelProto': { 1: 'v', 2: 's', 3: 's', 4: 's', 5: 'v', 6: 's', 7: 'm:GraphProto', 8: 'm:OperatorSetIdProto', 14: 'm:StringStringEntryProto', 20: 'm:TrainingInfoProto', 25: 'm:FunctionProto', 26: 'm:DeviceConfigurationProto' },
  'DeviceConfigurationProto': { 1: 's', 2: 'v', 3: 's' },
  'StringStringEntryProto': { 1: 's', 2: 's' },
  'TensorAnnotation': { 1: 's', 2: 'm:StringStringEntryProto' },
  'GraphProto': { 1: 'm:NodeProto', 2: 's', 5: 'm:TensorProto', 10: 's', 11: 'm:ValueInfoProto', 12: 'm:ValueInfoProto', 13: 'm:ValueInfoProto', 14: 'm:TensorAnnotation', 15: 'm:SparseTensorProto', 16: 'm:StringStringEntryProto' },
  'TensorProto': { 1: 'V', 2: 'v', 3: 'm:TensorProto.Segment', 4: 'F', 5: 'V', 6: 's', 7: 'V', 8: 's', 9: 's', 10: 'D', 11: 'V', 12: 's', 13: 'm:StringStringEntryProto', 14: 'v', 16: 'm:StringStringEntryProto' },
  'TensorProto.Segment': { 1: 'v', 2: 'v' },
  'SparseTensorProto': { 1: 'm:TensorProto', 2: 'm:TensorProto', 3: 'V' },
  'TensorShapeProto': { 1: 'm:TensorShapeProto.Dimension' },
  'TensorShapeProto.Dimension': { 1: 'v', 2: 's', 3: 's' },
  'TypeProto': { 1: 'm:TypeProto.Tensor', 4: 'm:TypeProto.Sequence', 5: 'm:TypeProto.Map', 6: 's', 7: 'm:TypeProto.Opaque', 8: 'm:TypeProto.SparseTensor', 9: 'm:TypeProto.Optional' },
  'TypeProto.Tensor': { 1: 'v', 2: 'm:TensorShapeProto' },
  'TypeProto.Sequence': { 1: 'm:TypeProto' },
  'TypeProto.Map': { 1: 'v', 2: 'm:TypeProto' },
  'TypeProto.Optional': { 1: 'm:TypeProto' },
  'TypeProto.SparseTensor': { 1: 'v', 2: 'm:TensorShapeProto' },
  'TypeProto.Opaque': { 1: 's', 2: 's' },
  'OperatorSetIdProto': { 1: 's', 2: 'v' },
  'FunctionProto': { 1: 's', 4: 's', 5: 's', 6: 's', 7: 'm:NodeProto', 8: 's', 9: 'm:OperatorSetIdProto', 10: 's', 11: 'm:AttributeProto', 12: 'm:ValueInfoProto', 13: 's', 14: 'm:StringStringEntryProto' },
});

const SCALAR_WIRE: Readonly<Record<string, number>> = Object.freeze({ v: 0, f: 5, d: 1 });
const WIRE_NAMES = ['varint', '64-bit', 'length-delimited', 'group start', 'group end', '32-bit', 'invalid (6)', 'invalid (7)'];

/**
 * Returns undefined when every known field of the message (and its sub-messages) has a wire
 * type its declared type allows, else a one-line description of the first one that does not.
 * Malformed framing (truncation, lengths past the end) is left to the decoder's own errors.
 */
export function checkWireTypes(bytes: Uint8Array, root: string): string | undefined {
  const stack: [number, number, string][] = [[0, bytes.length, root]];
  while (stack.length > 0) {
    const [start, end, type] = stack.pop()!;
    const fields = SCHEMA[type];
    let pos = start;
    // Broken framing ends the check of this message only; the decoder reports it.
    message: while (pos < end) {
      const t = readVarint(bytes, pos, end);
      if (t === undefined) break;
      pos = t[1];
      const no = Math.floor(t[0] / 8);
      const wt = t[0] % 8;
      if (wt === 3 || wt === 4 || wt > 5) return `field ${no} of ${type} has wire type ${WIRE_NAMES[wt]}, which ONNX never uses`;
      const kind = fields?.[no];
      if (kind !== undefined) {
        const lower = kind.toLowerCase();
        const scalar = SCALAR_WIRE[lower];
        const allowed = scalar === undefined ? wt === 2 : wt === scalar || (kind !== lower && wt === 2);
        if (!allowed) {
          const expected = scalar === undefined ? 'length-delimited' : kind !== lower ? `${WIRE_NAMES[scalar]} or packed` : WIRE_NAMES[scalar];
          return `field ${no} of ${type} has wire type ${WIRE_NAMES[wt]}, expected ${expected}`;
        }
      }
      if (wt === 0) {
        const v = readVarint(bytes, pos, end);
        if (v === undefined) break message;
        pos = v[1];
      } else if (wt === 1) {
        pos += 8;
      } else if (wt === 5) {
        pos += 4;
      } else {
        const l = readVarint(bytes, pos, end);
        if (l === undefined || l[0] > end - l[1]) break message;
        pos = l[1] + l[0];
        if (kind !== undefined && kind.startsWith('m:')) stack.push([l[1], pos, kind.slice(2)]);
      }
    }
  }
  return undefined;
}

/** A varint as a number (exact up to 2^53; larger values only need to be skipped here). */
function readVarint(b: Uint8Array, pos: number, end: number): [number, number] | undefined {
  let v = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    if (pos >= end) return undefined;
    const byte = b[pos++]!;
    v += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) return [v, pos];
    scale *= 128;
  }
  return undefined;
}
