import { cloneModel, isStandardFloat, type Model, type Node } from '@mixprec/ir';
import { createPassContext, runPipeline } from '@mixprec/passes';
import { transformPasses } from '@mixprec/transforms';
import { directConstant } from '../constants.js';
import { nodeFlops } from '../flops.js';

/** What keeping one node in float32 costs: its share of the float weights and of the FLOPs. */
export interface NodeCost {
  readonly weights: number;
  readonly flops: number;
  /** weights / all float weight elements of the main graph. */
  readonly weightShare: number;
  /** flops / all FLOPs of the main graph. */
  readonly flopShare: number;
  /** weightShare + flopShare (0 … 2). */
  readonly share: number;
}

/**
 * Per-node costs of the main graph, by node name: float weight elements the node reads
 * (initializers and Constant outputs) and FLOPs from shapes inferred on a copy whose inputs
 * have the given concrete shapes.
 */
export function nodeCosts(model: Model, inputShapes: Readonly<Record<string, readonly number[]>>): Map<string, NodeCost> {
  const clone = cloneModel(model);
  for (const v of clone.graph.inputs) {
    const t = v.type;
    const given = inputShapes[v.name];
    if (t?.kind === 'tensor' && given !== undefined) v.type = { ...t, shape: [...given] };
  }
  const factory = transformPasses.find((p) => p.info.name === 'infer-types');
  const pass = factory?.create({ overwrite: true });
  const ctx = createPassContext({ report: () => undefined });
  // Shapes only sharpen the FLOP estimate: without them a node simply counts 0 FLOPs.
  if (pass !== undefined && pass._tag === 'Right' && ctx._tag === 'Right') runPipeline(clone, pass.right, ctx.right);
  const raw: { name: string; weights: number; flops: number }[] = [];
  let totalW = 0;
  let totalF = 0;
  for (const n of clone.graph) {
    if (n.name === '' || (n.domain === '' && n.opType === 'Constant')) continue;
    const weights = weightElementsOf(n);
    const flops = nodeFlops(n) ?? 0;
    totalW += weights;
    totalF += flops;
    raw.push({ name: n.name, weights, flops });
  }
  const out = new Map<string, NodeCost>();
  for (const r of raw) {
    const weightShare = totalW > 0 ? r.weights / totalW : 0;
    const flopShare = totalF > 0 ? r.flops / totalF : 0;
    out.set(r.name, { weights: r.weights, flops: r.flops, weightShare, flopShare, share: weightShare + flopShare });
  }
  return out;
}

function weightElementsOf(n: Node): number {
  let w = 0;
  for (const v of n.inputs) {
    if (v === undefined) continue;
    const t = directConstant(v);
    if (t !== undefined && isStandardFloat(t.dtype)) w += t.dims.reduce((a, b) => a * b, 1);
  }
  return w;
}
