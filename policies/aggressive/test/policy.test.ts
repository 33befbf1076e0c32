import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import * as amp from '@mixprec/amp';
import { loadModel } from '@mixprec/onnx';
import { describePolicyPackage } from '@mixprec/testing';
import { policy, policyJsonPath } from '../src/index.js';

/** Every op of the six real models → aggressive's decision (`/f32`: float32 accumulation). */
const REAL_MODEL_OPS: Readonly<Record<string, string>> = {
  Add: 'green', AveragePool: 'green/f32', BatchNormalization: 'green/f32', Cast: 'green', Clip: 'green',
  Concat: 'green', Constant: 'green', ConstantOfShape: 'green', Conv: 'green/f32', ConvTranspose: 'green/f32',
  Div: 'green', Equal: 'green', Gather: 'green', GlobalAveragePool: 'green/f32', HardSigmoid: 'green',
  Identity: 'green', If: 'green', LSTM: 'green/f32', Log: 'green', MatMul: 'green/f32', MaxPool: 'green',
  Mul: 'green', Neg: 'green', Not: 'green', Pad: 'green', Pow: 'green', ReduceMean: 'green/f32', Relu: 'green',
  Reshape: 'green', Resize: 'green', Shape: 'green', Sigmoid: 'green', Size: 'green', Slice: 'green',
  Softmax: 'green/f32', Sqrt: 'green', Squeeze: 'green', Sub: 'green', Transpose: 'green', Unsqueeze: 'green',
};

describePolicyPackage({
  name: 'aggressive', policy, shipped: amp.aggressive, policyJsonPath, amp, loadModel,
  readmePath: fileURLToPath(new URL('../README.md', import.meta.url)),
  realModelOps: REAL_MODEL_OPS,
  readmeCheck: {
    title: 'documents every listed op in the README',
    check(readme) {
      const missing = [...amp.ACCUMULATING_OPS, ...amp.TYPE_SEMANTIC_OPS].filter((op) => !new RegExp(`\\b${op}\\b`).test(readme));
      expect(missing).to.deep.equal([]);
    },
  },
});
