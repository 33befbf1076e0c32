import * as t from 'io-ts';
import { Node, walkGraphs, type Graph, type Value } from '@mixprec/ir';
import { definePass } from '@mixprec/passes';
import { forwardValue } from '@mixprec/transforms';

/** Rank of a value from its (inferred) type; undefined when unknown. */
function rank(v: Value | undefined): number | undefined {
  return v?.shape?.length;
}

/** The bias of `add` when it is a constant Gemm can take as C for an [M, N] product: [N], [1, N], [M, N] or a scalar. */
function biasOf(add: Node, product: Value, n: number | string | undefined): Value | undefined {
  const c = add.inputs[0] === product ? add.inputs[1] : add.inputs[0];
  const t = c?.constValue;
  if (c === undefined || t === undefined || c === product) return undefined;
  const d = t.dims;
  if (d.length === 0) return c;
  if (typeof n !== 'number') return undefined;
  if (d.length === 1) return d[0] === n ? c : undefined;
  if (d.length === 2) return d[1] === n && (d[0] === 1 || d[0] === product.shape?.[0]) ? c : undefined;
  return undefined;
}

function fuse(g: Graph, mm: Node, onlyConstantWeights: boolean): boolean {
  if (mm.opType !== 'MatMul' || mm.domain !== '') return false;
  const [a, b] = mm.inputs;
  const y = mm.outputs[0]!;
  if (rank(a) !== 2 || rank(b) !== 2 || y.isGraphOutput() || y.useCount !== 1) return false;
  if (onlyConstantWeights && b!.constValue === undefined) return false;
  const add = y.uses()[0]!.node;
  if (add.opType !== 'Add' || add.domain !== '' || add.graph !== g || add.inputs[0] === add.inputs[1]) return false;
  const c = biasOf(add, y, b!.shape?.[1]);
  if (c === undefined) return false;
  const base = mm.name.replace(/\/MatMul$/, '') || 'Gemm';
  const gemm = new Node({ opType: 'Gemm', name: g.names.freshNodeName(base), inputs: [a, b, c], outputs: [g.names.freshValueName(`${base}_out`)] });
  gemm.outputs[0]!.type = add.outputs[0]!.type ?? y.type;
  g.insertBefore(add, gemm);
  if (!forwardValue(add.outputs[0]!, gemm.outputs[0]!)) {
    g.remove(gemm);
    return false;
  }
  g.remove([add, mm]);
  return true;
}

/**
 * Fuses `Add(MatMul(A, B), C)` into `Gemm(A, B, C)` when A and B are matrices (rank 2, from
 * the inferred types: run `infer-types` first), the product has no other use, and C is a
 * constant bias of shape [N], [1, N], [M, N] or a scalar. One node instead of two, and
 * mixed-precision policies treat Gemm as one accumulating op (its bias is added in the
 * accumulator).
 *
 * ```
 * h = MatMul(x, W)          # x: [1, 64], W: [64, 128]
 * y = Add(h, b)             # b: [128]
 * ```
 * becomes `y = Gemm(x, W, b)`.
 */
export const fuseMatMulAdd = definePass({
  name: 'fuse-matmul-add',
  description: 'Fuse Add(MatMul(A, B), bias) of matrices into Gemm(A, B, bias)',
  optLevel: 1,
  required: ['infer-types'],
  options: t.strict({ onlyConstantWeights: t.boolean }),
  defaults: { onlyConstantWeights: true },
  optionDocs: { onlyConstantWeights: 'fuse only when B is a constant (a weight)' },
  run(model, _ctx, opts) {
    let modified = false;
    for (const g of walkGraphs(model)) {
      for (const n of g) modified = fuse(g, n, opts.onlyConstantWeights) || modified;
    }
    return { modified };
  },
});
