import {
  DataType, InvariantError, Node, Tensor, Value, attr, dataTypeName, integerRange, tensorType, withElementDType,
  type Graph, type TensorMeta,
} from '@mixprec/ir';
import { constantValue } from '@mixprec/transforms';
import type { NarrowingPlan } from './narrowing-plan.js';
import { dtypeAttribute } from './op-roles.js';
import type { UnitIndex } from './units.js';
import type { ValueTypes } from './value-types.js';

/** One Cast the rewrite inserted. */
export interface InsertedCast {
  readonly node: string;
  readonly input: string;
  readonly output: string;
  readonly from: string;
  readonly to: string;
  readonly why: 'narrow' | 'widen' | 'output';
}

/** A constant stored in the narrow type. */
export interface ConvertedConstant {
  readonly name: string;
  /** The initializer holding the narrow values (the same name when converted in place). */
  readonly stored: string;
  readonly inPlace: boolean;
  readonly bytesBefore: number;
  readonly bytesAfter: number;
}

/** What the rewrite did. */
export interface RewriteRecord {
  readonly casts: InsertedCast[];
  readonly constants: ConvertedConstant[];
  /** Nodes whose dtype attribute (`to`, `value`, `dtype`) followed the narrowing. */
  readonly retargeted: string[];
}

const SUFFIX: Readonly<Partial<Record<number, string>>> = {
  [DataType.INT16]: 'int16', [DataType.INT32]: 'int32', [DataType.INT64]: 'int64',
};

function suffix(d: DataType): string {
  return SUFFIX[d] ?? dataTypeName(d).toLowerCase();
}

/** An integer tensor converted to `to` (values proven to fit; checked). */
export function convertTensor(t: Tensor, to: DataType): Tensor {
  const r = integerRange(to)!;
  const lo = Number(r[0]);
  const hi = Number(r[1]);
  const src = t.data;
  const n = t.size;
  const out = to === DataType.INT16 ? new Int16Array(n) : to === DataType.INT32 ? new Int32Array(n) : undefined;
  if (out === undefined) throw new InvariantError(`integer narrowing converts to INT16/INT32 only, not ${dataTypeName(to)}`);
  for (let i = 0; i < n; i++) {
    const x = Number((src as ArrayLike<number | bigint>)[i]!);
    if (!(x >= lo && x <= hi)) throw new InvariantError(`constant ${t.toString()} holds ${x}, outside ${dataTypeName(to)}: the range proof is wrong`);
    out[i] = x;
  }
  const meta: TensorMeta = {
    ...(t.meta.name === undefined ? {} : { name: t.meta.name }),
    ...(t.meta.docString === undefined ? {} : { docString: t.meta.docString }),
    ...(t.meta.metadataProps === undefined ? {} : { metadataProps: t.meta.metadataProps }),
  };
  return Tensor.of(to, t.dims, out, meta);
}

/**
 * Applies a plan to the main graph: narrowed values get their type (in place, on inputs, by
 * converting constants, or through one Cast after a producer that keeps its type); uses
 * outside the narrowed units read one shared Cast back to the original dtype; graph outputs
 * keep their names (in keep-io mode their dtype too, through a final Cast); dtype attributes
 * of producers follow. Casts are named by the graph's name authority.
 */
export function applyPlan(
  graph: Graph, plan: NarrowingPlan, index: UnitIndex, types: ValueTypes, keepIo: (v: Value) => boolean,
): RewriteRecord {
  const target = plan.target;
  const record: RewriteRecord = { casts: [], constants: [], retargeted: [] };
  const names = graph.names;
  const head = graph.first;
  const original = new Map<Value, DataType>();
  for (const v of plan.modes.keys()) original.set(v, types.dtype(v)!);
  const internal = (n: Node, slot: number): boolean => {
    const u = index.ofInput(n, slot);
    return n.graph === graph && u !== undefined && plan.narrowedUnits.has(u);
  };

  const insertCast = (v: Value, to: DataType, why: InsertedCast['why'], outName?: string): Value => {
    const out = new Value(outName ?? names.freshValueName(`${v.name}_${suffix(to)}`), withElementDType(v.type ?? tensorType(to), to));
    const node = new Node({
      opType: 'Cast', name: names.freshNodeName(`Cast_${v.name}_to_${suffix(to)}`), inputs: [v], outputs: [out],
      attributes: { to: attr.int(to) },
    });
    const p = v.producer();
    if (p !== undefined && p.graph === graph) graph.insertAfter(p, node);
    else if (head !== undefined && head.graph === graph) graph.insertBefore(head, node);
    else graph.append(node);
    record.casts.push({ node: node.name, input: v.name, output: out.name, from: dataTypeName(original.get(v) ?? types.dtype(v) ?? 0), to: dataTypeName(to), why });
    return out;
  };
  const rewire = (v: Value, to: Value, pick: (n: Node, slot: number) => boolean): void => {
    for (const u of v.uses()) if (pick(u.node, u.index)) u.node.replaceInput(u.index, to);
  };

  for (const [v, mode] of plan.modes) {
    const from = original.get(v)!;
    switch (mode) {
      case 'in-place':
      case 'input':
        v.type = withElementDType(v.type ?? tensorType(from), target);
        break;
      case 'input-cast':
      case 'cast-after':
        rewire(v, insertCast(v, target, 'narrow'), internal);
        break;
      case 'constant':
        convertConstant(graph, v, target, internal, record);
        break;
    }
  }
  // Uses that keep the original dtype, and kept graph outputs: one Cast back per value.
  for (const [v, mode] of plan.modes) {
    if (mode !== 'in-place' && mode !== 'input') continue;
    const from = original.get(v)!;
    const external = v.uses().filter((u) => !internal(u.node, u.index));
    const keptOutput = mode === 'in-place' && v.isGraphOutput() && keepIo(v) && graph.outputs.includes(v);
    if (!keptOutput && external.length === 0) continue;
    let back: Value;
    if (keptOutput) {
      const name = v.name;
      v.name = names.freshValueName(`${name}_${suffix(target)}`);
      back = insertCast(v, from, 'output', name);
      graph.outputs.forEach((o, i) => {
        if (o === v) graph.setOutput(i, back);
      });
    } else {
      back = insertCast(v, from, 'widen');
    }
    for (const u of external) u.node.replaceInput(u.index, back);
  }
  // Producers' dtype attributes follow their narrowed outputs.
  for (const u of plan.narrowedUnits) {
    for (const o of u.outputs) {
      const key = dtypeAttribute(u.node, o);
      if (key === undefined) continue;
      retarget(u.node, key, target);
      record.retargeted.push(u.node.name !== '' ? u.node.name : u.node.outputs[0]!.name);
    }
  }
  return record;
}

function retarget(node: Node, key: 'to' | 'value' | 'dtype', target: DataType): void {
  if (key === 'value') {
    const t = node.getTensor('value');
    if (t !== undefined) node.setAttr('value', attr.tensor(convertTensor(t, target)));
    return;
  }
  const a = node.attributes.get(key);
  // Cast-1 spells `to` as a string.
  if (a?.type === 'STRING') node.setAttr(key, attr.string(dataTypeName(target)));
  else node.setAttr(key, attr.int(target));
}

function convertConstant(graph: Graph, v: Value, target: DataType, internal: (n: Node, slot: number) => boolean, record: RewriteRecord): void {
  const p = v.producer();
  const cv = p === undefined ? undefined : constantValue(p);
  const tensor = v.constValue ?? (cv?.kind === 'dense' ? cv.tensor : undefined);
  if (tensor === undefined) throw new InvariantError(`constant '${v.name}' has no dense value`);
  const narrow = convertTensor(tensor, target);
  const allInternal = v.uses().every((u) => internal(u.node, u.index)) && !v.isGraphOutput();
  if (allInternal) {
    if (v.isInitializer()) {
      v.constValue = narrow.withMeta({ ...narrow.meta, name: v.name });
    } else {
      for (const k of [...p!.attributes.keys()]) if (k.startsWith('value')) p!.removeAttr(k);
      p!.setAttr('value', attr.tensor(narrow));
    }
    v.type = withElementDType(v.type ?? tensorType(target, tensor.dims), target);
    record.constants.push({ name: v.name, stored: v.name, inPlace: true, bytesBefore: tensor.byteLength, bytesAfter: narrow.byteLength });
    return;
  }
  const copy = new Value(graph.names.freshValueName(`${v.name}_${suffix(target)}`), tensorType(target, tensor.dims));
  copy.constValue = narrow.withMeta({ name: copy.name });
  graph.addInitializer(copy);
  for (const u of v.uses()) if (internal(u.node, u.index)) u.node.replaceInput(u.index, copy);
  record.constants.push({ name: v.name, stored: copy.name, inPlace: false, bytesBefore: 0, bytesAfter: narrow.byteLength });
}
