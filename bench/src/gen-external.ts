/**
 * Generator of a model too big for one protobuf file: `layers` residual blocks
 * `x = x + Tanh(x · W_l + b_l)` with square FLOAT weights of `width` × `width`, saved with
 * every weight in external data (`model.onnx` + `model.data`). The weights are lazy tensors
 * whose bytes are generated when the saver streams them, so generating a 3.25 GiB model holds
 * one weight (256 MiB at width 8192) at a time. The compute is small (one row through each
 * layer), so onnxruntime-node can check the converted model against the original quickly.
 */
import { DataType, GraphBuilder, tensorType, type Model } from '@mixprec/ir';
import { lazyUniform, uniform } from './random.js';
import type { InputSpec } from './model-cache.js';

export interface ExternalParams {
  readonly layers: number;
  readonly width: number;
}

/** 13 × 8192² FLOAT weights = 3.25 GiB. */
export const EXTERNAL_3GIB: ExternalParams = Object.freeze({ layers: 13, width: 8192 });
export const EXTERNAL_SMOKE: ExternalParams = Object.freeze({ layers: 3, width: 256 });

export function externalModel(p: ExternalParams): { model: Model; inputs: InputSpec[] } {
  const b = new GraphBuilder();
  let x = b.input('X', DataType.FLOAT, ['batch', p.width]);
  const scale = Math.sqrt(3 / p.width); // unit variance of x·W for unit-variance x
  for (let l = 0; l < p.layers; l++) {
    const w = b.initializer(`w${l}`, lazyUniform([p.width, p.width], `ext_w${l}`, scale));
    const bias = b.initializer(`b${l}`, uniform([p.width], `ext_b${l}`, 0.1));
    const mm = b.op1('MatMul', [x, w], { output: `l${l}_mm`, name: `l${l}_mm` });
    const h = b.op1('Tanh', [b.op1('Add', [mm, bias], { output: `l${l}_pre`, name: `l${l}_add` })], { output: `l${l}_act`, name: `l${l}_tanh` });
    x = b.op1('Add', [x, h], { output: `l${l}_out`, name: `l${l}_res`, type: tensorType(DataType.FLOAT, ['batch', p.width]) });
  }
  b.output(x, 'Y');
  return { model: b.model({ opset: 17 }), inputs: [{ name: 'X', dtype: 'float32', dims: [1, p.width] }] };
}
