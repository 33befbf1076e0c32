import { expect } from 'chai';
import * as E from 'fp-ts/lib/Either.js';
import { createPassContext, runPipeline } from '@mixprec/passes';
import { topoSort } from '../src/index.js';
import { parse, registry } from './helpers.js';

describe('topo-sort', () => {
  it('fails on a cycle, naming nodes on it', () => {
    const m = parse(`<ir_version: 8, opset_import: ["" : 17]>
main (float[2] X) => (float[2] Y)
{
  [n1] a = Add (X, b)
  [n2] b = Neg (a)
  [n3] Y = Relu (X)
}`);
    const ctx = createPassContext({ registry });
    if (E.isLeft(ctx)) throw new Error('ctx');
    const r = runPipeline(m, topoSort(), ctx.right);
    expect(E.isLeft(r) && r.left.message).to.match(/^Pass 'topo-sort' failed as the first pass: GraphCycleError: Graph 'main' has a cycle through Add 'n1', Neg 'n2'/);
  });
});
