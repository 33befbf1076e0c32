/**
 * Generator of a transformer-like encoder (BERT-shaped, no embeddings): `layers` blocks of
 * multi-head self-attention and a feed-forward network, each with pre-LayerNorm written out as
 * primitive ops (ReduceMean, Sub, Mul, Add, Sqrt, Div), Softmax, and erf-GELU
 * (x · 0.5 · (1 + Erf(x / √2))). Weights are FLOAT, uniform in ±0.03, produced lazily.
 *
 * With the default parameters (12 layers, hidden 1024, ffn 1024) the weights take 302 MB
 * (75.6 M parameters): 6 MatMul weights of 1024 × 1024 per layer plus biases and LayerNorm
 * scales.
 */
import { DataType, GraphBuilder, Value, attr, floatTensor, int64Tensor, tensorType, type Model, type Tensor } from '@mixprec/ir';
import { lazyUniform, uniform } from './random.js';
import type { InputSpec } from './model-cache.js';

export interface TransformerParams {
  readonly layers: number;
  readonly hidden: number;
  readonly heads: number;
  readonly ffn: number;
  /** Sequence length of the example input (the model's dims are symbolic). */
  readonly seq: number;
}

export const TRANSFORMER_300MB: TransformerParams = Object.freeze({ layers: 12, hidden: 1024, heads: 16, ffn: 1024, seq: 16 });
export const TRANSFORMER_SMOKE: TransformerParams = Object.freeze({ layers: 2, hidden: 64, heads: 4, ffn: 128, seq: 4 });

/** Builds the model; weight tensors are lazy (bytes generated when saved). */
export function transformerModel(p: TransformerParams): { model: Model; inputs: InputSpec[] } {
  if (p.hidden % p.heads !== 0) throw new Error(`hidden ${p.hidden} is not a multiple of heads ${p.heads}`);
  const b = new GraphBuilder();
  const H = p.hidden;
  const dh = H / p.heads;
  const f32 = (shape: (number | string)[]) => tensorType(DataType.FLOAT, shape);
  const act = f32(['batch', 'seq', H]);
  let x = b.input('X', DataType.FLOAT, ['batch', 'seq', H]);

  // Scalars shared by every layer (a realistic high fan-out: one value, hundreds of uses).
  const scalar = (name: string, v: number): Value => b.initializer(name, floatTensor([], [v]));
  const eps = scalar('ln_eps', 1e-5);
  const half = scalar('half', 0.5);
  const one = scalar('one', 1);
  const sqrt2 = scalar('sqrt2', Math.SQRT2);
  const scale = scalar('attn_scale', Math.sqrt(dh));
  const splitHeads = b.initializer('split_heads_shape', int64Tensor([4], [0, 0, p.heads, dh]));
  const mergeHeads = b.initializer('merge_heads_shape', int64Tensor([3], [0, 0, H]));

  const op = (type: string, inputs: Value[], out: string, attrs = {}): Value => b.op1(type, inputs, { output: out, attrs, name: out });
  const layerNorm = (v: Value, pre: string): Value => {
    const axes = { axes: attr.ints([-1]), keepdims: attr.int(1) };
    const mean = op('ReduceMean', [v], `${pre}_mean`, axes);
    const d = op('Sub', [v, mean], `${pre}_centered`);
    const varc = op('ReduceMean', [op('Mul', [d, d], `${pre}_sq`)], `${pre}_var`, axes);
    const std = op('Sqrt', [op('Add', [varc, eps], `${pre}_var_eps`)], `${pre}_std`);
    const n = op('Div', [d, std], `${pre}_norm`);
    const gamma = b.initializer(`${pre}_gamma`, uniformAround(H, 1, 0.05, `${pre}_gamma`));
    const beta = b.initializer(`${pre}_beta`, uniform([H], `${pre}_beta`, 0.05));
    const out = op('Add', [op('Mul', [n, gamma], `${pre}_scaled`), beta], `${pre}_out`);
    out.type = act;
    return out;
  };
  const dense = (v: Value, rows: number, cols: number, pre: string): Value => {
    const w = b.initializer(`${pre}_weight`, lazyUniform([rows, cols], `${pre}_weight`, 0.03));
    const bias = b.initializer(`${pre}_bias`, uniform([cols], `${pre}_bias`, 0.02));
    return op('Add', [op('MatMul', [v, w], `${pre}_matmul`), bias], `${pre}_out`);
  };

  for (let l = 0; l < p.layers; l++) {
    const L = `l${l}`;
    const h = layerNorm(x, `${L}_ln1`);
    const heads = (name: string, perm: number[]): Value => {
      const proj = dense(h, H, H, `${L}_${name}`);
      const split = op('Reshape', [proj, splitHeads], `${L}_${name}_heads`);
      return op('Transpose', [split], `${L}_${name}_t`, { perm: attr.ints(perm) });
    };
    const q = heads('q', [0, 2, 1, 3]);
    const k = heads('k', [0, 2, 3, 1]);
    const v = heads('v', [0, 2, 1, 3]);
    const scores = op('Div', [op('MatMul', [q, k], `${L}_qk`), scale], `${L}_scores`);
    const probs = op('Softmax', [scores], `${L}_probs`, { axis: attr.int(-1) });
    const ctx = op('Transpose', [op('MatMul', [probs, v], `${L}_ctx`)], `${L}_ctx_t`, { perm: attr.ints([0, 2, 1, 3]) });
    const merged = op('Reshape', [ctx, mergeHeads], `${L}_ctx_merged`);
    x = op('Add', [x, dense(merged, H, H, `${L}_o`)], `${L}_res1`);
    const h2 = layerNorm(x, `${L}_ln2`);
    const f = dense(h2, H, p.ffn, `${L}_ffn1`);
    const erf = op('Erf', [op('Div', [f, sqrt2], `${L}_gelu_div`)], `${L}_gelu_erf`);
    const gelu = op('Mul', [op('Mul', [f, half], `${L}_gelu_half`), op('Add', [erf, one], `${L}_gelu_1p`)], `${L}_gelu`);
    x = op('Add', [x, dense(gelu, p.ffn, H, `${L}_ffn2`)], `${L}_res2`);
    x.type = act;
  }
  b.output(layerNorm(x, 'final_ln'), 'Y');
  return { model: b.model({ opset: 17 }), inputs: [{ name: 'X', dtype: 'float32', dims: [1, p.seq, H] }] };
}

/** n values uniform in [center - spread, center + spread). */
function uniformAround(n: number, center: number, spread: number, seed: string): Tensor {
  const d = uniform([n], seed, spread).data as Float32Array;
  return floatTensor([n], Array.from(d, (v) => v + center));
}
