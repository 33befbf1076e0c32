import { expect } from 'chai';
import {
  DataType, FunctionDef, Graph, GraphBuilder, Model, Node, attr, countNodes, subgraphDepth, walkGraphs, walkNodes,
  Value, type WalkOptions,
} from '../src/index.js';

/** The walk as the generators it replaced did it: a node, then the nodes of its subgraphs. */
function* referenceNodes(root: Model | Graph, options: WalkOptions = {}): Generator<Node> {
  const deep = options.subgraphs !== false;
  const visit = function* (g: Graph): Generator<Node> {
    for (const n of g) {
      yield n;
      if (deep && n.hasSubgraphs()) for (const sg of n.subgraphs()) yield* visit(sg);
    }
  };
  if ('functions' in root) {
    yield* visit(root.graph);
    if (options.functions === true) for (const f of root.functions) yield* visit(f.graph);
  } else {
    yield* visit(root);
  }
}

/** A body graph with one Neg of `x` (a capture) and, when `depth` > 0, an If holding two such bodies. */
function body(name: string, x: Value, depth: number): Graph {
  const g = new Graph(name);
  const neg = new Node({ opType: 'Neg', name: `${name}_neg`, inputs: [x], outputs: [`${name}_y`] });
  g.append(neg);
  if (depth > 0) {
    const iff = new Node({
      opType: 'If', name: `${name}_if`, inputs: [x], outputs: [`${name}_r`],
      attributes: { then_branch: attr.graph(body(`${name}.t`, x, depth - 1)), else_branch: attr.graph(body(`${name}.e`, x, depth - 1)) },
    });
    g.append(iff);
  }
  g.addOutput(neg.outputs[0]!);
  return g;
}

function model(): { m: Model; x: Value } {
  const b = new GraphBuilder();
  const x = b.input('X', DataType.FLOAT, [2]);
  const a = b.op1('Relu', [x], { output: 'A' });
  const iff = new Node({
    opType: 'If', name: 'top_if', inputs: [x], outputs: ['R'],
    attributes: { then_branch: attr.graph(body('t', x, 2)), else_branch: attr.graph(body('e', x, 1)) },
  });
  b.graph.append(iff);
  const z = b.op1('Abs', [a], { output: 'Z' });
  b.output(z);
  const m = new Model(b.graph, { irVersion: 9, opsetImports: new Map([['', 17], ['local', 1]]) });
  m.functions.push(new FunctionDef('local', 'f', body('fn', new Value('p'), 1)));
  return { m, x };
}

const names = (it: Iterable<Node>): string[] => [...it].map((n) => n.name || n.opType);

describe('walkNodes and walkGraphs', () => {
  it('walk like the generators they replaced, with every option', () => {
    const { m } = model();
    const options: WalkOptions[] = [{}, { subgraphs: false }, { functions: true }, { functions: true, subgraphs: false }];
    for (const o of options) {
      expect(names(walkNodes(m, o))).to.deep.equal(names(referenceNodes(m, o)));
      expect(names(walkNodes(m.graph, o))).to.deep.equal(names(referenceNodes(m.graph, o)));
    }
    expect(countNodes(m)).to.equal([...referenceNodes(m)].length);
    expect([...walkGraphs(m, { functions: true })].map((g) => g.name)).to.deep.equal(['main', 't', 't.t', 't.t.t', 't.t.e', 't.e', 't.e.t', 't.e.e', 'e', 'e.t', 'e.e', 'fn', 'fn.t', 'fn.e']);
    expect(subgraphDepth(m.graph)).to.equal(3);
  });

  it('see edits made while walking: nodes inserted after the current one, removed nodes skipped, subgraphs set on the node just returned', () => {
    const run = (walk: (m: Model) => Iterable<Node>): string[] => {
      const { m, x } = model();
      const seen: string[] = [];
      for (const n of walk(m)) {
        seen.push(n.name || n.opType);
        if (n.opType === 'Relu') {
          n.graph!.insertAfter(n, new Node({ opType: 'Sin', name: 'inserted', inputs: [x], outputs: ['S'] }));
          n.setAttr('extra', attr.graph(body('late', x, 0)));
        }
        if (n.name === 't_neg') n.graph!.remove(n.next!);
      }
      return seen;
    };
    expect(run((m) => walkNodes(m))).to.deep.equal(run((m) => referenceNodes(m)));
    expect(run((m) => walkNodes(m))).to.include.members(['inserted', 'late_neg']);
  });

  it('stop early and can be closed', () => {
    const { m } = model();
    const it = walkNodes(m);
    expect(it.next().value?.name).to.equal(names(referenceNodes(m))[0]);
    expect(it.return(undefined).done).to.equal(true);
    expect(it.next().done).to.equal(true);
  });

  it('find subgraphs of nodes given graph attributes after insertion, and forget removed ones', () => {
    const b = new GraphBuilder();
    const x = b.input('X', DataType.FLOAT, [2]);
    const y = b.op1('Relu', [x], { output: 'Y' });
    b.output(y);
    const relu = y.producer()!;
    expect([...walkGraphs(b.graph)].length).to.equal(1);
    relu.setAttr('g', attr.graph(body('a', x, 0)));
    expect([...walkGraphs(b.graph)].map((g) => g.name)).to.deep.equal(['main', 'a']);
    relu.removeAttr('g');
    expect([...walkGraphs(b.graph)].length).to.equal(1);
    relu.setAttr('gs', attr.graphs([body('b', x, 0), body('c', x, 0)]));
    expect([...walkGraphs(b.graph)].map((g) => g.name)).to.deep.equal(['main', 'b', 'c']);
    const holder = new Node({ opType: 'If', inputs: [x], outputs: ['r'], attributes: { then_branch: attr.graph(body('d', x, 0)) } });
    b.graph.append(holder);
    expect([...walkGraphs(b.graph)].map((g) => g.name)).to.deep.equal(['main', 'b', 'c', 'd']);
    b.graph.remove(holder);
    relu.setAttr('gs', attr.int(1));
    expect([...walkGraphs(b.graph)].length).to.equal(1);
    expect(subgraphDepth(b.graph)).to.equal(0);
  });
});
