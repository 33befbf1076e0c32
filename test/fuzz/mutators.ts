/**
 * Wire-level mutators. Each takes the parsed file and a seeded generator and returns new bytes,
 * or undefined when it does not apply (no field of the kind it targets). Structure-aware ones
 * walk the field tree ({@link parseTree}); byte-level ones work on any input.
 */
import type { Rng } from './rng.js';
import {
  WT_I32, WT_I64, WT_LEN, WT_VARINT, concat, insertAfter, lenField, parseTree, readPackedVarints, spliceField,
  spliceRange, tag, varint, type Field, type WireTree,
} from './wire.js';

export type Mutator = (t: WireTree, rng: Rng) => Uint8Array | undefined;

const TWO = (e: number): bigint => 1n << BigInt(e);

/** Integers that break assumptions: signs, 32/53/64-bit edges, huge sizes. */
const EXTREME_INTS: readonly bigint[] = [
  0n, 1n, -1n, 2n, 255n, -(2n ** 31n), TWO(31) - 1n, TWO(31), TWO(32), TWO(32) + 7n, TWO(40), TWO(53) - 1n, TWO(53) + 1n,
  TWO(62), -TWO(62), TWO(63) - 1n, -TWO(63), TWO(64) - 1n,
];
/** Data type numbers: every standard one, 16-bit ones, unknown ones. */
const DTYPES: readonly bigint[] = [0n, 1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, 9n, 10n, 11n, 12n, 13n, 14n, 15n, 16n, 17n, 21n, 23n, 24n, 25n, 99n, 1000n];
const ATTR_TYPES: readonly bigint[] = [0n, 1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, 9n, 10n, 11n, 12n, 13n, 14n, 15n, 99n];
/** Strings that have tripped parsers and message formatters. */
const HOSTILE_STRINGS: readonly string[] = [
  '', ' ', 'a\nb', 'line\r\nbreak', '\u0000', 'x\u0000y', '..', '../x', '/etc/passwd', 'ai.onnx', 'com.microsoft',
  '\u202eevil', 'é', '😀', 'Ω'.repeat(300), 'n'.repeat(5000), '__proto__', 'constructor', 'toString', '%s%n', '${x}',
];

const enc = new TextEncoder();

function fieldsWhere(t: WireTree, pred: (f: Field) => boolean): Field[] {
  return t.all.filter(pred);
}

/** A random field, weighted towards small (structural) fields over big payloads. */
function pickField(t: WireTree, rng: Rng, pred: (f: Field) => boolean = () => true): Field | undefined {
  const c = fieldsWhere(t, pred);
  if (c.length === 0) return undefined;
  return rng.pick(c);
}

/** Flips 1–16 bits, half the time inside the first bytes of a random field (its tag and length). */
export const bitFlip: Mutator = (t, rng) => {
  if (t.bytes.length === 0) return undefined;
  const out = Uint8Array.from(t.bytes);
  const flips = rng.chance(0.5) ? 1 : rng.int(2, 16);
  for (let k = 0; k < flips; k++) {
    let at: number;
    const f = rng.chance(0.6) ? pickField(t, rng) : undefined;
    if (f !== undefined) at = rng.int(f.start, Math.min(f.end, f.valueStart + 16) - 1);
    else at = rng.int(0, out.length - 1);
    if (at < 0 || at >= out.length) continue;
    out[at]! ^= 1 << rng.int(0, 7);
  }
  return out;
};

/** Overwrites a few bytes with 0x00, 0xff or 0x80 runs. */
export const byteRun: Mutator = (t, rng) => {
  if (t.bytes.length === 0) return undefined;
  const out = Uint8Array.from(t.bytes);
  const at = rng.int(0, out.length - 1);
  const n = rng.int(1, 12);
  out.fill(rng.pick([0x00, 0xff, 0x80, 0x7f]), at, Math.min(out.length, at + n));
  return out;
};

/** Cuts the file: anywhere, at a field boundary, or inside a length prefix. */
export const truncate: Mutator = (t, rng) => {
  const n = t.bytes.length;
  if (n === 0) return undefined;
  const mode = rng.int(0, 3);
  let cut: number;
  if (mode === 0) cut = rng.int(0, n - 1);
  else if (mode === 1) cut = rng.int(0, Math.min(n - 1, 64));
  else {
    const f = pickField(t, rng);
    if (f === undefined) return undefined;
    cut = mode === 2 ? f.end : f.start + rng.int(1, Math.max(1, f.valueStart - f.start));
    cut = Math.min(cut, n - 1);
  }
  return t.bytes.slice(0, cut);
};

/** Rewrites the length prefix of a LEN field: huge claims, off-by-some, zero. */
export const corruptLength: Mutator = (t, rng) => {
  const f = pickField(t, rng, (x) => x.wt === WT_LEN);
  if (f === undefined) return undefined;
  const len = BigInt(f.end - f.valueStart);
  const claim = rng.pick([
    TWO(31), TWO(32) - 1n, TWO(40), TWO(62), TWO(64) - 1n, 0n, len + 1n, len + BigInt(rng.int(2, 4096)),
    len > 0n ? len - 1n : 1n, len / 2n, len * 2n + 1n,
  ]);
  const payload = t.bytes.subarray(f.valueStart, f.end);
  return spliceField(t, f, [tag(f.no, f.wt), varint(claim), payload], rng.chance(0.7));
};

/** A LEN field (bytes, packed array, sub-message) that claims a huge size with parents consistent. */
export const hugeDeclaredSize: Mutator = (t, rng) => {
  const f = pickField(t, rng, (x) => x.wt === WT_LEN && (x.kind === 'bytes' || x.kind === 'ints' || x.kind === 'floats' || x.kind === 'doubles' || x.kind?.startsWith('msg:') === true));
  if (f === undefined) return undefined;
  const claim = rng.pick([TWO(30), TWO(31) - 1n, TWO(33), TWO(40), TWO(56)]);
  return spliceField(t, f, [tag(f.no, f.wt), varint(claim), t.bytes.subarray(f.valueStart, f.end)], true);
};

/** Changes the wire type in a field's tag, keeping its payload. */
export const wrongWireType: Mutator = (t, rng) => {
  const f = pickField(t, rng);
  if (f === undefined) return undefined;
  const choices = [WT_VARINT, WT_I64, WT_LEN, 3, 4, WT_I32, 6, 7].filter((w) => w !== f.wt);
  const wt = rng.pick(choices);
  const tagEnd = f.wt === WT_LEN ? tagEndOf(t, f) : f.valueStart;
  return spliceField(t, f, [tag(f.no, wt), t.bytes.subarray(tagEnd, f.end)], true);
};

/** Offset just after the tag of a field. */
function tagEndOf(t: WireTree, f: Field): number {
  let p = f.start;
  while (p < f.end && (t.bytes[p]! & 0x80) !== 0) p++;
  return p + 1;
}

/** Deletes a field, preferring structural ones (graph, attributes, types, names, opsets). */
export const deleteField: Mutator = (t, rng) => {
  const structural = (x: Field): boolean => x.kind === 'string' || x.kind?.startsWith('msg:') === true || x.name === 'data_type' || x.name === 'type';
  const f = pickField(t, rng, rng.chance(0.8) ? structural : () => true);
  if (f === undefined) return undefined;
  return spliceField(t, f, [], true);
};

/** Repeats a field right after itself (duplicate nodes, attributes, initializers, inputs). */
export const duplicateField: Mutator = (t, rng) => {
  const f = pickField(t, rng, (x) => x.end - x.start < 1 << 20);
  if (f === undefined) return undefined;
  return insertAfter(t, f, [t.bytes.subarray(f.start, f.end)]);
};

/** Moves a field after a later sibling (node order, attribute order, input order). */
export const swapFields: Mutator = (t, rng) => {
  const f = pickField(t, rng, (x) => siblings(t, x).length > 1);
  if (f === undefined) return undefined;
  const sib = siblings(t, f);
  const later = sib.filter((s) => s.start > f.start);
  if (later.length === 0) return undefined;
  const g = rng.pick(later);
  const b = t.bytes;
  // [f][between][g] → [between][g][f]
  return spliceRange(t, f.parent, f.start, g.end, [b.subarray(f.end, g.start), b.subarray(g.start, g.end), b.subarray(f.start, f.end)]);
}

function siblings(t: WireTree, f: Field): readonly Field[] {
  return f.parent === undefined ? t.roots : f.parent.children ?? [];
}

/** Replaces a sub-message with another message of the same type from elsewhere in the file. */
export const spliceMessage: Mutator = (t, rng) => {
  const f = pickField(t, rng, (x) => x.kind?.startsWith('msg:') === true && x.wt === WT_LEN);
  if (f === undefined) return undefined;
  const same = fieldsWhere(t, (x) => x.kind === f.kind && x !== f && x.wt === WT_LEN && x.end - x.start < 1 << 22);
  if (same.length === 0) return undefined;
  const g = rng.pick(same);
  const payload = t.bytes.subarray(g.valueStart, g.end);
  return rng.chance(0.5)
    ? spliceField(t, f, [lenField(f.no, payload)])
    : insertAfter(t, f, [lenField(f.no, payload)]);
};

/** Sets an integer field (or one element of a packed integer list) to an extreme or odd value. */
export const extremeInt: Mutator = (t, rng) => {
  const ints = (x: Field): boolean => (x.kind === 'int' && x.wt === WT_VARINT) || (x.kind === 'ints' && (x.wt === WT_LEN || x.wt === WT_VARINT));
  // Favour the fields that size and type things.
  const sizing = (x: Field): boolean => ints(x) && ['dims', 'dim_value', 'data_type', 'elem_type', 'type', 'i', 'ints', 'version', 'ir_version', 'data_location'].includes(x.name);
  const f = pickField(t, rng, rng.chance(0.8) ? sizing : ints);
  if (f === undefined) return undefined;
  const value = (): bigint => {
    if ((f.name === 'data_type' || f.name === 'elem_type') && rng.chance(0.6)) return rng.pick(DTYPES);
    if (f.name === 'type' && f.owner === 'AttributeProto' && rng.chance(0.6)) return rng.pick(ATTR_TYPES);
    return rng.pick(EXTREME_INTS);
  };
  if (f.wt === WT_VARINT) return spliceField(t, f, [tag(f.no, WT_VARINT), varint(value())]);
  const vals = readPackedVarints(t.bytes, f.valueStart, f.end);
  if (vals === undefined || vals.length === 0) return spliceField(t, f, [lenField(f.no, varint(value()))]);
  vals[rng.int(0, vals.length - 1)] = value();
  if (rng.chance(0.2)) vals.push(value());
  return spliceField(t, f, [lenField(f.no, concat(vals.map((v) => varint(v))))]);
};

/** Replaces a name (node input/output, value, initializer, op type) by another name of the file or a hostile string. */
export const renameValue: Mutator = (t, rng) => {
  const names = fieldsWhere(t, (x) => x.kind === 'string' && x.wt === WT_LEN);
  if (names.length === 0) return undefined;
  const interesting = names.filter((x) => (x.owner === 'NodeProto' && (x.name === 'input' || x.name === 'output' || x.name === 'op_type' || x.name === 'domain'))
    || (x.owner === 'ValueInfoProto' && x.name === 'name') || (x.owner === 'TensorProto' && x.name === 'name')
    || (x.owner === 'StringStringEntryProto' && x.name === 'value'));
  const f = rng.pick(interesting.length > 0 && rng.chance(0.85) ? interesting : names);
  let s: Uint8Array;
  if (rng.chance(0.7)) {
    // Another name from the same file: creates cycles, duplicate producers, dangling or shadowed names.
    const g = rng.pick(names);
    s = t.bytes.slice(g.valueStart, g.end);
  } else if (rng.chance(0.2)) {
    s = Uint8Array.from([0xff, 0xfe, 0xc3, 0x28]);
  } else {
    s = enc.encode(rng.pick(HOSTILE_STRINGS));
  }
  return spliceField(t, f, [lenField(f.no, s)]);
};

/** Writes NaN, ±Inf, huge and subnormal values into float payloads (raw_data, float_data, f). */
export const floatSpecial: Mutator = (t, rng) => {
  const f = pickField(t, rng, (x) => (x.name === 'raw_data' || x.name === 'float_data' || x.name === 'f' || x.name === 'floats') && x.end - x.valueStart >= 4);
  if (f === undefined) return undefined;
  const out = Uint8Array.from(t.bytes);
  const dv = new DataView(out.buffer);
  const words = Math.floor((f.end - f.valueStart) / 4);
  const n = rng.int(1, Math.min(words, 8));
  for (let k = 0; k < n; k++) {
    const at = f.valueStart + 4 * rng.int(0, words - 1);
    dv.setFloat32(at, rng.pick([NaN, Infinity, -Infinity, 3.4e38, -3.4e38, 1e-45, 65520, -65520, 1e5, 6e-8, -0]), true);
  }
  return out;
};

/** Inserts random bytes (1–32) at a field boundary, enclosing lengths fixed. */
export const insertGarbage: Mutator = (t, rng) => {
  const f = pickField(t, rng);
  if (f === undefined) return undefined;
  const junk = new Uint8Array(rng.int(1, 32));
  for (let i = 0; i < junk.length; i++) junk[i] = rng.int(0, 255);
  return insertAfter(t, f, [junk]);
};

/** Every mutator with its weight in a random choice. */
export const MUTATORS: readonly (readonly [string, Mutator, number])[] = Object.freeze([
  ['bit-flip', bitFlip, 10],
  ['byte-run', byteRun, 3],
  ['truncate', truncate, 8],
  ['corrupt-length', corruptLength, 8],
  ['huge-declared-size', hugeDeclaredSize, 6],
  ['wrong-wire-type', wrongWireType, 6],
  ['delete-field', deleteField, 10],
  ['duplicate-field', duplicateField, 6],
  ['swap-fields', swapFields, 4],
  ['splice-message', spliceMessage, 6],
  ['extreme-int', extremeInt, 12],
  ['rename-value', renameValue, 12],
  ['float-special', floatSpecial, 4],
  ['insert-garbage', insertGarbage, 3],
]);

/**
 * Applies 1–3 mutators to `bytes` and returns the result with the names of the mutators
 * applied. A tree that does not parse (after a truncation, say) still gets byte-level ones.
 */
export function mutate(bytes: Uint8Array, rng: Rng, parsed?: WireTree): { bytes: Uint8Array; applied: string[] } {
  const applied: string[] = [];
  let cur = bytes;
  let tree: WireTree | undefined = parsed ?? parseTree(bytes);
  const rounds = rng.weighted([[1, 6], [2, 3], [3, 1]] as const);
  for (let r = 0; r < rounds; r++) {
    const t: WireTree = tree ?? { bytes: cur, roots: [], all: [] };
    for (let attempt = 0; attempt < 8; attempt++) {
      const [name, m] = rng.weighted(MUTATORS.map(([n, fn, w]) => [[n, fn] as const, w] as const));
      const out = m(t, rng);
      if (out === undefined) continue;
      applied.push(name);
      cur = out;
      break;
    }
    if (r + 1 < rounds) tree = parseTree(cur);
  }
  return { bytes: cur, applied };
}

