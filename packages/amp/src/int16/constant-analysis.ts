import { getOpSchema, topologicalOrder, type Graph, type Node, type Value } from '@mixprec/ir';
import { isNondeterministic } from './op-roles.js';
import type { ValueTypes } from './value-types.js';

/**
 * Which values of a graph are known at compile time: initializers (not overridable graph
 * inputs), Constant outputs, outputs of deterministic ONNX ops whose inputs are all known, and
 * `Shape`/`Size` of values with a fully static shape. A `fold-constants` pass would replace each
 * of them by an initializer.
 */
export function knownValues(g: Graph, types: ValueTypes): Set<Value> {
  const known = new Set<Value>();
  for (const v of g.initializers.values()) if (!v.isGraphInput()) known.add(v);
  let order: Node[];
  try {
    order = topologicalOrder(g);
  } catch {
    order = g.nodes();
  }
  for (const node of order) {
    if (isKnownNode(node, known, types)) for (const o of node.outputs) if (o.name !== '') known.add(o);
  }
  return known;
}

function isKnownNode(node: Node, known: ReadonlySet<Value>, types: ValueTypes): boolean {
  if (node.domain !== '' || node.subgraphs().length > 0 || isNondeterministic(node)) return false;
  if (node.opType === 'Constant') return true;
  if (getOpSchema(node.domain, node.opType, types.opset(node)) === undefined) return false;
  if (node.opType === 'Shape' || node.opType === 'Size') {
    const x = node.inputs[0];
    const s = x === undefined ? undefined : types.shape(x);
    if (s !== undefined && s.every((d) => typeof d === 'number')) return true;
  }
  const present = node.inputs.filter((v): v is Value => v !== undefined);
  return present.every((v) => known.has(v));
}

/**
 * Values that are known and fold away entirely: no node that computes a run-time value uses
 * them (every consumer's outputs are known too), so changing their dtype changes nothing.
 * Known values feeding run-time computation are weights: they are not in this set.
 */
export function foldableValues(g: Graph, known: ReadonlySet<Value>): Set<Value> {
  const out = new Set<Value>();
  for (const v of known) {
    let folds = true;
    for (const u of v.uses()) {
      const n = u.node;
      if (n.graph !== g || n.outputs.some((o) => o.name !== '' && !known.has(o))) {
        folds = false;
        break;
      }
    }
    if (folds) out.add(v);
  }
  return out;
}
