import { expect } from 'chai';
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DataType, GraphBuilder, floatTensor, type Model, type Node } from '@mixprec/ir';
import {
  aggressive, balanced, bf16, createPolicyQuery, decide, decodePolicyJson, formatPolicyFileError, type Policy,
} from '@mixprec/amp';
import { acmeNpu } from '../src/index.js';

const shipped = new Map<string, Policy>([['aggressive', aggressive], ['balanced', balanced], ['bf16', bf16]]);
const readme = fs.readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
const jsonBlocks = [...readme.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]!);

function matmul(k: number): { node: Node; model: Model } {
  const b = new GraphBuilder();
  const x = b.input('x', DataType.FLOAT, [1, k]);
  const w = b.initializer('w', floatTensor([k, 8], new Float32Array(k * 8)));
  const y = b.op1('MatMul', [x, w]);
  b.output(y);
  return { node: y.producer()!, model: b.model() };
}

describe('README', () => {
  it('has a policy-file example that decodes and agrees with the TypeScript policy on MatMul', () => {
    expect(jsonBlocks).to.have.length(1);
    const r = decodePolicyJson(jsonBlocks[0]!, { resolve: (n) => shipped.get(n), file: 'README.md' });
    if (r._tag === 'Left') throw new Error(formatPolicyFileError(r.left).join('\n'));
    for (const k of [64, 4096, 4097, 8192]) {
      const { node, model } = matmul(k);
      const q = createPolicyQuery(node, model);
      const fromJson = decide(r.right, q);
      const fromTs = decide(acmeNpu, q);
      expect([fromJson.color, fromJson.accumulation], `K=${k}`).to.deep.equal([fromTs.color, fromTs.accumulation]);
    }
  });
});
