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

/** One known field of {@link SCHEMA}, compiled once at import (the check runs per field). */
interface FieldRule {
  readonly kind: string;
  /** The scalar wire type (0, 1, 5), or -1 for a length-delimited field. */
  readonly scalar: number;
  /** A repeated scalar, which may also come packed (wire type 2). */
  readonly packable: boolean;
  /** The sub-message type (index into {@link RULES}), or -1. */
  readonly message: number;
  readonly singular: boolean;
  /** Repeated 32-bit varints (`I`), whose packed runs are checked too. */
  readonly packed32: boolean;
  readonly inOneof: boolean;
}

interface TypeRules {
  readonly name: string;
  /** Indexed by field number. */
  readonly fields: readonly (FieldRule | undefined)[];
}

const TYPE_NAMES = Object.keys(SCHEMA);
for (const [name, fields] of Object.entries(SCHEMA)) {
  for (const [no, kind] of Object.entries(fields)) {
    if (kind.startsWith('o:') && Number(no) >= 32) throw new Error(`wire-check: singular field ${no} of ${name} does not fit the 32-bit seen mask`);
  }
}
const RULES: readonly TypeRules[] = Object.freeze(TYPE_NAMES.map((name) => {
  const fields: (FieldRule | undefined)[] = [];
  for (const [no, kind] of Object.entries(SCHEMA[name]!)) {
    const lower = kind.toLowerCase();
    const sub = kind.startsWith('m:') || kind.startsWith('o:') ? TYPE_NAMES.indexOf(kind.slice(2)) : -1;
    fields[Number(no)] = Object.freeze({
      kind, scalar: SCALAR_WIRE[lower] ?? -1, packable: kind !== lower, message: sub, singular: kind.startsWith('o:'),
      packed32: kind === 'I', inOneof: ONEOFS[name]?.includes(Number(no)) === true,
    });
  }
  return Object.freeze({ name, fields: Object.freeze(fields) });
}));

/** Where {@link readVarint} leaves its result (one per check: no tuple per varint). */
interface Cursor {
  value: number;
  pos: number;
}

/**
 * Returns undefined when every known field of the message (and its sub-messages) has a wire
 * type its declared type allows and an encoding both decoders read alike, else a one-line
 * description of the first one that does not. Malformed framing (truncation, lengths past the
 * end) is left to the decoder's own errors.
 */
export function checkWireTypes(bytes: Uint8Array, root: string): string | undefined {
  const rootIndex = TYPE_NAMES.indexOf(root);
  // Pending sub-messages as flat triples (start, end, type index).
  const stack: number[] = [0, bytes.length, rootIndex];
  const c: Cursor = { value: 0, pos: 0 };
  while (stack.length > 0) {
    const typeIndex = stack.pop()!;
    const end = stack.pop()!;
    const start = stack.pop()!;
    const rules = typeIndex < 0 ? undefined : RULES[typeIndex]!;
    const type = rules === undefined ? root : rules.name;
    // Singular sub-message fields met so far, as bits (their field numbers are all below 32).
    let seen = 0;
    let oneofSeen: number | undefined;
    let pos = start;
    // Broken framing ends the check of this message only; the decoder reports it.
    message: while (pos < end) {
      if (!readVarint(bytes, pos, end, c)) break;
      if (c.pos - pos > 10) return `a varint of ${c.pos - pos} bytes in ${type}; varints have at most 10`;
      if (c.pos - pos > 5) return `a field tag of ${type} is a varint of ${c.pos - pos} bytes; tags take at most 5`;
      pos = c.pos;
      const no = Math.floor(c.value / 8);
      const wt = c.value % 8;
      if (wt === 3 || wt === 4 || wt > 5) return `field ${no} of ${type} has wire type ${WIRE_NAMES[wt]}, which ONNX never uses`;
      const rule = rules?.fields[no];
      if (rule !== undefined) {
        const scalar = rule.scalar;
        const allowed = scalar < 0 ? wt === 2 : wt === scalar || (rule.packable && wt === 2);
        if (!allowed) {
          const expected = scalar < 0 ? 'length-delimited' : rule.packable ? `${WIRE_NAMES[scalar]} or packed` : WIRE_NAMES[scalar];
          return `field ${no} of ${type} has wire type ${WIRE_NAMES[wt]}, expected ${expected}`;
        }
        if (rule.singular) {
          const bit = 1 << no;
          if ((seen & bit) !== 0) return `field ${no} of ${type} (a single message) is given twice; protobuf readers disagree on merging them`;
          seen |= bit;
        }
        if (rule.inOneof) {
          if (oneofSeen !== undefined && oneofSeen !== no) return `fields ${oneofSeen} and ${no} of ${type} are both set, but they are one oneof; protobuf readers disagree on which one counts`;
          oneofSeen = no;
        }
      }
      if (wt === 0) {
        if (!readVarint(bytes, pos, end, c)) break message;
        const len = c.pos - pos;
        if (len > 10) return `field ${no} of ${type} is a varint of ${len} bytes; varints have at most 10`;
        if ((rule?.kind === 'i' || rule?.kind === 'I') && !fits32(len)) return `field ${no} of ${type} (32-bit) is a varint of ${len} bytes; protobuf readers disagree on it`;
        pos = c.pos;
      } else if (wt === 1) {
        pos += 8;
      } else if (wt === 5) {
        pos += 4;
      } else {
        if (!readVarint(bytes, pos, end, c)) break message;
        if (c.pos - pos > 5) return `the length of field ${no} of ${type} is a varint of ${c.pos - pos} bytes; lengths take at most 5`;
        if (c.value > end - c.pos) break message;
        const body = c.pos;
        pos = c.pos + c.value;
        if (rule !== undefined && rule.message >= 0) stack.push(body, pos, rule.message);
        if (rule?.packed32 === true) {
          const bad = packed32Problem(bytes, body, pos, c);
          if (bad !== undefined) return `field ${no} of ${type} (packed 32-bit) holds a varint of ${bad} bytes; protobuf readers disagree on it`;
        }
      }
    }
  }
  return undefined;
}

/** The length of the first varint in a packed run of 32-bit values that both decoders do not read alike. */
function packed32Problem(b: Uint8Array, start: number, end: number, c: Cursor): number | undefined {
  let pos = start;
  while (pos < end) {
    if (!readVarint(b, pos, end, c)) return undefined; // broken framing: the decoder reports it
    const len = c.pos - pos;
    if (!fits32(len)) return len;
    pos = c.pos;
  }
  return undefined;
}

/**
 * Reads a varint into `c` as a number (exact up to 2^53; larger values only need to be
 * skipped here) and the position after it. Over-long ones (more than 10 bytes) are read to
 * their end, so callers can name their length; false when it runs past `end`.
 */
function readVarint(b: Uint8Array, pos: number, end: number, c: Cursor): boolean {
  let v = 0;
  let scale = 1;
  for (;;) {
    if (pos >= end) return false;
    const byte = b[pos++]!;
    v += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) {
      c.value = v;
      c.pos = pos;
      return true;
    }
    scale *= 128;
  }
}
