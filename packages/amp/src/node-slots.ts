import {
  DataType, dataTypeText, typeParamGroups, typeStringOf, type LowPrecisionFloat, type Node, type OpSchema, type Value,
} from '@mixprec/ir';
import type { DTypeResolver } from './dtypes.js';

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
}

/** A node's type groups and float positions. */
export interface NodeSlots {
  readonly groups: readonly SlotGroup[];
  /** Float input slots in no group (fixed type strings such as Resize `scales`, heterogeneous variadics). */
  readonly fixedInputs: readonly number[];
  readonly fixedOutputs: readonly number[];
  /** The node has at least one FLOAT input or output. */
  readonly hasFloat: boolean;
}

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
function positionAdmits(allowed: readonly string[], v: Value, target: LowPrecisionFloat): boolean {
  const cur = v.type === undefined ? undefined : typeStringOf(v.type);
  const candidates = cur !== undefined && cur.includes(FLOAT_TENSOR) ? [cur] : allowed.filter((s) => s.includes(FLOAT_TENSOR));
  const t = `tensor(${dataTypeText(target)})`;
  return candidates.some((c) => allowed.includes(c.split(FLOAT_TENSOR).join(t)));
}

function present(vs: readonly (Value | undefined)[], i: number): Value | undefined {
  const v = vs[i];
  return v === undefined || v.name === '' ? undefined : v;
}

/**
 * Groups the positions of `node` by the schema's type parameters (`schema` undefined and
 * `claimed` true: one group of every float position, for a custom op a policy claims).
 */
export function nodeSlots(
  node: Node, schema: OpSchema | undefined, dt: DTypeResolver, target: LowPrecisionFloat, claimed: boolean,
): NodeSlots {
  const isFloat = (v: Value | undefined): boolean => v !== undefined && dt.dtype(v) === DataType.FLOAT;
  const floatIns: number[] = [];
  const floatOuts: number[] = [];
  node.inputs.forEach((_, i) => { if (isFloat(present(node.inputs, i))) floatIns.push(i); });
  node.outputs.forEach((_, o) => { if (isFloat(present(node.outputs, o))) floatOuts.push(o); });
  const hasFloat = floatIns.length + floatOuts.length > 0;
  if (schema === undefined) {
    if (!claimed || !hasFloat) return { groups: [], fixedInputs: floatIns, fixedOutputs: floatOuts, hasFloat };
    return { groups: [{ param: '*', inputs: floatIns, outputs: floatOuts, float: true, admits: true }], fixedInputs: [], fixedOutputs: [], hasFloat };
  }
  const raw = typeParamGroups(schema, node.inputs.length, node.outputs.length);
  // Merge linked parameters (sequence element ↔ tensor) into one group.
  const linked = node.domain === '' && Object.hasOwn(LINKED_PARAMS, node.opType) ? LINKED_PARAMS[node.opType] : undefined;
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
  const grouped = new Set<string>();
  const groups: SlotGroup[] = merged.map((m) => {
    let float = false;
    let admits = true;
    const check = (vs: readonly (Value | undefined)[], idx: readonly number[], tag: string): void => {
      for (const i of idx) {
        grouped.add(`${tag}${i}`);
        const v = present(vs, i);
        if (v === undefined) continue;
        if (isFloat(v)) float = true;
        if (!positionAdmits(m.allowed, v, target)) admits = false;
      }
    };
    check(node.inputs, m.inputs, 'i');
    check(node.outputs, m.outputs, 'o');
    return { param: m.param, inputs: m.inputs, outputs: m.outputs, float, admits };
  });
  return {
    groups,
    fixedInputs: floatIns.filter((i) => !grouped.has(`i${i}`)),
    fixedOutputs: floatOuts.filter((o) => !grouped.has(`o${o}`)),
    hasFloat,
  };
}
