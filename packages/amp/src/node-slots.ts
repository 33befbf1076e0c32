import {
  DataType, dataTypeText, elementDType, typeStringOf, type LowPrecisionFloat, type Node, type OpSchema, type Value,
} from '@mixprec/ir';
import type { DTypeResolver } from './dtypes.js';
import { MAX_SHARED_GROUPS, positionAdmits, tensorAdmits, type MergedGroup, type MergedGroups, SlotGroupCache } from './slot-groups.js';

export { SlotGroupCache, type MergedGroups } from './slot-groups.js';

/**
 * The actual inputs and outputs of one node that must share one dtype (one schema type
 * parameter, or several linked ones for sequence/optional plumbing), with what the
 * mixed-precision analysis needs to know about them.
 */
export interface SlotGroup {
  /** The type parameter(s), e.g. `T` or `S+T`; `*` for a policy-claimed custom op. */
  readonly param: string;
  readonly inputs: readonly number[];
  readonly outputs: readonly number[];
  /** Some position holds a FLOAT (fp32) value. */
  readonly float: boolean;
  /** Every present position admits the target type at the model's opset. */
  readonly admits: boolean;
  /**
   * Why the group's dtypes cannot be trusted, when they cannot: a float group with a position of
   * unknown dtype (e.g. a Constant whose value attribute is missing or misnamed), or of another
   * dtype than float (which its type parameter forbids, or which contradicts the float positions).
   * Converting such a group would bind the parameter to two types; it stays as it is.
   */
  readonly unsound?: string;
}

/** A node's type groups and float positions. */
export interface NodeSlots {
  readonly groups: readonly SlotGroup[];
  /** Float input slots in no group (fixed type strings such as Resize `scales`, heterogeneous variadics). */
  readonly fixedInputs: readonly number[];
  readonly fixedOutputs: readonly number[];
  /** The node has at least one FLOAT input or output. */
  readonly hasFloat: boolean;
  /**
   * The groups that could convert before the container rule: `float`, `admits` and no
   * `unsound` (the analysis removes those touching a value that must stay float32).
   */
  readonly sound: readonly SlotGroup[];
}

function present(vs: readonly (Value | undefined)[], i: number): Value | undefined {
  const v = vs[i];
  return v === undefined || v.name === '' ? undefined : v;
}

/** Why a float group with a position of unknown (`unknown`) or non-float (`other`) dtype is not trusted. */
function unsoundReason(param: string, allowed: readonly string[], unknown: Value | undefined, other: Value | undefined, dt: DTypeResolver): string | undefined {
  if (unknown !== undefined) return `'${unknown.name}' (type ${param}) has no known dtype`;
  if (other === undefined) return undefined;
  const d = dataTypeText(dt.dtype(other)!);
  const shown = other.type === undefined ? undefined : typeStringOf(other.type);
  const allowedHere = shown !== undefined && allowed.includes(shown);
  return `'${other.name}' (type ${param}) is ${d}, ${allowedHere ? 'while other positions of' : 'which'} ${param} ${allowedHere ? 'are float' : 'does not admit'}`;
}

/**
 * Groups the positions of `node` by the schema's type parameters (`schema` undefined and
 * `claimed` true: one group of every float position, for a custom op a policy claims).
 * `cache`: merged groups shared by the nodes of one analysis.
 */
export function nodeSlots(
  node: Node, schema: OpSchema | undefined, dt: DTypeResolver, target: LowPrecisionFloat, claimed: boolean,
  cache: SlotGroupCache = new SlotGroupCache(),
): NodeSlots {
  const flags = floatFlags(node, dt, new Uint8Array(node.inputs.length + node.outputs.length));
  const merged = schema === undefined ? undefined : cache.get(schema, node.inputs.length, node.outputs.length, node.domain === '');
  return slotsOf(node, flags, merged, claimed, dt, target);
}

/**
 * What {@link floatFlags} found besides the flags: `mask` has bit k set for a float position k
 * (inputs first; -1 beyond 30 positions), `plain` is true when every present position is a
 * tensor typed float (then a node's slots follow from its merged groups and `mask` alone).
 */
export interface FlagSummary {
  mask: number;
  plain: boolean;
}

/** Most positions a {@link FlagSummary} mask covers. */
const MASK_POSITIONS = 30;

/**
 * Marks the positions of `node` that hold a FLOAT value (inputs first, then outputs) in
 * `into` (at least as long as both lists), and returns it; `summary` (optional) gets the mask.
 */
export function floatFlags(node: Node, dt: DTypeResolver, into: Uint8Array, summary?: FlagSummary): Uint8Array {
  const ins = node.inputs;
  const outs = node.outputs;
  const nIn = ins.length;
  const total = nIn + outs.length;
  let mask = total <= MASK_POSITIONS ? 0 : -1;
  let plain = true;
  // Without infos of its own the resolver answers the type's element dtype: read it here.
  const byType = !dt.hasOwnInfo;
  for (let k = 0; k < total; k++) {
    const v = k < nIn ? ins[k] : outs[k - nIn];
    let float: boolean;
    if (byType) {
      const t = v?.type;
      float = t !== undefined && (t.kind === 'tensor' ? t.dtype === DataType.FLOAT : elementDType(t) === DataType.FLOAT) && v!.name !== '';
    } else {
      // (`dt.dtype` answers undefined for an absent or unnamed value.)
      float = dt.dtype(v) === DataType.FLOAT;
    }
    into[k] = float ? 1 : 0;
    if (float) {
      if (mask >= 0) mask |= 1 << k;
      const t = v!.type;
      if (t === undefined || t.kind !== 'tensor' || t.dtype !== DataType.FLOAT) plain = false;
    } else if (plain && v !== undefined && v.name !== '') {
      plain = false;
    }
  }
  if (summary !== undefined) {
    summary.mask = mask;
    summary.plain = plain;
  }
  return into;
}

/**
 * {@link slotsOf} for a node whose {@link FlagSummary} is plain: found by the mask in the
 * merged groups' table (computed once per mask), else computed.
 */
export function slotsFor(
  node: Node, flags: Uint8Array, summary: FlagSummary, merged: MergedGroups | undefined, claimed: boolean, dt: DTypeResolver,
  target: LowPrecisionFloat,
): NodeSlots {
  if (merged === undefined || !summary.plain || summary.mask < 0) return slotsOf(node, flags, merged, claimed, dt, target);
  // (Whether a group admits the target depends on the target: it is part of the key.)
  const key = summary.mask * 32 + target;
  let s = merged.byMask.get(key);
  if (s === undefined) merged.byMask.set(key, (s = slotsOf(node, flags, merged, claimed, dt, target)));
  return s;
}

/**
 * {@link nodeSlots} from the node's {@link floatFlags} and the merged groups of its schema
 * and arity (undefined: no schema).
 */
export function slotsOf(
  node: Node, flags: Uint8Array, merged: MergedGroups | undefined, claimed: boolean, dt: DTypeResolver, target: LowPrecisionFloat,
): NodeSlots {
  const ins = node.inputs;
  const outs = node.outputs;
  const nIn = ins.length;
  if (merged === undefined) {
    const floatIns: number[] = [];
    const floatOuts: number[] = [];
    for (let i = 0; i < nIn; i++) if (flags[i] === 1) floatIns.push(i);
    for (let o = 0; o < outs.length; o++) if (flags[nIn + o] === 1) floatOuts.push(o);
    const hasFloat = floatIns.length + floatOuts.length > 0;
    if (!claimed || !hasFloat) return { groups: [], fixedInputs: floatIns, fixedOutputs: floatOuts, hasFloat, sound: [] };
    const all: SlotGroup[] = [{ param: '*', inputs: floatIns, outputs: floatOuts, float: true, admits: true }];
    return { groups: all, fixedInputs: [], fixedOutputs: [], hasFloat, sound: all };
  }
  // Float positions in no group (usually none: then one shared empty list, not one per node).
  let hasFloat = false;
  let fixedInputs: number[] | undefined;
  let fixedOutputs: number[] | undefined;
  for (let i = 0; i < nIn; i++) {
    if (flags[i] !== 1) continue;
    hasFloat = true;
    if (merged.groupedInputs[i] !== true) (fixedInputs ??= []).push(i);
  }
  for (let o = 0; o < outs.length; o++) {
    if (flags[nIn + o] !== 1) continue;
    hasFloat = true;
    if (merged.groupedOutputs[o] !== true) (fixedOutputs ??= []).push(o);
  }
  const mg = merged.groups;
  const acc = merged.scan;
  // The usual node: every float position in a group, every group sound. Its slots are shared.
  if (fixedInputs === undefined && fixedOutputs === undefined && mg.length <= MAX_SHARED_GROUPS) {
    let key = hasFloat ? 1 : 0;
    let bit = 2;
    let sound = true;
    for (let k = 0; k < mg.length && sound; k++, bit *= 4) {
      const m = mg[k]!;
      scan(acc, m, ins, outs, flags, dt, target);
      if (acc.float && (acc.unknown !== undefined || acc.other !== undefined)) sound = false;
      key += (acc.float ? bit : 0) + (acc.admits ? 2 * bit : 0);
    }
    if (sound) {
      const hit = merged.shared.get(key);
      if (hit !== undefined) return hit;
      const slots = sharedSlots(mg, key, hasFloat);
      merged.shared.set(key, slots);
      return slots;
    }
  }
  const groups: SlotGroup[] = [];
  for (const m of mg) {
    scan(acc, m, ins, outs, flags, dt, target);
    const unsound = !acc.float ? undefined : unsoundReason(m.param, m.allowed, acc.unknown, acc.other, dt);
    groups.push(unsound === undefined
      ? { param: m.param, inputs: m.inputs, outputs: m.outputs, float: acc.float, admits: acc.admits }
      : { param: m.param, inputs: m.inputs, outputs: m.outputs, float: acc.float, admits: acc.admits, unsound });
  }
  return {
    groups, fixedInputs: fixedInputs ?? NONE, fixedOutputs: fixedOutputs ?? NONE, hasFloat,
    sound: groups.filter((g) => g.float && g.admits && g.unsound === undefined),
  };
}

/** The slots shared by the nodes whose groups have the (float, admits) bits of `key`. */
function sharedSlots(mg: readonly MergedGroup[], key: number, hasFloat: boolean): NodeSlots {
  const groups: SlotGroup[] = [];
  let bit = 2;
  for (const m of mg) {
    const float = Math.floor(key / bit) % 2 === 1;
    const admits = Math.floor(key / (2 * bit)) % 2 === 1;
    groups.push(Object.freeze({ param: m.param, inputs: m.inputs, outputs: m.outputs, float, admits }));
    bit *= 4;
  }
  return Object.freeze({
    groups: Object.freeze(groups), fixedInputs: NONE, fixedOutputs: NONE, hasFloat,
    sound: Object.freeze(groups.filter((g) => g.float && g.admits)),
  });
}

/** Scans the inputs and outputs of group `m` into `acc` (reset first). */
function scan(
  acc: GroupScan, m: MergedGroup, ins: readonly (Value | undefined)[], outs: readonly (Value | undefined)[],
  flags: Uint8Array, dt: DTypeResolver, target: LowPrecisionFloat,
): void {
  acc.float = false;
  acc.admits = true;
  acc.unknown = undefined;
  acc.other = undefined;
  scanPositions(acc, m, ins, m.inputs, flags, 0, dt, target);
  scanPositions(acc, m, outs, m.outputs, flags, ins.length, dt, target);
}

const NONE: readonly number[] = Object.freeze([]);


/** What the positions of one group hold, gathered over its inputs and outputs. */
export interface GroupScan {
  float: boolean;
  admits: boolean;
  unknown: Value | undefined;
  other: Value | undefined;
}

function scanPositions(
  acc: GroupScan, m: MergedGroup, vs: readonly (Value | undefined)[], idx: readonly number[], flags: Uint8Array, base: number,
  dt: DTypeResolver, target: LowPrecisionFloat,
): void {
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k]!;
    let v: Value | undefined;
    if (flags[base + i] === 1) {
      // A float position is a present value.
      acc.float = true;
      v = vs[i]!;
    } else {
      v = present(vs, i);
      if (v === undefined) continue;
      if (dt.dtype(v) === undefined) acc.unknown ??= v;
      else acc.other ??= v;
    }
    if (acc.admits) {
      const t = v.type;
      const ok = t !== undefined && t.kind !== 'tensor' ? positionAdmits(m.allowed, v, target) : tensorAdmits(m, v, target);
      if (!ok) acc.admits = false;
    }
  }
}
