/**
 * A tiny protobuf wire-format reader and splicer for the fuzzer. It parses a message into a
 * tree of fields (guided by {@link SCHEMA} for which length-delimited fields are messages) and
 * rebuilds bytes after replacing one field, fixing the length prefixes of every enclosing
 * message — or deliberately not, when a mutation wants inconsistent lengths.
 *
 * It is independent of protobufjs on purpose: the fuzzer must be able to write bytes that no
 * encoder would produce (wrong wire types, lengths claiming 2^40 bytes, 10-byte varints).
 */
import { SCHEMA, type FieldKind } from './schema.js';

export const WT_VARINT = 0;
export const WT_I64 = 1;
export const WT_LEN = 2;
export const WT_I32 = 5;

/** One field occurrence in the parsed tree. Offsets are absolute positions in the file. */
export interface Field {
  readonly no: number;
  readonly wt: number;
  /** Offset of the tag. */
  readonly start: number;
  /** Offset of the payload (after the length prefix for LEN fields). */
  readonly valueStart: number;
  /** Offset after the field. */
  readonly end: number;
  /** Message type that contains this field. */
  readonly owner: string;
  /** What the schema says this field is (undefined: unknown field number). */
  readonly kind: FieldKind | undefined;
  /** Schema name of the field, for reports (`node`, `raw_data`, …). */
  readonly name: string;
  readonly parent: Field | undefined;
  /** Sub-fields when the payload parsed as the schema's message type. */
  children?: Field[];
}

/** A parsed message: the root fields and a flat list of every field (pre-order). */
export interface WireTree {
  readonly bytes: Uint8Array;
  readonly roots: readonly Field[];
  readonly all: readonly Field[];
}

/** Reads a varint at `pos`; returns [value as bigint (unsigned 64-bit), next position] or undefined. */
export function readVarint(b: Uint8Array, pos: number, end: number): [bigint, number] | undefined {
  let v = 0n;
  let shift = 0n;
  for (let i = 0; i < 10; i++) {
    if (pos >= end) return undefined;
    const byte = b[pos++]!;
    v |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return [BigInt.asUintN(64, v), pos];
    shift += 7n;
  }
  return undefined;
}

/** Encodes an unsigned (or two's-complement 64-bit) varint. */
export function varint(value: bigint | number): Uint8Array {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) byte |= 0x80;
    out.push(byte);
  } while (v !== 0n);
  return Uint8Array.from(out);
}

/** Encodes a tag (field number and wire type). */
export function tag(no: number, wt: number): Uint8Array {
  return varint((BigInt(no) << 3n) | BigInt(wt));
}

/** Parses `bytes` as a message of type `type` (default `ModelProto`); undefined when malformed. */
export function parseTree(bytes: Uint8Array, type = 'ModelProto'): WireTree | undefined {
  const all: Field[] = [];
  const roots = parseFields(bytes, 0, bytes.length, type, undefined, all, 0);
  if (roots === undefined) return undefined;
  return { bytes, roots, all };
}

const MAX_DEPTH = 64;

function parseFields(b: Uint8Array, start: number, end: number, type: string, parent: Field | undefined, all: Field[], depth: number): Field[] | undefined {
  const out: Field[] = [];
  const fields = SCHEMA[type];
  let pos = start;
  const mark = all.length;
  while (pos < end) {
    const t = readVarint(b, pos, end);
    if (t === undefined) return fail(all, mark);
    const no = Number(t[0] >> 3n);
    const wt = Number(t[0] & 7n);
    if (no === 0 || no > 0x1fffffff) return fail(all, mark);
    let valueStart = t[1];
    let fieldEnd: number;
    switch (wt) {
      case WT_VARINT: {
        const v = readVarint(b, valueStart, end);
        if (v === undefined) return fail(all, mark);
        fieldEnd = v[1];
        break;
      }
      case WT_I64: fieldEnd = valueStart + 8; break;
      case WT_I32: fieldEnd = valueStart + 4; break;
      case WT_LEN: {
        const l = readVarint(b, valueStart, end);
        if (l === undefined || l[0] > BigInt(end - l[1])) return fail(all, mark);
        valueStart = l[1];
        fieldEnd = valueStart + Number(l[0]);
        break;
      }
      default: return fail(all, mark);
    }
    if (fieldEnd > end) return fail(all, mark);
    const spec = fields?.[no];
    const f: Field = { no, wt, start: pos, valueStart, end: fieldEnd, owner: type, kind: spec?.kind, name: spec?.name ?? `#${no}`, parent };
    all.push(f);
    out.push(f);
    if (wt === WT_LEN && spec !== undefined && spec.kind.startsWith('msg:') && depth < MAX_DEPTH) {
      // A sub-message that does not parse stays a leaf: the mutators still see its bytes.
      f.children = parseFields(b, valueStart, fieldEnd, spec.kind.slice(4), f, all, depth + 1);
    }
    pos = fieldEnd;
  }
  return out;
}

function fail(all: Field[], mark: number): undefined {
  all.length = mark;
  return undefined;
}

/** The enclosing fields of `f`, innermost first. */
export function ancestors(f: Field): Field[] {
  const out: Field[] = [];
  for (let p = f.parent; p !== undefined; p = p.parent) out.push(p);
  return out;
}

/**
 * Replaces the bytes of field `f` (tag to end) by `replacement` (several fields, or none to
 * delete) and rewrites the length prefix of every enclosing message so the file stays
 * well-formed at the wire level. With `fixLengths: false` the enclosing prefixes keep their
 * old values (a deliberately inconsistent file).
 */
export function spliceField(tree: WireTree, f: Field, replacement: readonly Uint8Array[], fixLengths = true): Uint8Array {
  return spliceRange(tree, f.parent, f.start, f.end, replacement, fixLengths);
}

/** Inserts `bytes` right after field `f` (same enclosing message). */
export function insertAfter(tree: WireTree, f: Field, bytes: readonly Uint8Array[]): Uint8Array {
  return spliceRange(tree, f.parent, f.end, f.end, bytes, true);
}

/** Replaces `[from, to)` inside `parent`'s payload (or the top level) and fixes enclosing lengths. */
export function spliceRange(tree: WireTree, parent: Field | undefined, from: number, to: number, replacement: readonly Uint8Array[], fixLengths = true): Uint8Array {
  const b = tree.bytes;
  let chunks: Uint8Array[] = [...replacement];
  let lo = from;
  let hi = to;
  for (let p = parent; p !== undefined; p = p.parent) {
    const inner = b.subarray(p.valueStart, lo).length + sum(chunks) + b.subarray(hi, p.end).length;
    const header = fixLengths ? [tag(p.no, p.wt), varint(inner)] : [b.subarray(p.start, p.valueStart)];
    chunks = [...header, b.subarray(p.valueStart, lo), ...chunks, b.subarray(hi, p.end)];
    lo = p.start;
    hi = p.end;
  }
  return concat([b.subarray(0, lo), ...chunks, b.subarray(hi)]);
}

/** A whole LEN field: tag, length, payload. */
export function lenField(no: number, payload: Uint8Array): Uint8Array {
  return concat([tag(no, WT_LEN), varint(payload.length), payload]);
}

/** A whole varint field. */
export function varintField(no: number, value: bigint | number): Uint8Array {
  return concat([tag(no, WT_VARINT), varint(value)]);
}

function sum(chunks: readonly Uint8Array[]): number {
  let n = 0;
  for (const c of chunks) n += c.length;
  return n;
}

/** Concatenates byte chunks into one array. */
export function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(sum(chunks));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Decodes the varints of a packed payload; undefined when it does not parse. */
export function readPackedVarints(b: Uint8Array, start: number, end: number): bigint[] | undefined {
  const out: bigint[] = [];
  let pos = start;
  while (pos < end) {
    const v = readVarint(b, pos, end);
    if (v === undefined) return undefined;
    out.push(v[0]);
    pos = v[1];
  }
  return out;
}
