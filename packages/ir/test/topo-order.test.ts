import { expect } from 'chai';
import { DataType, Graph, GraphBuilder, GraphCycleError, Node, Value, attr, implicitInputs, topologicalOrder } from '../src/index.js';

/** A reference: Kahn's algorithm taking the ready node of lowest original position (the documented order). */
function referenceOrder(g: Graph): Node[] {
  const nodes = [...g];
  const pos = new Map(nodes.map((n, i) => [n, i]));
  const deps = nodes.map((n) => {
    const out = new Set<number>();
    const reads = [...n.inputs, ...(n.hasSubgraphs() ? implicitInputs(n) : [])];
    for (const v of reads) {
      const p = v?.producer();
      const j = p === undefined || p === n ? undefined : pos.get(p);
      if (j !== undefined) out.add(j);
    }
    return out;
  });
  const done = new Set<number>();
  const order: Node[] = [];
  while (order.length < nodes.length) {
    const i = nodes.findIndex((_, k) => !done.has(k) && [...deps[k]!].every((j) => done.has(j)));
    if (i < 0) throw new Error('cycle');
    done.add(i);
    order.push(nodes[i]!);
  }
  return order;
}

/** A seeded random DAG of unary/binary ops, appended in a shuffled order. */
function randomGraph(seed: number, size: number): { g: Graph; x: Value } {
  let s = seed;
  const rnd = (k: number): number => {
    s = (s * 1103515245 + 12345) >>> 0;
    return (s >>> 8) % k;
  };
  const b = new GraphBuilder();
  const x = b.input('X', DataType.FLOAT, [2]);
  const values: Value[] = [x];
  const nodes: Node[] = [];
  for (let i = 0; i < size; i++) {
    const a = values[rnd(values.length)]!;
    const c = values[rnd(values.length)]!;
    const n = new Node({ opType: rnd(2) === 0 ? 'Add' : 'Neg', inputs: rnd(2) === 0 ? [a, c] : [a], outputs: [`v${i}`] });
    nodes.push(n);
    values.push(n.outputs[0]!);
  }
  for (let i = nodes.length - 1; i > 0; i--) {
    const j = rnd(i + 1);
    [nodes[i], nodes[j]] = [nodes[j]!, nodes[i]!];
  }
  b.graph.append(nodes);
  b.output(values[values.length - 1]!);
  return { g: b.graph, x };
}

/** Node order as output names (chai's deep equality cannot tell nodes apart by identity). */
const ids = (ns: readonly Node[]): string[] => ns.map((n) => n.outputs[0]!.name);

describe('topologicalOrder', () => {
  it('equals the reference order on shuffled random graphs, before and after edits', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const { g, x } = randomGraph(seed, 5 + (seed % 30));
      expect(ids(topologicalOrder(g))).to.deep.equal(ids(referenceOrder(g)));
      g.sortTopologically();
      expect(ids(topologicalOrder(g))).to.deep.equal(ids([...g]));
      // An input that now reads a later node's output makes the graph unsorted again.
      const nodes = [...g];
      const first = nodes[0]!;
      const later = nodes[nodes.length - 1]!;
      if (first !== later) {
        first.replaceInput(0, later.outputs[0]!);
        let ref: Node[] | undefined;
        try {
          ref = referenceOrder(g);
        } catch {
          ref = undefined;
        }
        if (ref === undefined) expect(() => topologicalOrder(g)).to.throw(GraphCycleError);
        else expect(ids(topologicalOrder(g))).to.deep.equal(ids(ref));
        first.replaceInput(0, x);
        expect(ids(topologicalOrder(g))).to.deep.equal(ids(referenceOrder(g)));
      }
    }
  });

  it('notices every edit that can unsort a graph it found sorted', () => {
    const b = new GraphBuilder();
    const x = b.input('X', DataType.FLOAT, [2]);
    const y = b.op1('Relu', [x], { output: 'Y' });
    const z = b.op1('Neg', [y], { output: 'Z' });
    b.output(z);
    const g = b.graph;
    const [relu, neg] = [y.producer()!, z.producer()!];
    expect(ids(topologicalOrder(g))).to.deep.equal(ids([relu, neg]));
    // A move.
    g.moveBefore(neg, relu);
    expect(ids(topologicalOrder(g))).to.deep.equal(ids([relu, neg]));
    g.sortTopologically();
    // An insertion before a producer.
    const abs = new Node({ opType: 'Abs', inputs: [z], outputs: ['A'] });
    g.insertBefore(relu, abs);
    expect(ids(topologicalOrder(g))).to.deep.equal(ids([relu, neg, abs]));
    g.sortTopologically();
    // A new input reading a later node.
    const w = new Node({ opType: 'Sum', inputs: [x], outputs: ['W'] });
    g.insertBefore(relu, w);
    expect(ids(topologicalOrder(g))).to.deep.equal(ids([w, relu, neg, abs]));
    w.appendInput(abs.outputs[0]!);
    expect(ids(topologicalOrder(g))).to.deep.equal(ids([relu, neg, abs, w]));
  });

  it('notices a subgraph edit that makes the holder read a later value', () => {
    const b = new GraphBuilder();
    const x = b.input('X', DataType.FLOAT, [2]);
    const c = b.input('C', DataType.BOOL, []);
    const body = new Graph('then');
    const inner = new Node({ opType: 'Identity', inputs: [x], outputs: ['inner'] });
    body.append(inner);
    body.addOutput(inner.outputs[0]!);
    const iff = new Node({ opType: 'If', inputs: [c], outputs: ['r'], attributes: { then_branch: attr.graph(body) } });
    b.graph.append(iff);
    const late = b.op1('Neg', [x], { output: 'late' });
    b.output(iff.outputs[0]!);
    b.output(late);
    expect(ids(topologicalOrder(b.graph))).to.deep.equal(ids([iff, late.producer()!]));
    expect(ids(topologicalOrder(body))).to.deep.equal(ids([inner]));
    inner.replaceInput(0, late);
    expect(ids(topologicalOrder(b.graph))).to.deep.equal(ids([late.producer()!, iff]));
    // A subgraph attached to a node already in the graph counts too.
    const b2 = new GraphBuilder();
    const x2 = b2.input('X', DataType.FLOAT, [2]);
    const c2 = b2.input('C', DataType.BOOL, []);
    const iff2 = new Node({ opType: 'If', inputs: [c2], outputs: ['r'] });
    b2.graph.append(iff2);
    const late2 = b2.op1('Neg', [x2], { output: 'late' });
    b2.output(iff2.outputs[0]!);
    b2.output(late2);
    expect(ids(topologicalOrder(b2.graph))).to.deep.equal(ids([iff2, late2.producer()!]));
    const body2 = new Graph('then');
    const inner2 = new Node({ opType: 'Identity', inputs: [late2], outputs: ['inner'] });
    body2.append(inner2);
    body2.addOutput(inner2.outputs[0]!);
    iff2.setAttr('then_branch', attr.graph(body2));
    expect(ids(topologicalOrder(b2.graph))).to.deep.equal(ids([late2.producer()!, iff2]));
  });
});

describe('use lists', () => {
  it('keep insertion order through removals and re-additions, whatever the fan-out', () => {
    const b = new GraphBuilder();
    const x = b.input('X', DataType.FLOAT, [2]);
    const y = b.input('Y', DataType.FLOAT, [2]);
    const nodes: Node[] = [];
    for (let i = 0; i < 2000; i++) nodes.push(new Node({ opType: 'Neg', name: `n${i}`, inputs: [x], outputs: [`o${i}`] }));
    b.graph.append(nodes);
    expect(x.useCount).to.equal(2000);
    for (let i = 0; i < 2000; i += 2) nodes[i]!.replaceInput(0, y);
    expect(x.useCount).to.equal(1000);
    expect(x.uses().map((u) => u.node.name).slice(0, 3)).to.deep.equal(['n1', 'n3', 'n5']);
    nodes[1]!.replaceInput(0, y);
    nodes[1]!.replaceInput(0, x);
    expect(x.uses().map((u) => u.node.name).slice(-2)).to.deep.equal(['n1999', 'n1']);
    expect(x.consumers().length).to.equal(1000);
    x.replaceAllUsesWith(y);
    expect(x.useCount).to.equal(0);
    expect(x.uses()).to.deep.equal([]);
    expect(y.useCount).to.equal(2000);
    b.graph.remove(nodes);
    expect(y.useCount).to.equal(0);
  });

  it('refuse to list one use entry twice', () => {
    const x = new Value('x');
    const n = new Node({ opType: 'Neg', inputs: [x], outputs: ['y'] });
    const u = x.uses()[0]!;
    expect(() => new Value('z')._addUse(u)).to.throw(/twice/);
    expect(x.uses()[0]!.node).to.equal(n);
  });
});
