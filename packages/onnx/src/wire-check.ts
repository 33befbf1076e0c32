/**
 * Wire-type check of ONNX protobuf bytes, run before decoding. The generated protobufjs decoders
 * read a known field by its number alone, whatever its wire type: a hostile file can encode
 * `elem_type` as a length-delimited field, which protobufjs reads as one number and protobuf C++
 * (onnxruntime, onnx) skips as an unknown field — the two then see different models (found by
 * fuzzing against onnxruntime). This pass walks the message tree iteratively and rejects any
 * known field whose wire type its declared type cannot have, and group or invalid wire types.
 *
 * It also rejects the other encodings the two decoders read differently (found by fuzzing against
 * onnxruntime): varints of 6–9 bytes where protobufjs reads 32 bits (tags, lengths, int32 and
 * enum fields: protobufjs then skips a fixed 5 more bytes and loses the framing, protobuf C++
 * reads the whole varint), varints longer than 10 bytes, a singular sub-message given twice
 * (protobuf C++ merges the two, protobufjs keeps the last), and two members of one `oneof`
 * (protobuf C++ keeps the last, protobufjs both).
 */

/**
 * Field kinds: `v` varint (64-bit), `i` varint read as 32 bits (int32, enum), `f` fixed32
 * (float), `d` fixed64 (double), `s` string/bytes, upper case for repeated scalars (which may
 * also come packed), `m:<Type>` a repeated sub-message, `o:<Type>` a singular one.
 * Generated from schema/onnx.proto.
 */
const SCHEMA: Readonly<Record<string, Readonly<Record<number, string>>>> = Object.freeze({
  'AttributeProto': { 1: 's', 2: 'f', 3: 'v', 4: 's', 5: 'o:TensorProto', 6: 'o:GraphProto', 7: 'F', 8: 'V', 9: 's', 10: 'm:TensorProto', 11: 'm:GraphProto', 13: 's', 14: 'o:TypeProto', 15: 'm:TypeProto', 20: 'i', 21: 's', 22: 'o:SparseTensorProto', 23: 'm:SparseTensorProto' },
  'ValueInfoProto': { 1: 's', 2: 'o:TypeProto', 3: 's', 4: 'm:StringStringEntryProto' },
  'NodeProto': { 1: 's', 2: 's', 3: 's', 4: 's', 5: 'm:AttributeProto', 6: 's', 7: 's', 8: 's', 9: 'm:StringStringEntryProto', 10: 'm:NodeDeviceConfigurationProto' },
  'IntIntListEntryProto': { 1: 'v', 2: 'V' },
  'NodeDeviceConfigurationProto': { 1: 's', 2: 'm:ShardingSpecProto', 3: 'i' },
  'ShardingSpecProto': { 1: 's', 2: 'V', 3: 'm:IntIntListEntryProto', 4: 'm:ShardedDimProto' },
  'ShardedDimProto': { 1: 'v', 2: 'm:SimpleShardedDimProto' },
  'SimpleShardedDimProto': { 1: 'v', 2: 's', 3: 'v' },
  'TrainingInfoProto': { 1: 'o:GraphProto', 2: 'o:GraphProto', 3: 'm:StringStringEntryProto', 4: 'm:StringStringEntryProto' },
  'ModelProto': { 1: 'v', 2: 's', 3: 's', 4: 's', 5: 'v', 6: 's', 7: 'o:GraphProto', 8: 'm:OperatorSetIdProto', 14: 'm:StringStringEntryProto', 20: 'm:TrainingInfoProto', 25: 'm:FunctionProto', 26: 'm:DeviceConfigurationProto' },
  'DeviceConfigurationProto': { 1: 's', 2: 'i', 3: 's' },
  'StringStringEntryProto': { 1: 's', 2: 's' },
  'TensorAnnotation': { 1: 's', 2: 'm:StringStringEntryProto' },
  'GraphProto': { 1: 'm:NodeProto', 2: 's', 5: 'm:TensorProto', 10: 's', 11: 'm:ValueInfoProto', 12: 'm:ValueInfoProto', 13: 'm:ValueInfoProto', 14: 'm:TensorAnnotation', 15: 'm:SparseTensorProto', 16: 'm:StringStringEntryProto' },
  'TensorProto': { 1: 'V', 2: 'i', 3: 'o:TensorProto.Segment', 4: 'F', 5: 'I', 6: 's', 7: 'V', 8: 's', 9: 's', 10: 'D', 11: 'V', 12: 's', 13: 'm:StringStringEntryProto', 14: 'i', 16: 'm:StringStringEntryProto' },
  'TensorProto.Segment': { 1: 'v', 2: 'v' },
  'SparseTensorProto': { 1: 'o:TensorProto', 2: 'o:TensorProto', 3: 'V' },
  'TensorShapeProto': { 1: 'm:TensorShapeProto.Dimension' },
  'TensorShapeProto.Dimension': { 1: 'v', 2: 's', 3: 's' },
  'TypeProto': { 1: 'o:TypeProto.Tensor', 4: 'o:TypeProto.Sequence', 5: 'o:TypeProto.Map', 6: 's', 7: 'o:TypeProto.Opaque', 8: 'o:TypeProto.SparseTensor', 9: 'o:TypeProto.Optional' },
  'TypeProto.Tensor': { 1: 'i', 2: 'o:TensorShapeProto' },
  'TypeProto.Sequence': { 1: 'o:TypeProto' },
  'TypeProto.Map': { 1: 'i', 2: 'o:TypeProto' },
  'TypeProto.Optional': { 1: 'o:TypeProto' },
  'TypeProto.SparseTensor': { 1: 'i', 2: 'o:TensorShapeProto' },
  'TypeProto.Opaque': { 1: 's', 2: 's' },
  'OperatorSetIdProto': { 1: 's', 2: 'v' },
  'FunctionProto': { 1: 's', 4: 's', 5: 's', 6: 's', 7: 'm:NodeProto', 8: 's', 9: 'm:OperatorSetIdProto', 10: 's', 11: 'm:AttributeProto', 12: 'm:ValueInfoProto', 13: 's', 14: 'm:StringStringEntryProto' },
});

const SCALAR_WIRE: Readonly<Record<string, number>> = Object.freeze({ v: 0, i: 0, f: 5, d: 1 });
const WIRE_NAMES = ['varint', '64-bit', 'length-delimited', 'group start', 'group end', '32-bit', 'invalid (6)', 'invalid (7)'];

/** Field numbers of each `oneof` (at most one of them may be present). */
const ONEOFS: Readonly<Record<string, readonly number[]>> = Object.freeze({
  'TypeProto': [1, 4, 5, 7, 8, 9],
  'TensorShapeProto.Dimension': [1, 2],
  'SimpleShardedDimProto': [1, 2],
});

/**
 * Whether a varint of `len` bytes is read alike by both decoders where protobufjs reads 32 bits:
 * up to 5 bytes, or exactly 10 (a negative int32, sign-extended).
 */
function fits32(len: number): boolean {
  return len <= 5 || len === 10;
}

/**
 * Returns undefined when every known field of the message (and its sub-messages) has a wire
 * type its declared type allows and an encoding both decoders read alike, else a one-line
 * description of the first one that does not. Malformed framing (truncation, lengths past the
 * end) is left to the decoder's own errors.
 */
export function checkWireTypes(bytes: Uint8Array, root: string): string | undefined {
  const stack: [number, number, string][] = [[0, bytes.length, root]];
  while (stack.length > 0) {
    const [start, end, type] = stack.pop()!;
    const fields = SCHEMA[type];
    const oneof = ONEOFS[type];
    let seen: Set<number> | undefined;
    let oneofSeen: number | undefined;
    let pos = start;
    // Broken framing ends the check of this message only; the decoder reports it.
    message: while (pos < end) {
      const t = readVarint(bytes, pos, end);
      if (t === undefined) break;
      if (t[1] - pos > 10) return `a varint of ${t[1] - pos} bytes in ${type}; varints have at most 10`;
      if (t[1] - pos > 5) return `a field tag of ${type} is a varint of ${t[1] - pos} bytes; tags take at most 5`;
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
        if (kind.startsWith('o:')) {
          seen ??= new Set();
          if (seen.has(no)) return `field ${no} of ${type} (a single message) is given twice; protobuf readers disagree on merging them`;
          seen.add(no);
        }
        if (oneof !== undefined && oneof.includes(no)) {
          if (oneofSeen !== undefined && oneofSeen !== no) return `fields ${oneofSeen} and ${no} of ${type} are both set, but they are one oneof; protobuf readers disagree on which one counts`;
          oneofSeen = no;
        }
      }
      if (wt === 0) {
        const v = readVarint(bytes, pos, end);
        if (v === undefined) break message;
        const len = v[1] - pos;
        if (len > 10) return `field ${no} of ${type} is a varint of ${len} bytes; varints have at most 10`;
        if ((kind === 'i' || kind === 'I') && !fits32(len)) return `field ${no} of ${type} (32-bit) is a varint of ${len} bytes; protobuf readers disagree on it`;
        pos = v[1];
      } else if (wt === 1) {
        pos += 8;
      } else if (wt === 5) {
        pos += 4;
      } else {
        const l = readVarint(bytes, pos, end);
        if (l === undefined) break message;
        if (l[1] - pos > 5) return `the length of field ${no} of ${type} is a varint of ${l[1] - pos} bytes; lengths take at most 5`;
        if (l[0] > end - l[1]) break message;
        pos = l[1] + l[0];
        if (kind !== undefined && (kind.startsWith('m:') || kind.startsWith('o:'))) stack.push([l[1], pos, kind.slice(2)]);
        if (kind === 'I') {
          const bad = packed32Problem(bytes, l[1], pos);
          if (bad !== undefined) return `field ${no} of ${type} (packed 32-bit) holds a varint of ${bad} bytes; protobuf readers disagree on it`;
        }
      }
    }
  }
  return undefined;
}

/** The length of the first varint in a packed run of 32-bit values that both decoders do not read alike. */
function packed32Problem(b: Uint8Array, start: number, end: number): number | undefined {
  let pos = start;
  while (pos < end) {
    const v = readVarint(b, pos, end);
    if (v === undefined) return undefined; // broken framing: the decoder reports it
    const len = v[1] - pos;
    if (!fits32(len)) return len;
    pos = v[1];
  }
  return undefined;
}

/**
 * A varint as a number (exact up to 2^53; larger values only need to be skipped here) and the
 * position after it. Over-long ones (more than 10 bytes) are read to their end, so callers can
 * name their length; undefined when it runs past `end`.
 */
function readVarint(b: Uint8Array, pos: number, end: number): [number, number] | undefined {
  let v = 0;
  let scale = 1;
  for (;;) {
    if (pos >= end) return undefined;
    const byte = b[pos++]!;
    v += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) return [v, pos];
    scale *= 128;
  }
}
