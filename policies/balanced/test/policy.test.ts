import { expect } from 'chai';
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { GraphBuilder, knownOps, walkNodes, type Model, type Node } from '@mixprec/ir';
import {
  BALANCED_ENTRIES, balanced, createPolicyQuery, decide, decodePolicyJson, encodeListPolicy,
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

/** Every op of the six real models → balanced's decision (`/f32`: float32 accumulation). */
const REAL_MODEL_OPS: Readonly<Record<string, string>> = {
  Add: 'gray', AveragePool: 'gray/f32', BatchNormalization: 'gray', Cast: 'gray', Clip: 'gray', Concat: 'gray',
  Constant: 'gray', ConstantOfShape: 'gray', Conv: 'green/f32', ConvTranspose: 'green/f32', Div: 'gray', Equal: 'gray',
  Gather: 'gray', GlobalAveragePool: 'red', HardSigmoid: 'gray', Identity: 'gray', If: 'gray', LSTM: 'green/f32',
  Log: 'red', MatMul: 'green/f32', MaxPool: 'gray', Mul: 'gray', Neg: 'gray', Not: 'red', Pad: 'gray', Pow: 'red',
  ReduceMean: 'red', Relu: 'gray', Reshape: 'gray', Resize: 'gray', Shape: 'gray', Sigmoid: 'gray', Size: 'gray',
  Slice: 'gray', Softmax: 'red', Sqrt: 'gray', Squeeze: 'gray', Sub: 'gray', Transpose: 'gray', Unsqueeze: 'gray',
};

describe('@mixprec/policy-balanced', () => {
  it('exports the balanced policy of @mixprec/amp', () => {
    expect(policy).to.equal(balanced);
    expect(policy.name).to.equal('balanced');
  });

  describe('policy.json', () => {
    it('decodes without errors', () => {
      expect(twin().name).to.equal('balanced');
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

  it('documents every listed op in the README, under its colour', () => {
    const readme = fs.readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
    const documented = new Map<string, string>();
    let color = '';
    for (const line of readme.split('\n')) {
      const h = /^### (green|gray|red) /.exec(line);
      if (h !== null) color = h[1]!;
      const row = /^\| (\w+) \| (float32)? \|/.exec(line);
      if (row !== null && color !== '') documented.set(row[1]!, `${color}${row[2] === undefined ? '' : '/f32'}`);
    }
    const listed = new Map([...BALANCED_ENTRIES].map(([op, [c]]) => {
      const d = ask(policy, probe(op).node, probe(op).model);
      return [op, `${c}${d.accumulation === undefined ? '' : '/f32'}`] as const;
    }));
    expect(documented).to.deep.equal(listed);
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
