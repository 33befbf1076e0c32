import { DataType, dataTypeText, type Graph, type Model, type Tensor } from '@mixprec/ir';
import { constantNodeTensor } from './constants.js';

/** The weights of a model: initializers and Constant-node tensors, in every graph. */
export interface WeightCensus {
  /** Number of weight tensors. */
  readonly count: number;
  /** Bytes of all weights (every dtype). */
  readonly bytes: number;
  /** Bytes per dtype name (`float`, `float16`, …). */
  readonly bytesByType: Readonly<Record<string, number>>;
  /** Float weight elements stored as float32 / as 16-bit floats. */
  readonly float32Elements: number;
  readonly float16Elements: number;
  /** Float weight elements stored 16-bit, over all fp32 + 16-bit float weight elements (0 without float weights). */
  readonly fraction16: number;
  /** Number of Cast nodes (all graphs). */
  readonly casts: number;
}

/**
 * Counts the weights of a model as the file stores them (dense initializers, also those that
 * are graph inputs, and Constant-node values; sparse initializers by their values and indices).
 * Run it on a model loaded from a saved file to check a report's numbers.
 */
export function weightCensus(model: Model): WeightCensus {
  let count = 0;
  let bytes = 0;
  let f32 = 0;
  let f16 = 0;
  const byType: Record<string, number> = {};
  const add = (t: Tensor): void => {
    count++;
    const b = t.byteLength;
    bytes += b;
    const k = dataTypeText(t.dtype);
    byType[k] = (byType[k] ?? 0) + b;
    if (t.dtype === DataType.FLOAT) f32 += t.size;
    else if (t.dtype === DataType.FLOAT16 || t.dtype === DataType.BFLOAT16) f16 += t.size;
  };
  // One walk over the nodes: Cast count, Constant tensors and the graphs (in `walkGraphs` order);
  // then the tensors in the order the census always added them (initializers of every graph,
  // then Constant values in node order), which fixes the key order of `bytesByType`.
  let casts = 0;
  const graphs: Graph[] = [];
  const constants: Tensor[] = [];
  const visit = (g: Graph): void => {
    graphs.push(g);
    for (let n = g.first; n !== undefined; n = n.next) {
      if (n.opType === 'Cast') {
        if (n.domain === '') casts++;
      } else if (n.opType === 'Constant') {
        const t = constantNodeTensor(n);
        if (t !== undefined) constants.push(t);
      }
      if (n.hasSubgraphs()) for (const sg of n.subgraphs()) visit(sg);
    }
  };
  visit(model.graph);
  for (const g of graphs) {
    for (const v of g.initializers.values()) if (v.constValue !== undefined) add(v.constValue);
    for (const v of g.sparseInitializers.values()) {
      if (v.sparseValue === undefined) continue;
      add(v.sparseValue.values);
      bytes += v.sparseValue.indices.byteLength;
    }
  }
  for (const t of constants) add(t);
  const total = f32 + f16;
  return { count, bytes, bytesByType: byType, float32Elements: f32, float16Elements: f16, fraction16: total === 0 ? 0 : f16 / total, casts };
}
