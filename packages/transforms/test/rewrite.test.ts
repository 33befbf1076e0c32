import { expect } from 'chai';
import { canForwardValue, forwardValue, isOutputOf } from '../src/index.js';
import { parse } from './helpers.js';

const MODEL = `<ir_version: 8, opset_import: ["" : 17]>
main (float[2] X, bool C) => (float[2] Y, float[2] Z)
<float[2] W = {1, 2}>
{
  a = Relu (X)
  b = Neg (a)
  Y = Abs (b)
  Z = If (C) <
    then_branch = t () => (float[2] a2) { a2 = Identity (a) },
    else_branch = e () => (float[2] b) { }
  >
}`;

function values() {
  const m = parse(MODEL);
  const g = m.graph;
  const byName = new Map<string, ReturnType<typeof g.nodes>[number]['outputs'][number]>();
  for (const n of g) for (const o of n.outputs) byName.set(o.name, o);
  const ifNode = [...g].find((n) => n.opType === 'If')!;
  return { m, g, a: byName.get('a')!, b: byName.get('b')!, Y: byName.get('Y')!, Z: byName.get('Z')!, X: g.inputs[0]!, W: g.initializers.get('W')!, ifNode };
}

describe('forwardValue (the graph-interface rules shared by the passes)', () => {
  it('case 1: an internal value (also one returned by a nested subgraph) is replaced everywhere', () => {
    const { b, a, ifNode } = values();
    const els = ifNode.subgraphs()[1]!;
    expect(isOutputOf(b, els)).to.equal(true);
    expect(canForwardValue(b, a)).to.equal(true);
    expect(forwardValue(b, a)).to.equal(true);
    expect(b.useCount).to.equal(0);
    expect(els.outputs[0]).to.equal(a);
  });

  it('case 2: a graph output is taken over by a node output of the same graph, with its name and type', () => {
    const { Y, a, g } = values();
    a.type = undefined;
    expect(forwardValue(Y, a)).to.equal(true);
    expect(g.outputs[0]).to.equal(a);
    expect(a.name).to.equal('Y');
    expect(a.type).to.deep.equal({ kind: 'tensor', dtype: 1, shape: [2] });
    expect(Y.name).to.equal('');
  });

  it('case 3: nothing changes when the replacement faces the interface or comes from outside', () => {
    const { Y, Z, X, W, a, ifNode } = values();
    expect(canForwardValue(Y, X)).to.equal(false);
    expect(canForwardValue(Y, W)).to.equal(false);
    expect(canForwardValue(Y, Z)).to.equal(false);
    const a2 = ifNode.subgraphs()[0]!.outputs[0]!;
    expect(canForwardValue(a2, a)).to.equal(false);
    expect(forwardValue(a2, a)).to.equal(false);
    expect(forwardValue(a, a)).to.equal(false);
  });
});
