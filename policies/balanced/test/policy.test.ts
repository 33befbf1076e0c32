import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import * as amp from '@mixprec/amp';
import { loadModel } from '@mixprec/onnx';
import { describePolicyPackage } from '@mixprec/testing';
import { policy, policyJsonPath } from '../src/index.js';

/** Every op of the six real models → balanced's decision (`/f32`: float32 accumulation). */
const REAL_MODEL_OPS: Readonly<Record<string, string>> = {
  Add: 'gray', AveragePool: 'gray/f32', BatchNormalization: 'gray', Cast: 'gray', Clip: 'gray', Concat: 'gray',
  Constant: 'gray', ConstantOfShape: 'gray', Conv: 'green/f32', ConvTranspose: 'green/f32', Div: 'gray', Equal: 'gray',
  Gather: 'gray', GlobalAveragePool: 'red', HardSigmoid: 'gray', Identity: 'gray', If: 'gray', LSTM: 'green/f32',
  Log: 'red', MatMul: 'green/f32', MaxPool: 'gray', Mul: 'gray', Neg: 'gray', Not: 'red', Pad: 'gray', Pow: 'red',
  ReduceMean: 'red', Relu: 'gray', Reshape: 'gray', Resize: 'gray', Shape: 'gray', Sigmoid: 'gray', Size: 'gray',
  Slice: 'gray', Softmax: 'red', Sqrt: 'gray', Squeeze: 'gray', Sub: 'gray', Transpose: 'gray', Unsqueeze: 'gray',
};

describePolicyPackage({
  name: 'balanced', policy, shipped: amp.balanced, policyJsonPath, amp, loadModel,
  readmePath: fileURLToPath(new URL('../README.md', import.meta.url)),
  realModelOps: REAL_MODEL_OPS,
  readmeCheck: {
    title: 'documents every listed op in the README, under its colour',
    check(readme, { ask, probe }) {
      const documented = new Map<string, string>();
      let color = '';
      for (const line of readme.split('\n')) {
        const h = /^### (green|gray|red) /.exec(line);
        if (h !== null) color = h[1]!;
        const row = /^\| (\w+) \| (float32)? \|/.exec(line);
        if (row !== null && color !== '') documented.set(row[1]!, `${color}${row[2] === undefined ? '' : '/f32'}`);
      }
      const listed = new Map([...amp.BALANCED_ENTRIES].map(([op, [c]]) => {
        const d = ask(policy, probe(op).node, probe(op).model);
        return [op, `${c}${d.accumulation === undefined ? '' : '/f32'}`] as const;
      }));
      expect(documented).to.deep.equal(listed);
    },
  },
});
