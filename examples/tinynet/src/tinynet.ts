import { DataType, GraphBuilder, attr, floatTensor, int64Tensor, tensorType, type Model, type Tensor } from '@mixprec/ir';

/**
 * Seeded weights the way PyTorch initialises these layers (we cannot replay `torch.manual_seed(123)`,
 * so the numbers differ from the post's, not their scale): Embedding ~ N(0, 1), Linear weight and
 * bias ~ U(−1/√in, 1/√in), LayerNorm weight 1 and bias 0.
 */
class Init {
  #s: number;
  constructor(seed: number) {
    this.#s = seed >>> 0;
  }
  /** Uniform in [0, 1) (a 32-bit LCG: no dependencies, same numbers everywhere). */
  next(): number {
    this.#s = (Math.imul(this.#s, 1664525) + 1013904223) >>> 0;
    return this.#s / 2 ** 32;
  }
  normal(n: number): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = Math.sqrt(-2 * Math.log(1 - this.next())) * Math.cos(2 * Math.PI * this.next());
    return out;
  }
  uniform(n: number, bound: number): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = (2 * this.next() - 1) * bound;
    return out;
  }
}

/** The names of the parameters, as `model.named_parameters()` lists them in the post. */
export const PARAMETERS = [
  'token_embedding.weight', 'linear_1.weight', 'linear_1.bias', 'layernorm_1.weight', 'layernorm_1.bias',
  'linear_2.weight', 'linear_2.bias', 'layernorm_2.weight', 'layernorm_2.bias', 'head.weight', 'head.bias',
] as const;

/**
 * The post's TinyNet as an ONNX graph, the way `torch.onnx.export` writes it:
 *
 * ```
 * x: int64[2,2] token ids
 * Gather(token_embedding.weight, x)                       # Embedding(2, 2)
 * MatMul(·, linear_1.weightᵀ) + linear_1.bias             # Linear(2, 2)
 * LayerNormalization(·, layernorm_1.weight, .bias)        # LayerNorm(2), eps 1e-5
 * MatMul(·, linear_2.weightᵀ) + linear_2.bias             # Linear(2, 2)
 * LayerNormalization(·, layernorm_2.weight, .bias)        # LayerNorm(2)
 * MatMul(·, head.weightᵀ) + head.bias → logits: float[2,2,2]
 * ```
 */
export function buildTinyNet(seed = 123): Model {
  const init = new Init(seed);
  const b = new GraphBuilder();
  const f3 = tensorType(DataType.FLOAT, [2, 2, 2]);
  const x = b.input('x', DataType.INT64, [2, 2]);
  const emb = b.initializer('token_embedding.weight', floatTensor([2, 2], init.normal(4)));
  let h = b.op1('Gather', [emb, x], { name: 'token_embedding', type: f3 });
  const bound = 1 / Math.sqrt(2);
  const linear = (name: string, input: typeof h): typeof h => {
    // stored transposed ([in, out]), as the exporter folds the transpose of nn.Linear's weight
    const w = b.initializer(`${name}.weight`, floatTensor([2, 2], init.uniform(4, bound)));
    const bias = b.initializer(`${name}.bias`, floatTensor([2], init.uniform(2, bound)));
    const mm = b.op1('MatMul', [input, w], { name: `${name}/MatMul`, type: f3 });
    return b.op1('Add', [mm, bias], { name: `${name}/Add`, type: f3 });
  };
  const layerNorm = (name: string, input: typeof h): typeof h => {
    const g = b.initializer(`${name}.weight`, floatTensor([2], [1, 1]));
    const beta = b.initializer(`${name}.bias`, floatTensor([2], [0, 0]));
    return b.op1('LayerNormalization', [input, g, beta], { name, attrs: { axis: attr.int(-1), epsilon: attr.float(1e-5) }, type: f3 });
  };
  h = linear('linear_1', h);
  h = layerNorm('layernorm_1', h);
  h = linear('linear_2', h);
  h = layerNorm('layernorm_2', h);
  b.output(linear('head', h), 'logits');
  return b.model({ opset: 17 });
}

/** The dummy input: a batch of two sequences of two tokens (both token ids occur). */
export function tinyNetInput(): Tensor {
  return int64Tensor([2, 2], [0n, 1n, 1n, 0n]);
}
