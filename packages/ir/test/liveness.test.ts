import { expect } from 'chai';
import { DataType, Graph, GraphBuilder, Node, Value, attr, deadNodes, type DeadNodes } from '../src/index.js';
import { randomModel } from './random-model.js';

/** The reference: reachability with a set of nodes, then a recursive sweep (inner graphs first). */
function referenceDead(root: Graph): DeadNodes[] {
  const live = new Set<Node>();
  const work: Node[] = [];
  const mark = (v: Value | undefined): void => {
    const p = v?.producer();
    if (p === undefined || live.has(p)) return;
    live.add(p);
    work.push(p);
  };
  for (const v of root.outputs) mark(v);
  while (work.length > 0) {
    const n = work.pop()!;
    for (const v of n.inputs) mark(v);
    for (const sg of n.subgraphs()) for (const v of sg.outputs) mark(v);
  }
  const out: DeadNodes[] = [];
  const sweep = (g: Graph): void => {
    const dead: Node[] = [];
    for (const n of g) {
      if (!live.has(n)) dead.push(n);
      else for (const sg of n.subgraphs()) sweep(sg);
    }
    if (dead.length > 0) out.push({ graph: g, nodes: dead });
  };
  sweep(root);
  return out;
}

describe('deadNodes', () => {
  it('agrees with a set-based reachability walk on random models with subgraphs and captures', () => {
    let withDead = 0;
    for (let seed = 0; seed < 150; seed++) {
      const m = randomModel(seed);
      const got = deadNodes(m.graph);
      const want = referenceDead(m.graph);
      expect(got.length, `seed ${seed}`).to.equal(want.length);
      got.forEach((d, i) => {
        expect(d.graph, `seed ${seed}`).to.equal(want[i]!.graph);
        expect(d.nodes, `seed ${seed}`).to.deep.equal(want[i]!.nodes);
      });
      if (got.length > 0) withDead++;
    }
    expect(withDead).to.be.greaterThan(10);
  });

  it('keeps nodes that only a live subgraph captures, drops dead cycles, lists inner graphs first', () => {
    const b = new GraphBuilder();
    const x = b.input('X', DataType.FLOAT, [2]);
    const c = b.input('C', DataType.BOOL, []);
    const captured = b.op1('Relu', [x], { output: 'cap' });
    const deadOuter = b.op1('Neg', [x], { output: 'dead' });
    // A then-branch reading `cap` from the enclosing graph, with one dead node of its own.
    const then = new Graph('then');
    const innerDead = new Node({ opType: 'Abs', inputs: [captured], outputs: ['inner_dead'] });
    const innerLive = new Node({ opType: 'Sigmoid', inputs: [captured], outputs: ['inner_out'] });
    then.append([innerDead, innerLive]);
    then.addOutput(innerLive.outputs[0]!);
    const els = new Graph('else');
    const e = new Node({ opType: 'Identity', inputs: [x], outputs: ['else_out'] });
    els.append(e);
    els.addOutput(e.outputs[0]!);
    const ifNode = new Node({ opType: 'If', inputs: [c], outputs: ['Y'], attributes: { then_branch: attr.graph(then), else_branch: attr.graph(els) } });
    b.graph.append(ifNode);
    b.output(ifNode.outputs[0]!);
    // A dead cycle: a reads b, b reads a (an invalid graph, still dead code).
    const va = new Value('ca');
    const vb = new Value('cb');
    const na = new Node({ opType: 'Add', inputs: [x, undefined], outputs: [va] });
    const nb = new Node({ opType: 'Relu', inputs: [va], outputs: [vb] });
    na.replaceInput(1, vb);
    b.graph.append([na, nb]);
    const dead = deadNodes(b.graph);
    expect(dead.map((d) => d.graph.name)).to.deep.equal(['then', b.graph.name]);
    expect(dead[0]!.nodes).to.deep.equal([innerDead]);
    expect(dead[1]!.nodes).to.deep.equal([deadOuter.producer()!, na, nb]);
    expect(deadNodes(b.graph)).to.deep.equal(dead); // the marks of one call do not leak into the next
  });

  it('lists nothing for a graph whose nodes all reach an output', () => {
    const b = new GraphBuilder();
    const x = b.input('X', DataType.FLOAT, [2]);
    b.output(b.op1('Neg', [b.op1('Relu', [x])]));
    expect(deadNodes(b.graph)).to.deep.equal([]);
    expect(b.graph.hasSubgraphNodes()).to.equal(false);
  });
});
