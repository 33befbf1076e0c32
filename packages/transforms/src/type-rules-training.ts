import { valuesByName, type Node, type Value } from '@mixprec/ir';
import type { Inferred } from './infer-types-merge.js';

/**
 * Types of the `ai.onnx.preview.training` ops, whose outputs are heterogeneous variadics: each
 * updated tensor has the type (and shape) of the input it updates, and `Gradient`'s outputs
 * have the types of the values its `xs` attribute names.
 * - Adagrad (R, T, X…, G…, H…) → (X_new…, H_new…); Momentum (R, T, X…, G…, V…) → (X_new…, V_new…);
 * - Adam (R, T, X…, G…, V…, H…) → (X_new…, V_new…, H_new…).
 */
export const TRAINING_DOMAIN = 'ai.onnx.preview.training';

function like(v: Value | undefined): Inferred {
  const t = v?.type;
  if (t?.kind === 'tensor') return { type: { kind: 'tensor', dtype: t.dtype }, shape: t.shape };
  return { type: t, shape: undefined };
}

/** Output types of a training op (by output index); undefined for other ops. */
export function trainingOutputTypes(n: Node): Inferred[] | undefined {
  if (n.domain !== TRAINING_DOMAIN) return undefined;
  const outs = n.outputs.length;
  const source = (blocks: readonly number[]): Inferred[] => {
    const k = outs / blocks.length;
    return n.outputs.map((_, o) => {
      const block = Math.floor(o / k);
      return like(n.inputs[2 + blocks[block]! * k + (o % k)]);
    });
  };
  switch (n.opType) {
    case 'Adagrad': case 'Momentum':
      return outs % 2 === 0 ? source([0, 2]) : undefined;
    case 'Adam':
      return outs % 3 === 0 ? source([0, 2, 3]) : undefined;
    case 'Gradient': {
      const xs = n.getStrings('xs') ?? [];
      const g = n.graph;
      if (g === undefined) return undefined;
      const byName = valuesByName(g);
      // Names may also come from an outer graph.
      const find = (name: string): Value | undefined => {
        for (let cur: typeof g | undefined = g; cur !== undefined; cur = cur.parentGraph) {
          const v = cur === g ? byName.get(name) : valuesByName(cur).get(name);
          if (v !== undefined) return v;
        }
        return undefined;
      };
      return n.outputs.map((_, o) => like(xs[o] === undefined ? undefined : find(xs[o]!)));
    }
    default:
      return undefined;
  }
}
