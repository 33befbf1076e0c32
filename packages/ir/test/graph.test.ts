import { expect } from 'chai';
import {
  DataType, Graph, GraphBuilder, GraphCycleError, Node, Value, attr, floatTensor, implicitInputs,
  tensorType, walkNodes,
} from '../src/index.js';

function chain(): { b: GraphBuilder; x: Value; y: Value; z: Value } {
  const b = new GraphBuilder();
  const x = b.input('X', DataType.FLOAT, [2]);
  const y = b.op1('Relu', [x], { output: 'Y' });
  const z = b.op1('Neg', [y], { output: 'Z' });
  b.output(z);
  return { b, x, y, z };
}

describe('Graph and use-def lists', () => {
  it('records producers and uses on construction', () => {
    const { x, y, z } = chain();
    expect(y.producer()?.opType).to.equal('Relu');
    expect(x.uses().map((u) => u.node.opType)).to.deep.equal(['Relu']);
    expect(y.consumers().map((n) => n.opType)).to.deep.equal(['Neg']);
    expect(z.isGraphOutput()).to.equal(true);
    expect(x.isGraphInput()).to.equal(true);
  });

  it('keeps uses in sync through replaceInput and replaceAllUsesWith', () => {
    const { b, x, y, z } = chain();
    const neg = z.producer()!;
    neg.replaceInput(0, x);
    expect(y.useCount).to.equal(0);
    expect(x.useCount).to.equal(2);
    expect(() => z.replaceAllUsesWith(y)).to.throw(/graph output/);
    z.replaceAllUsesWith(y, { replaceGraphOutputs: true });
    expect(b.graph.outputs[0]).to.equal(y);
    expect(z.isGraphOutput()).to.equal(false);
  });

  it('allows removal while iterating and skips removed nodes', () => {
    const { b, y, z } = chain();
    const seen: string[] = [];
    for (const n of b.graph) {
      seen.push(n.opType);
      if (n.opType === 'Relu') {
        z.replaceAllUsesWith(y, { replaceGraphOutputs: true });
        b.graph.remove(z.producer()!, { safe: true });
      }
    }
    expect(seen).to.deep.equal(['Relu']);
    expect(b.graph.size).to.equal(1);
  });

  it('visits nodes inserted after the current one', () => {
    const { b, y } = chain();
    const seen: string[] = [];
    for (const n of b.graph) {
      seen.push(n.opType);
      if (n.opType === 'Relu') b.graph.insertAfter(n, new Node({ opType: 'Identity', inputs: [y], outputs: ['y2'] }));
    }
    expect(seen).to.deep.equal(['Relu', 'Identity', 'Neg']);
  });

  it('refuses an unsafe removal, all or nothing', () => {
    const { b, y } = chain();
    expect(() => b.graph.remove(y.producer()!, { safe: true })).to.throw(/used by/);
    expect(b.graph.size).to.equal(2);
  });

  it('sorts topologically, keeping order where possible, and reports cycles', () => {
    const { b, z } = chain();
    const neg = z.producer()!;
    b.graph.moveBefore(neg, b.graph.first!);
    expect(b.graph.nodes().map((n) => n.opType)).to.deep.equal(['Neg', 'Relu']);
    b.graph.sortTopologically();
    expect(b.graph.nodes().map((n) => n.opType)).to.deep.equal(['Relu', 'Neg']);
    const relu = b.graph.first!;
    relu.replaceInput(0, z);
    expect(() => b.graph.sortTopologically()).to.throw(GraphCycleError);
  });

  it('gives fresh, deterministic names from one authority per graph tree', () => {
    const { b } = chain();
    const names = b.graph.names;
    expect(names.freshValueName('Y')).to.equal('Y_1');
    expect(names.freshValueName('Y')).to.equal('Y_2');
    expect(names.freshValueName('fresh')).to.equal('fresh');
    const sub = new Graph('then');
    const inner = new Node({ opType: 'Identity', inputs: [b.graph.inputs[0]], outputs: ['inner_out'] });
    sub.append(inner);
    sub.addOutput(inner.outputs[0]!);
    const ifNode = new Node({ opType: 'If', inputs: [undefined], outputs: ['if_out'], attributes: { then_branch: attr.graph(sub) } });
    b.graph.append(ifNode);
    expect(sub.names).to.equal(b.graph.names);
    expect(names.freshValueName('inner_out')).to.equal('inner_out_1');
  });

  it('counts outer-scope captures of subgraphs as real uses', () => {
    const { b, x } = chain();
    const sub = new Graph('body');
    const inner = new Node({ opType: 'Neg', inputs: [x], outputs: ['n'] });
    sub.append(inner);
    sub.addOutput(inner.outputs[0]!);
    const node = new Node({ opType: 'If', inputs: [undefined], outputs: ['o'], attributes: { then_branch: attr.graph(sub) } });
    b.graph.append(node);
    expect(x.consumers()).to.include(inner);
    expect(implicitInputs(node)).to.deep.equal([x]);
    expect([...walkNodes(b.graph)].map((n) => n.opType)).to.deep.equal(['Relu', 'Neg', 'If', 'Neg']);
    b.graph.remove(node);
    expect(x.consumers()).to.not.include(inner);
  });

  it('keeps initializers keyed by name across renames, in order', () => {
    const b = new GraphBuilder();
    const a = b.initializer('a', floatTensor([1], [1]));
    b.initializer('b', floatTensor([1], [2]));
    a.name = 'a2';
    expect([...b.graph.initializers.keys()]).to.deep.equal(['a2', 'b']);
    expect(a.type).to.deep.equal(tensorType(DataType.FLOAT, [1]));
  });

  it('creates node metadata maps lazily, and only as a live map of the node', () => {
    const plain = new Node({ opType: 'Relu', outputs: ['r'] });
    expect(plain.hasMetadata()).to.equal(false);
    expect(plain.metadataOrUndefined()).to.equal(undefined);
    const emptyInit = new Node({ opType: 'Relu', outputs: ['e'], metadataProps: [] });
    expect(emptyInit.hasMetadata()).to.equal(false);
    expect(emptyInit.metadataProps.size).to.equal(0);
    // Reading the map creates an empty one; that alone is still "no metadata".
    expect(plain.metadataProps.get('k')).to.equal(undefined);
    expect(plain.hasMetadata()).to.equal(false);
    plain.metadataProps.set('k', 'v');
    expect(plain.metadataProps).to.equal(plain.metadataProps);
    expect(plain.hasMetadata()).to.equal(true);
    expect([...plain.metadataOrUndefined()!]).to.deep.equal([['k', 'v']]);
    const given = new Node({ opType: 'Relu', outputs: ['g'], metadataProps: [['a', '1'], ['b', '2']] });
    expect(given.hasMetadata()).to.equal(true);
    expect([...given.metadataProps]).to.deep.equal([['a', '1'], ['b', '2']]);
    given.metadataProps.delete('a');
    given.metadataProps.delete('b');
    expect(given.hasMetadata()).to.equal(false);
    expect(given.metadataOrUndefined()).to.equal(undefined);
  });
});
