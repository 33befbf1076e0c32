import { expect } from 'chai';
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { GraphBuilder, knownOps, walkNodes, type Model, type Node } from '@mixprec/ir';
import {
  ACCUMULATING_OPS, BF16_RED_ENTRIES, bf16, createPolicyQuery, decide, decodePolicyJson, encodeListPolicy,
  formatPolicyFileError, loadPolicyFile, type Policy,
} from '@mixprec/amp';
import { loadModel } from '@mixprec/onnx';
import { REAL_MODELS, realModelPath } from '@mixprec/testing';
import { policy, policyJsonPath } from '../src/index.js';

function ask(p: Policy, node: Node, model: Model) {
  return decide(p, createPolicyQuery(node, model));
}

function probe(op: string): { node: Node; model: Model } {
  const dot = op.lastIndexOf('.');
  const domain = dot < 0 ? '' : op.slice(0, dot);
  const b = new GraphBuilder();
  const node = b.op1(dot < 0 ? op : op.slice(dot + 1), [], { domain }).producer()!;
  return { node, model: b.model({ opset: 27, opsets: domain === '' ? {} : { [domain]: 1 } }) };
}

function twin(): Policy {
  const r = loadPolicyFile(policyJsonPath, () => undefined);
  if (r._tag === 'Left') throw new Error(formatPolicyFileError(r.left).join('\n'));
  return r.right;
}

/** Every op of the six real models → bf16's decision (`/f32`: float32 accumulation). */
const REAL_MODEL_OPS: Readonly<Record<string, string>> = {
  Add: 'green', AveragePool: 'green/f32', BatchNormalization: 'green/f32', Cast: 'green', Clip: 'green',
  Concat: 'green', Constant: 'green', ConstantOfShape: 'green', Conv: 'green/f32', ConvTranspose: 'green/f32',
  Div: 'green', Equal: 'green', Gather: 'green', GlobalAveragePool: 'green/f32', HardSigmoid: 'green',
  Identity: 'green', If: 'green', LSTM: 'green/f32', Log: 'green', MatMul: 'green/f32', MaxPool: 'green',
  Mul: 'green', Neg: 'green', Not: 'green', Pad: 'green', Pow: 'red', ReduceMean: 'green/f32', Relu: 'green',
  Reshape: 'green', Resize: 'green', Shape: 'green', Sigmoid: 'green', Size: 'green', Slice: 'green',
  Softmax: 'green/f32', Sqrt: 'green', Squeeze: 'green', Sub: 'green', Transpose: 'green', Unsqueeze: 'green',
};

describe('@mixprec/policy-bf16', () => {
  it('exports the bf16 policy of @mixprec/amp', () => {
    expect(policy).to.equal(bf16);
    expect(policy.name).to.equal('bf16');
  });

  describe('policy.json', () => {
    it('decodes without errors', () => {
      expect(twin().name).to.equal('bf16');
      expect(twin().target).to.equal(policy.target);
    });
    it('is the policy-file form of the TypeScript value (UPDATE_GOLDEN=1 rewrites it)', () => {
      const expected = `${JSON.stringify(encodeListPolicy(policy), null, 2)}\n`;
      if (process.env.UPDATE_GOLDEN === '1') fs.writeFileSync(policyJsonPath, expected);
      expect(fs.readFileSync(policyJsonPath, 'utf8')).to.equal(expected);
    });
    it('decides like the TypeScript value on every known op and on custom ops', () => {
      const json = twin();
      const ops = [...knownOps().map((o) => (o.domain === '' ? o.opType : `${o.domain}.${o.opType}`)), 'com.microsoft.FusedMatMul', 'npu.Gelu'];
      for (const op of ops) {
        const { node, model } = probe(op);
        expect(ask(json, node, model), op).to.deep.equal(ask(policy, node, model));
      }
      expect(json.fallback).to.deep.equal(policy.fallback);
    });
  });

  describe('real models', () => {
    for (const m of REAL_MODELS) {
      it(`${m.name}: every node decided as the table says, by both forms`, () => {
        const r = loadModel(realModelPath(m));
        if (r._tag === 'Left') throw new Error(`cannot load ${m.name}`);
        const model = r.right;
        const json = twin();
        let nodes = 0;
        for (const node of walkNodes(model)) {
          const d = ask(policy, node, model);
          const expected = REAL_MODEL_OPS[node.opType];
          expect(expected, `${m.name}: op ${node.opType} missing from the table`).to.not.equal(undefined);
          expect(`${d.color}${d.accumulation === undefined ? '' : '/f32'}`, `${m.name}/${node.name}`).to.equal(expected);
          expect(ask(json, node, model)).to.deep.equal(d);
          nodes++;
        }
        expect(nodes).to.be.greaterThan(20);
      });
    }
  });

  it('documents every red op with its reason and every float32-accumulating op in the README', () => {
    const readme = fs.readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
    const missing = [...BF16_RED_ENTRIES.keys(), ...ACCUMULATING_OPS].filter((op) => !new RegExp(`\\b${op}\\b`).test(readme));
    expect(missing).to.deep.equal([]);
    for (const [op] of BF16_RED_ENTRIES) expect(readme, op).to.match(new RegExp(`\\| ${op} \\| .+ \\|`));
  });

  it('has policy-file examples in its README that decode', () => {
    const readme = fs.readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
    const blocks = [...readme.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks.length).to.be.greaterThan(0);
    const shipped = new Map<string, Policy>([[policy.name, policy]]);
    for (const text of blocks) {
      const r = decodePolicyJson(text, { resolve: (name) => shipped.get(name), file: 'README.md' });
      if (r._tag === 'Left') throw new Error(formatPolicyFileError(r.left).join('\n'));
      expect(r.right.name).to.not.equal(policy.name);
    }
  });
});
