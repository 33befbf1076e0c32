import {
  DataType, dataTypeText, typeParamGroups, typeStringOf, type LowPrecisionFloat, type OpSchema, type Value,
} from '@mixprec/ir';
import type { GroupScan, NodeSlots } from './node-slots.js';

// The type groups of a schema (its type parameters with their positions, linked parameters
// merged), built once per schema and arity for all nodes of an analysis run.

/**
 * Type parameters that ONNX type inference ties together although the schema names them
 * separately: a sequence and its element tensors, an optional and its content.
 */
const LINKED_PARAMS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  SequenceConstruct: ['T', 'S'], SequenceInsert: ['S', 'T'], SequenceAt: ['S', 'T'], SplitToSequence: ['T', 'S'],
  ConcatFromSequence: ['S', 'T'], Optional: ['V', 'O'], OptionalGetElement: ['O', 'V'],
});

/** `tensor(float)` inside a type string, which the conversion replaces. */
const FLOAT_TENSOR = 'tensor(float)';

/**
 * Whether a value of this position may become `target`: its current type string (or, when
 * unknown, the allowed float spelling of the position) with `tensor(float)` replaced by the
 * target must be allowed.
 */
export function positionAdmits(allowed: readonly string[], v: Value, target: LowPrecisionFloat): boolean {
  const cur = v.type === undefined ? undefined : typeStringOf(v.type);
  const candidates = cur !== undefined && cur.includes(FLOAT_TENSOR) ? [cur] : allowed.filter((s) => s.includes(FLOAT_TENSOR));
  const t = `tensor(${dataTypeText(target)})`;
  return candidates.some((c) => allowed.includes(c.split(FLOAT_TENSOR).join(t)));
}

/** {@link SlotGroupCache.tensorAdmits} of one group, filled as first asked. */
interface TensorAdmits {
  readonly target: LowPrecisionFloat;
  float: boolean | undefined;
  other: boolean | undefined;
}

/** A schema's type parameters with their positions, linked parameters merged. */
export interface MergedGroup {
  readonly param: string;
  readonly inputs: readonly number[];
  readonly outputs: readonly number[];
  readonly allowed: readonly string[];
  /** {@link SlotGroupCache.tensorAdmits} of this group (the group belongs to one cache). */
  memo: TensorAdmits | undefined;
}

/**
 * The merged type groups of a schema by input and output count, computed once per schema and
 * arity instead of for every node (one per analysis run: the analysis keeps no global state).
 */
export class SlotGroupCache {
  readonly #bySchema = new Map<OpSchema, Map<number, MergedGroups>>();

  /** `defaultDomain`: the node's domain is written `''` (only then are parameters linked). */
  get(schema: OpSchema, inputs: number, outputs: number, defaultDomain: boolean): MergedGroups {
    let byArity = this.#bySchema.get(schema);
    if (byArity === undefined) this.#bySchema.set(schema, (byArity = new Map()));
    const key = (inputs * 65536 + outputs) * 2 + (defaultDomain ? 1 : 0);
    let groups = byArity.get(key);
    if (groups === undefined) byArity.set(key, (groups = withMasks(mergedGroups(schema, inputs, outputs, defaultDomain), inputs, outputs)));
    return groups;
  }
}

/**
 * Whether a plain tensor position of group `m` admits `target`: the answer depends only on
 * whether its type is tensor(float) (else the allowed float spellings decide), so it is
 * computed once per group, not for every node.
 */
export function tensorAdmits(m: MergedGroup, v: Value, target: LowPrecisionFloat): boolean {
  let a = m.memo;
  if (a === undefined || a.target !== target) m.memo = a = { target, float: undefined, other: undefined };
  const t = v.type;
  if (t !== undefined && t.kind === 'tensor' && t.dtype === DataType.FLOAT) return (a.float ??= positionAdmits(m.allowed, v, target));
  return (a.other ??= positionAdmits(m.allowed, v, target));
}

/** The merged groups of one schema and arity, with the positions some group holds. */
export interface MergedGroups {
  readonly groups: readonly MergedGroup[];
  readonly groupedInputs: readonly boolean[];
  readonly groupedOutputs: readonly boolean[];
  /**
   * The slots of nodes whose float positions all lie in groups and whose groups are sound, by
   * the groups' (float, admits) bits: most nodes of a model share a handful of these, so they
   * are built once, not per node.
   */
  readonly shared: Map<number, NodeSlots>;
  /** The slots of nodes whose present positions are all float tensors, by float mask and target (see `slotsFor`). */
  readonly byMask: Map<number, NodeSlots>;
  /** Scratch of `slotsOf` for one group at a time (no object per node). */
  readonly scan: GroupScan;
}

/** Most groups whose (float, admits) bits make a shared-slots key (2 bits each, in a double's 53). */
export const MAX_SHARED_GROUPS = 24;

function withMasks(groups: readonly MergedGroup[], inputs: number, outputs: number): MergedGroups {
  const groupedInputs = new Array<boolean>(inputs).fill(false);
  const groupedOutputs = new Array<boolean>(outputs).fill(false);
  for (const g of groups) {
    for (const i of g.inputs) groupedInputs[i] = true;
    for (const o of g.outputs) groupedOutputs[o] = true;
  }
  return Object.freeze({
    groups, groupedInputs: Object.freeze(groupedInputs), groupedOutputs: Object.freeze(groupedOutputs), shared: new Map(), byMask: new Map(),
    scan: { float: false, admits: true, unknown: undefined, other: undefined },
  });
}

function mergedGroups(schema: OpSchema, inputCount: number, outputCount: number, defaultDomain: boolean): readonly MergedGroup[] {
  const raw = typeParamGroups(schema, inputCount, outputCount);
  // Merge linked parameters (sequence element ↔ tensor) into one group.
  const linked = defaultDomain && Object.hasOwn(LINKED_PARAMS, schema.opType) ? LINKED_PARAMS[schema.opType] : undefined;
  const merged: { param: string; inputs: number[]; outputs: number[]; allowed: string[] }[] = [];
  for (const g of raw) {
    const target0 = linked !== undefined && linked.includes(g.param) ? merged.find((m) => linked.some((p) => m.param.split('+').includes(p))) : undefined;
    if (target0 !== undefined) {
      target0.param += `+${g.param}`;
      target0.inputs.push(...g.inputs);
      target0.outputs.push(...g.outputs);
      target0.allowed.push(...g.allowed);
    } else {
      merged.push({ param: g.param, inputs: [...g.inputs], outputs: [...g.outputs], allowed: [...g.allowed] });
    }
  }
  return Object.freeze(merged.map((m): MergedGroup => ({
    param: m.param, inputs: Object.freeze(m.inputs), outputs: Object.freeze(m.outputs), allowed: Object.freeze(m.allowed), memo: undefined,
  })));
}

