/**
 * Generator of graphs of many small nodes, to measure per-node costs (decode, passes, amp,
 * encode) without weights in the way. The graph is a chain of 10-node blocks on [1, width]
 * FLOAT activations; each block gives the common passes something to do and the IR some
 * realistic stress:
 *
 * ```
 * a = Add(x, bias)            bias: one scalar shared by every block (fan-out = blocks)
 * m = Mul(a, w_i)             w_i: a per-block initializer
 * t = Tanh(m)                 keeps values bounded over any depth
 * i = Identity(t)             eliminate-identity
 * s = Add(i, skip)            skip: t of the block 8 blocks back (a DAG, not a list)
 * m2 = Mul(a, w_i)            a duplicate of m: cse
 * z = Sub(m2, m)              zero, once cse merged m2 into m
 * y = Add(s, z)
 * r = Relu(t)                 dead: dce
 * x' = Mul(y, half)           half: a second shared scalar; |x'| <= 1
 * ```
 * The graph output is the last block's x'. Nodes: 10 per block. (No Cast pairs: an explicit
 * Cast to FLOAT reads as "keep this FLOAT" to the mixed-precision policies, which would leave
 * the whole chain FLOAT.)
 */
import { DataType, GraphBuilder, floatTensor, tensorType, type Model, type Value } from '@mixprec/ir';
import { uniform } from './random.js';
import type { InputSpec } from './model-cache.js';

export interface SmallNodesParams {
  /** Approximate node count (rounded up to whole blocks of 10). */
  readonly nodes: number;
  /** Width of the activations. */
  readonly width: number;
}

export const NODES_PER_BLOCK = 10;
const SKIP = 8;

export function smallNodesModel(p: SmallNodesParams): { model: Model; inputs: InputSpec[] } {
  const b = new GraphBuilder();
  const t = tensorType(DataType.FLOAT, [1, p.width]);
  let x = b.input('X', DataType.FLOAT, [1, p.width]);
  const bias = b.initializer('bias', floatTensor([], [0.01]));
  const half = b.initializer('half', floatTensor([], [0.5]));
  const blocks = Math.ceil(p.nodes / NODES_PER_BLOCK);
  const history: Value[] = [];
  const op = (type: string, inputs: Value[], out: string): Value => {
    const v = b.op1(type, inputs, { output: out, name: out });
    v.type = t;
    return v;
  };
  for (let i = 0; i < blocks; i++) {
    const B = `b${i}`;
    const w = b.initializer(`${B}_w`, uniform([p.width], `${B}_w`, 1.5));
    const a = op('Add', [x, bias], `${B}_a`);
    const m = op('Mul', [a, w], `${B}_m`);
    const th = op('Tanh', [m], `${B}_t`);
    const id = op('Identity', [th], `${B}_i`);
    const skip = history.length >= SKIP ? history[history.length - SKIP]! : th;
    const s = op('Add', [id, skip], `${B}_s`);
    const m2 = op('Mul', [a, w], `${B}_m2`);
    const z = op('Sub', [m2, m], `${B}_z`);
    const y = op('Add', [s, z], `${B}_y`);
    op('Relu', [th], `${B}_dead`);
    x = op('Mul', [y, half], `${B}_x`);
    history.push(th);
  }
  b.output(x, 'Y');
  return { model: b.model({ opset: 17 }), inputs: [{ name: 'X', dtype: 'float32', dims: [1, p.width] }] };
}
