import {
  DataType, dataTypeOfTypeString, getOpSchema, typeParamGroups, type Graph, type Node, type OpSchema, type Value,
} from '@mixprec/ir';
import type { ValueTypes } from './value-types.js';

/**
 * A narrowing unit: one type group of one node (all actual inputs and outputs bound to one
 * type parameter, e.g. Add's `A`, `B`, `C`; Gather's `indices` alone). Its integer values can
 * only change dtype together, and the node then computes in the new type.
 */
export interface Unit {
  readonly node: Node;
  readonly param: string;
  /** Actual input slots of the group holding a value. */
  readonly inputs: readonly number[];
  /** Actual output slots of the group holding a (named) value. */
  readonly outputs: readonly number[];
  /** The type strings the schema allows for the group. */
  readonly allowed: readonly string[];
  /** The group's current dtype. */
  readonly dtype: DataType;
}

/** The values of a unit (inputs then outputs; an input used twice appears once). */
export function unitValues(u: Unit): Value[] {
  const out: Value[] = [];
  for (const i of u.inputs) {
    const v = u.node.inputs[i]!;
    if (!out.includes(v)) out.push(v);
  }
  for (const o of u.outputs) out.push(u.node.outputs[o]!);
  return out;
}

/** True when the group admits a tensor of `dtype`. */
export function unitAdmits(u: Unit, dtype: DataType): boolean {
  return u.allowed.some((s) => dataTypeOfTypeString(s) === dtype);
}

/** Units of a graph's nodes, indexed by (node, input slot) and (node, output slot). */
export class UnitIndex {
  readonly units: Unit[] = [];
  readonly #byInput = new Map<Node, Map<number, Unit>>();
  readonly #byOutput = new Map<Node, Map<number, Unit>>();
  readonly #schemas = new Map<Node, OpSchema | undefined>();

  /**
   * Every unit of `g`'s nodes (not of subgraphs) whose group holds one of `sources` dtypes.
   * Constant nodes have no units: their outputs are constants.
   */
  constructor(g: Graph, types: ValueTypes, sources: readonly DataType[]) {
    for (const node of g) {
      const schema = node.opType === 'Constant' && node.domain === '' ? undefined : getOpSchema(node.domain, node.opType, types.opset(node));
      this.#schemas.set(node, schema);
      if (schema === undefined) continue;
      for (const grp of typeParamGroups(schema, node.inputs.length, node.outputs.length)) {
        const inputs = grp.inputs.filter((i) => node.inputs[i] !== undefined);
        const outputs = grp.outputs.filter((o) => node.outputs[o] !== undefined && node.outputs[o]!.name !== '');
        if (inputs.length + outputs.length === 0) continue;
        const vals = [...inputs.map((i) => node.inputs[i]!), ...outputs.map((o) => node.outputs[o]!)];
        let dtype: DataType | undefined;
        for (const v of vals) {
          if (!types.isTensor(v)) {
            dtype = undefined;
            break;
          }
          dtype ??= types.dtype(v);
        }
        if (dtype === undefined || !sources.includes(dtype)) continue;
        const unit: Unit = { node, param: grp.param, inputs, outputs, allowed: grp.allowed, dtype };
        this.units.push(unit);
        for (const i of inputs) mapOf(this.#byInput, node).set(i, unit);
        for (const o of outputs) mapOf(this.#byOutput, node).set(o, unit);
      }
    }
  }

  /** The unit holding input slot `i` of `node`, if any. */
  ofInput(node: Node, i: number): Unit | undefined {
    return this.#byInput.get(node)?.get(i);
  }

  /** The unit holding output slot `o` of `node`, if any. */
  ofOutput(node: Node, o: number): Unit | undefined {
    return this.#byOutput.get(node)?.get(o);
  }

  /** The schema the node runs under (undefined: unknown op or domain, or a Constant). */
  schema(node: Node): OpSchema | undefined {
    return this.#schemas.get(node);
  }
}

function mapOf(m: Map<Node, Map<number, Unit>>, n: Node): Map<number, Unit> {
  let x = m.get(n);
  if (x === undefined) {
    x = new Map();
    m.set(n, x);
  }
  return x;
}
