import {
  DataType, Graph, Model, Node, Value, isFloatType, tensorFromNumbers, tensorToFloat32, tensorType, type Tensor,
} from '@mixprec/ir';
import type { BackendName } from '@mixprec/executor-tfjs';
import { executor } from './executor.js';

/*
 * Node replay: runs one node of the candidate model on its own, fed with the *reference*
 * values of its inputs rounded to the dtypes the candidate gives them. Its inputs then agree
 * with the reference by construction (up to that one rounding), so what its outputs get wrong
 * is the node's own doing: an overflow, a flush to zero, a cancellation — or nothing, when the
 * node merely amplifies an error it was handed (a steep Sigmoid on slightly-off logits).
 */

/** Values by name, as one run saw them. */
export type ValueLookup = (name: string) => Tensor | undefined;

/** A float tensor rounded to another float dtype (other tensors as they are). */
export function toDType(t: Tensor, dtype: DataType | undefined): Tensor {
  if (dtype === undefined || dtype === t.dtype || !isFloatType(dtype) || !isFloatType(t.dtype)) return t;
  return tensorFromNumbers(dtype, t.dims, tensorToFloat32(t));
}

/**
 * The reference value for a candidate input, rounded as the candidate rounds it: the
 * reference tensor of the same name in the candidate's dtype, or, for a Cast the conversion
 * inserted (a name the reference lacks), its source's reference value in the source's
 * candidate dtype, then cast (so a float16 → float32 Cast keeps the float16 rounding).
 */
function referenceFor(v: Value, dtype: DataType | undefined, ref: ValueLookup, cand: ValueLookup, depth = 0): Tensor | undefined {
  const r = ref(v.name);
  if (r !== undefined) return toDType(r, dtype);
  const p = v.producer();
  const src = p?.inputs[0];
  if (depth > 4 || p === undefined || p.domain !== '' || p.opType !== 'Cast' || src === undefined) return undefined;
  const inner = referenceFor(src, cand(src.name)?.dtype ?? src.dtype, ref, cand, depth + 1);
  return inner === undefined ? undefined : toDType(inner, dtype);
}

/** Why a node cannot be replayed, or undefined when it can. */
export function replayObstacle(node: Node, model: Model): string | undefined {
  if (node.subgraphs().length > 0) return 'it has subgraphs';
  if (model.findFunction(node.domain, node.opType, node.overload) !== undefined) return 'it calls a model-local function';
  return undefined;
}

/**
 * Runs candidate node `node` alone: constant inputs (initializers, Constant outputs) are the
 * candidate's own (their 16-bit rounding is part of the node's error), every other input is
 * the reference value rounded to the candidate's dtype. Returns the outputs by name, or why
 * the node could not be replayed.
 */
export async function replayNode(
  node: Node, candidate: Model, cand: ValueLookup, ref: ValueLookup, backend?: BackendName | readonly BackendName[],
): Promise<{ readonly outputs: Readonly<Record<string, Tensor>> } | { readonly obstacle: string }> {
  const obstacle = replayObstacle(node, candidate);
  if (obstacle !== undefined) return { obstacle };
  const g = new Graph('replay');
  const feeds: Record<string, Tensor> = {};
  const inputs: (Value | undefined)[] = [];
  const bound = new Map<string, Value>();
  for (const v of node.inputs) {
    if (v === undefined || v.name === '') {
      inputs.push(undefined);
      continue;
    }
    const seen = bound.get(v.name);
    if (seen !== undefined) {
      inputs.push(seen);
      continue;
    }
    const p = v.producer();
    const own = v.constValue ?? (p !== undefined && p.domain === '' && p.opType === 'Constant' ? cand(v.name) : undefined);
    let t: Tensor | undefined = own;
    if (t === undefined) {
      const dtype = cand(v.name)?.dtype ?? v.dtype;
      t = referenceFor(v, dtype, ref, cand);
    }
    if (t === undefined) return { obstacle: `no reference value for its input '${v.name}'` };
    const constant = v.constValue !== undefined;
    const iv = new Value(v.name, tensorType(t.dtype, t.dims), constant ? t : undefined);
    if (constant) {
      g.addInitializer(iv);
    } else {
      g.addInput(iv);
      feeds[v.name] = t;
    }
    bound.set(v.name, iv);
    inputs.push(iv);
  }
  const copy = new Node({
    opType: node.opType, domain: node.domain, name: node.name, overload: node.overload,
    inputs, outputs: node.outputs.map((o) => o.name), attributes: node.attributes, metadataProps: node.metadataOrUndefined(),
  });
  copy.outputs.forEach((o, i) => {
    const orig = node.outputs[i]!;
    const seen = orig.name === '' ? undefined : cand(orig.name);
    o.type = seen !== undefined ? tensorType(seen.dtype, seen.dims) : orig.type;
  });
  g.append(copy);
  for (const o of copy.outputs) if (o.name !== '') g.addOutput(o);
  const m = new Model(g, { irVersion: candidate.irVersion, opsetImports: candidate.opsetImports });
  const r = await (await executor()).runModel(m, feeds, { ...(backend === undefined ? {} : { backend }), checkShapes: false });
  if (r._tag === 'Left') return { obstacle: `it failed alone: ${r.left.message}` };
  return { outputs: r.right.outputs };
}
