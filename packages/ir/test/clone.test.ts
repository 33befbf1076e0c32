import { expect } from 'chai';
import {
  DataType, Graph, Node, Value, attr, cloneGraph, cloneModel, printModel, structuralHash, tensorType, verify,
  walkGraphs, walkNodes,
} from '../src/index.js';
import { randomModel } from './random-model.js';

describe('clone', () => {
  it('copies random models exactly: same text, same hash, still valid', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const m = randomModel(seed);
      const c = cloneModel(m);
      expect(printModel(c), `seed ${seed}`).to.equal(printModel(m));
      expect(structuralHash(c), `seed ${seed}`).to.equal(structuralHash(m));
      expect(verify(c), `seed ${seed}`).to.deep.equal([]);
    }
  });

  it('makes new graphs, nodes and values, and shares the immutable tensors', () => {
    let seed = 1;
    while (randomModel(seed).functions.length === 0) seed++;
    const m = randomModel(seed);
    const c = cloneModel(m);
    const origGraphs = new Set(walkGraphs(m, { functions: true }));
    const origNodes = new Set(walkNodes(m, { functions: true }));
    for (const g of walkGraphs(c, { functions: true })) expect(origGraphs.has(g)).to.equal(false);
    for (const n of walkNodes(c, { functions: true })) {
      expect(origNodes.has(n)).to.equal(false);
      for (const v of [...n.inputs, ...n.outputs]) if (v !== undefined) expect(v.graph()).to.not.equal(undefined);
    }
    for (const [name, v] of m.graph.initializers) {
      const cv = c.graph.initializers.get(name)!;
      expect(cv).to.not.equal(v);
      expect(cv.constValue).to.equal(v.constValue);
    }
    expect(c.metadataProps).to.not.equal(m.metadataProps);
    expect(c.functions[0]).to.not.equal(m.functions[0]);
  });

  it('leaves the original untouched when the clone is edited', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const m = randomModel(seed);
      const before = structuralHash(m);
      const text = printModel(m);
      const c = cloneModel(m);
      c.producerName = 'changed';
      c.metadataProps.set('new', 'x');
      for (const g of walkGraphs(c, { functions: true })) {
        g.name += '_c';
        g.metadataProps.set('c', '1');
        for (const v of g.inputs) v.name += '_c';
        for (const n of g.nodes()) {
          n.setAttr('added', attr.int(1));
          n.metadataProps.set('mixprec.accumulation', 'float');
          for (const o of n.outputs) o.type = tensorType(DataType.BFLOAT16);
          if (n.inputs.length > 0) n.replaceInput(0, undefined);
        }
        const first = g.first;
        if (first !== undefined && first.outputs.every((o) => !o.isGraphOutput() && o.useCount === 0)) g.remove(first);
      }
      for (const f of c.functions) f.attributeNames.push('zeta');
      expect(structuralHash(m), `seed ${seed}`).to.equal(before);
      expect(printModel(m), `seed ${seed}`).to.equal(text);
      expect(verify(m), `seed ${seed}`).to.deep.equal([]);
    }
  });

  it('cloneGraph of a subgraph shares captured outer values and fills the value map', () => {
    const outer = new Graph('main');
    const x = new Value('X', tensorType(DataType.FLOAT, [2]));
    outer.addInput(x);
    const body = new Graph('body');
    const inner = new Node({ opType: 'Relu', inputs: [x], outputs: ['r'] });
    body.append(inner);
    body.addOutput(inner.outputs[0]!);
    const holder = new Node({ opType: 'If', inputs: [], outputs: ['Y'], attributes: { then_branch: attr.graph(body) } });
    outer.append(holder);
    const map = new Map<Value, Value>();
    const copy = cloneGraph(body, { valueMap: map });
    expect(copy.first!.inputs[0]).to.equal(x);
    expect(x.useCount).to.equal(2);
    expect(map.get(inner.outputs[0]!)).to.equal(copy.outputs[0]);
    const seeded = new Map<Value, Value>([[x, new Value('X2')]]);
    expect(cloneGraph(body, { valueMap: seeded }).first!.inputs[0]!.name).to.equal('X2');
  });

  it('gives a value defined outside a cloned top graph a detached copy', () => {
    const g = new Graph('g');
    const ghost = new Value('ghost');
    const n = new Node({ opType: 'Neg', inputs: [ghost], outputs: ['y'] });
    g.append(n);
    g.addOutput(n.outputs[0]!);
    const c = cloneGraph(g);
    expect(c.first!.inputs[0]).to.not.equal(ghost);
    expect(c.first!.inputs[0]!.name).to.equal('ghost');
    expect(ghost.useCount).to.equal(1);
  });
});
