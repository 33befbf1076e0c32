import { expect } from 'chai';
import { DataType, Node, cloneModel, tensorType, walkGraphs, type Graph, type Model } from '@mixprec/ir';
import { encodeModel } from '../src/index.js';
import { valueInfoBytes, writeRecordedValueInfo } from '../src/value-info-list.js';
import { Wire } from '../src/wire.js';
import { mustDecode, protoBytes, vi } from './helpers.js';

const FLOAT = 1;

/** A chain X → v0 → … → v(n-1) → Y of Relu nodes with a value_info list that has every kind of entry. */
function chainModel(n: number, rand: () => number): Model {
  const node: Record<string, unknown>[] = [];
  const valueInfo: Record<string, unknown>[] = [];
  for (let i = 0; i < n; i++) {
    const out = i === n - 1 ? 'Y' : `v${i}`;
    node.push({ opType: 'Relu', input: [i === 0 ? 'X' : `v${i - 1}`], output: [out], name: `n${i}` });
    const r = rand();
    if (out === 'Y') continue;
    if (r < 0.6) valueInfo.push(vi(out, FLOAT, [i + 1]));
    else if (r < 0.7) valueInfo.push(vi(`ghost${i}`, FLOAT, [1])); // names no value: an extra
    else if (r < 0.8) valueInfo.push(vi(out, FLOAT, [i + 1]), vi(out, FLOAT, [i + 2])); // a second, differing entry: verbatim
    else if (r < 0.85) valueInfo.push(vi(out, FLOAT, [i + 1]), vi(out, FLOAT, [i + 1])); // listed twice
  }
  if (rand() < 0.5) valueInfo.push(vi('W', FLOAT, [1])); // an initializer listed too
  valueInfo.sort(() => rand() - 0.5);
  return mustDecode(protoBytes({
    irVersion: 8, opsetImport: [{ version: 17 }],
    graph: {
      name: 'g', node, valueInfo,
      input: [vi('X', FLOAT, [1])], output: [vi('Y', FLOAT, [n])],
      initializer: [{ name: 'W', dataType: FLOAT, dims: [1], floatData: [1] }],
    },
  }));
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** The graph's listing through the recorded values (when they apply) and through names only. */
function listings(g: Graph): { fast: Buffer; reference: Buffer; applied: boolean } {
  const w = new Wire();
  const applied = writeRecordedValueInfo(g, w);
  return { fast: Buffer.from(valueInfoBytes(g)), reference: Buffer.from(valueInfoBytes(g, false)), applied };
}

function expectSame(m: Model, what: string): boolean[] {
  const applied: boolean[] = [];
  for (const g of walkGraphs(m)) {
    const l = listings(g);
    expect(l.fast.equals(l.reference), `${what}: value_info of graph '${g.name}'`).to.equal(true);
    applied.push(l.applied);
  }
  return applied;
}

const nodesOf = (g: Graph): Node[] => g.nodes();

/** One random edit of the kinds passes make. */
function mutate(m: Model, rand: () => number): string {
  const g = m.graph;
  const nodes = nodesOf(g);
  const n = nodes[Math.floor(rand() * (nodes.length - 1))]!;
  const out = n.outputs[0]!;
  switch (Math.floor(rand() * 7)) {
    case 0: // rename
      out.name = `${out.name}_renamed`;
      return 'rename';
    case 1: { // remove a node (its consumers read its input)
      out.replaceAllUsesWith(n.inputs[0]!);
      g.remove(n);
      return 'remove';
    }
    case 2: { // replace by a new value of the same name
      const name = out.name;
      out.name = `${name}_old`;
      const c = new Node({ opType: 'Neg', inputs: [out], outputs: [name] });
      c.outputs[0]!.type = tensorType(DataType.FLOAT16, [3]);
      g.insertAfter(n, c);
      for (const u of out.uses()) if (u.node !== c) u.node.replaceInput(u.index, c.outputs[0]!);
      return 'replace';
    }
    case 3: { // a new typed value (a Cast)
      const c = new Node({ opType: 'Cast', inputs: [out], outputs: [g.names.freshValueName(`${out.name}_cast`)] });
      c.outputs[0]!.type = tensorType(DataType.FLOAT16, [1]);
      g.insertAfter(n, c);
      return 'add';
    }
    case 4: { // a new value taking the name of an extra, or a duplicate name
      const extra = g.valueInfoExtras[0];
      const c = new Node({ opType: 'Identity', inputs: [out], outputs: [extra !== undefined && rand() < 0.5 ? extra.name : out.name] });
      c.outputs[0]!.type = tensorType(DataType.FLOAT, [1]);
      g.append(c);
      return 'name clash';
    }
    case 5: // a type change (a recorded entry that disagrees may no longer be written)
      out.type = tensorType(DataType.FLOAT16, out.shape === undefined ? undefined : [...out.shape]);
      return 'retype';
    default: // type removed
      out.type = undefined;
      return 'untype';
  }
}

describe('value_info listing through the values recorded at load', () => {
  it('is used for a loaded graph and lists what the name lookup lists', () => {
    const m = chainModel(40, rng(1));
    expect(expectSame(m, 'as loaded')).to.deep.equal([true]);
    // Values removed since (as dead-code elimination does) keep the fast path.
    const g = m.graph;
    const n = nodesOf(g)[5]!;
    n.outputs[0]!.replaceAllUsesWith(n.inputs[0]!);
    g.remove(n);
    expect(expectSame(m, 'node removed')).to.deep.equal([true]);
  });

  it('lists the same after a rename, a rename onto a removed name, a name clash and a removed input; a clone falls back', () => {
    const cases: [string, (m: Model) => void][] = [
      ['rename', (m) => { nodesOf(m.graph)[3]!.outputs[0]!.name = 'other'; }],
      ['rename onto a removed name', (m) => {
        const [a, b] = nodesOf(m.graph);
        b!.outputs[0]!.replaceAllUsesWith(a!.outputs[0]!);
        m.graph.remove(b!);
        a!.outputs[0]!.name = 'v1';
      }],
      ['duplicate name', (m) => {
        const c = new Node({ opType: 'Identity', inputs: [m.graph.inputs[0]!], outputs: ['v2'] });
        c.outputs[0]!.type = tensorType(DataType.FLOAT, [9]);
        m.graph.prepend(c);
      }],
      ['input removed', (m) => {
        const x = m.graph.inputs[0]!;
        m.graph.removeInput(x);
        const c = new Node({ opType: 'Constant', outputs: [x.name === 'X' ? 'X2' : 'X'] });
        m.graph.prepend(c);
        for (const u of x.uses()) u.node.replaceInput(u.index, c.outputs[0]!);
      }],
    ];
    for (const [what, edit] of cases) {
      const m = chainModel(30, rng(7));
      edit(m);
      expectSame(m, what);
    }
    const clone = cloneModel(chainModel(30, rng(9)));
    expect(expectSame(clone, 'clone')).to.deep.equal([false]);
  });

  it('a graph built with the IR API (no recorded values) lists the same', () => {
    const m = chainModel(10, rng(3));
    m.graph.extras = undefined;
    expect(expectSame(m, 'no extras')).to.deep.equal([true]);
  });

  it('gives the same bytes as the name lookup on 300 randomly edited graphs', () => {
    const rand = rng(42);
    let fast = 0;
    for (let k = 0; k < 300; k++) {
      const m = chainModel(8 + Math.floor(rand() * 30), rand);
      const edits: string[] = [];
      const count = Math.floor(rand() * 5);
      for (let e = 0; e < count; e++) edits.push(mutate(m, rand));
      if (expectSame(m, `case ${k} (${edits.join(', ')})`)[0] === true) fast++;
      // The whole model encodes the same through both listings (encodeModel uses the fast one).
      expect(encodeModel(m).length).to.be.greaterThan(0);
    }
    expect(fast, 'cases on the fast path').to.be.greaterThan(50).and.lessThan(300);
  });

  it('subgraphs have their own recorded values', () => {
    const branch = (name: string, out: string): Record<string, unknown> => ({
      name, node: [{ opType: 'Relu', input: ['X'], output: [`${out}_t`] }, { opType: 'Relu', input: [`${out}_t`], output: [out] }],
      output: [vi(out, FLOAT, [1])], valueInfo: [vi(`${out}_t`, FLOAT, [1])],
    });
    const m = mustDecode(protoBytes({
      irVersion: 8, opsetImport: [{ version: 17 }],
      graph: {
        name: 'g', input: [vi('X', FLOAT, [1]), vi('C', 9, [])], output: [vi('Y', FLOAT, [1])],
        node: [{
          opType: 'If', input: ['C'], output: ['Y'],
          attribute: [{ name: 'then_branch', type: 5, g: branch('then', 'a') }, { name: 'else_branch', type: 5, g: branch('else', 'b') }],
        }],
      },
    }));
    expect(expectSame(m, 'If')).to.deep.equal([true, true, true]);
    const sub = nodesOf(m.graph)[0]!.subgraphs()[0]!;
    // A rename whose old name is not reused keeps the fast path (the entry is dropped, the value listed with the new ones).
    nodesOf(sub)[0]!.outputs[0]!.name = 'renamed';
    expect(expectSame(m, 'If, renamed in a branch')).to.deep.equal([true, true, true]);
    // A value named like a recorded one does not.
    const c = new Node({ opType: 'Identity', inputs: [nodesOf(sub)[0]!.outputs[0]!], outputs: ['a_t'] });
    c.outputs[0]!.type = tensorType(DataType.FLOAT, [2]);
    sub.append(c);
    expect(expectSame(m, 'If, a recorded name reused in a branch')).to.deep.equal([true, false, true]);
  });
});
