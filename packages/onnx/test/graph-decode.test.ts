import { expect } from 'chai';
import { implicitInputs } from '@mixprec/ir';
import { decodeModel, encodeModel, formatLoadError } from '../src/index.js';
import type { IGraphProto } from '../src/proto.js';
import { expectLosslessRoundTrip, f32Bytes, mustDecode, protoBytes, vi } from './helpers.js';

const model = (graph: IGraphProto, irVersion = 8): Uint8Array =>
  protoBytes({ irVersion, opsetImport: [{ domain: '', version: 13 }], graph });

describe('graph-decode: name resolution', () => {
  it('makes outer-scope captures real uses of the outer value (nested two levels)', () => {
    const inner: IGraphProto = { name: 'inner', node: [{ input: ['X', 'Y'], output: ['z'], opType: 'Add' }], output: [{ name: 'z' }] };
    const body: IGraphProto = {
      name: 'body',
      node: [{ input: ['c'], output: ['r'], opType: 'If', attribute: [{ name: 'then_branch', type: 5, g: inner }, { name: 'else_branch', type: 5, g: { name: 'e', output: [{ name: 'X' }] } }] }],
      output: [{ name: 'r' }],
    };
    const m = expectLosslessRoundTrip(model({
      node: [
        { input: ['X'], output: ['Y'], opType: 'Relu', name: 'relu' },
        { input: ['c'], output: ['out'], opType: 'If', name: 'outer_if', attribute: [{ name: 'then_branch', type: 5, g: body }, { name: 'else_branch', type: 5, g: { name: 'e2', output: [{ name: 'Y' }] } }] },
      ],
      input: [vi('X', 1, [2]), vi('c', 9, [])], output: [vi('out', 1, [2])],
    }));
    const [relu, outerIf] = m.graph.nodes();
    const x = m.graph.inputs[0]!;
    const y = relu!.outputs[0]!;
    const users = y.uses().map((u) => u.node.graph!.name);
    expect(users).to.deep.equal(['inner']);
    // X is read by `relu` in the (unnamed) main graph and captured two levels down.
    expect(x.uses().map((u) => u.node.graph!.name).sort()).to.deep.equal(['', 'inner']);
    expect(implicitInputs(outerIf!)).to.include.members([x, y]);
    // The else branch outputs an outer value directly.
    expect(outerIf!.getGraph('else_branch')!.outputs[0]).to.equal(y);
  });

  it('loads nodes out of topological order, keeping file order', () => {
    const m = expectLosslessRoundTrip(model({
      node: [
        { input: ['a'], output: ['Y'], opType: 'Relu', name: 'second' },
        { input: ['X'], output: ['a'], opType: 'Relu', name: 'first' },
      ],
      input: [vi('X', 1, [1])], output: [vi('Y', 1, [1])],
    }));
    const [second, first] = m.graph.nodes();
    expect(second!.name).to.equal('second');
    expect(second!.inputs[0]!.producer()).to.equal(first);
  });

  it('IR 3: an initializer also listed as a graph input is one value', () => {
    const m = expectLosslessRoundTrip(model({
      node: [{ input: ['X', 'W'], output: ['Y'], opType: 'Add' }],
      initializer: [{ name: 'W', dims: [1], dataType: 1, rawData: f32Bytes([2]) }],
      input: [vi('X', 1, [1]), vi('W', 1, [1])], output: [vi('Y', 1, [1])],
    }, 3));
    const w = m.graph.inputs[1]!;
    expect(w.isInitializer()).to.equal(true);
    expect(m.graph.initializers.get('W')).to.equal(w);
    expect(w.constValue!.dims).to.deep.equal([1]);
    expect(w.uses()).to.have.length(1);
  });

  it('loads opset-1 Cast with a string `to` as it is', () => {
    const m = expectLosslessRoundTrip(protoBytes({
      irVersion: 3, opsetImport: [{ domain: '', version: 1 }],
      graph: { node: [{ input: ['X'], output: ['Y'], opType: 'Cast', attribute: [{ name: 'to', type: 3, s: new TextEncoder().encode('FLOAT16') }] }], input: [vi('X', 1, [1])], output: [vi('Y', 10, [1])] },
    }));
    expect(m.graph.nodes()[0]!.getString('to')).to.equal('FLOAT16');
  });

  const errors: [string, IGraphProto, RegExp][] = [
    ['an input defined nowhere', { node: [{ input: ['nope'], output: ['Y'], opType: 'Relu', name: 'r1' }], output: [{ name: 'Y' }] }, /node 'r1' \(Relu\) reads 'nope'/],
    ['two producers of one name', { node: [{ input: ['X'], output: ['Y'], opType: 'Relu', name: 'a' }, { input: ['X'], output: ['Y'], opType: 'Relu', name: 'b' }], input: [vi('X', 1)], output: [{ name: 'Y' }] }, /'Y' is produced twice/],
    ['a node output named like a graph input', { node: [{ input: ['X'], output: ['X'], opType: 'Relu', name: 'a' }], input: [vi('X', 1)], output: [{ name: 'X' }] }, /'X' is produced twice/],
    ['an output defined nowhere', { input: [vi('X', 1)], output: [{ name: 'Q' }] }, /output 'Q' is not produced/],
    ['a duplicate attribute', { node: [{ input: ['X'], output: ['Y'], opType: 'LeakyRelu', name: 'l', attribute: [{ name: 'alpha', type: 1, f: 1 }, { name: 'alpha', type: 1, f: 2 }] }], input: [vi('X', 1)], output: [{ name: 'Y' }] }, /attribute 'alpha' twice/],
    ['a capture of a name defined nowhere, inside a subgraph', { node: [{ input: ['X'], output: ['Y'], opType: 'If', name: 'if', attribute: [{ name: 'then_branch', type: 5, g: { name: 'then', node: [{ input: ['ghost'], output: ['z'], opType: 'Relu', name: 'inner' }], output: [{ name: 'z' }] } }] }], input: [vi('X', 9)], output: [{ name: 'Y' }] }, /main graph > attribute 'then_branch' of node 'if' \(If\): node 'inner' \(Relu\) reads 'ghost'/],
  ];
  for (const [label, graph, re] of errors) {
    it(`rejects ${label} with a one-line error naming where`, () => {
      const r = decodeModel(model(graph), { file: 'm.onnx' });
      expect(r._tag).to.equal('Left');
      if (r._tag !== 'Left') return;
      expect(r.left._tag).to.equal('InvalidModel');
      expect(r.left.message).to.match(re);
      expect(formatLoadError(r.left)).to.match(/^m\.onnx: invalid model: /).and.not.include('\n');
    });
  }

  it('allows a subgraph to shadow an outer name (inner definition wins inside)', () => {
    const m = mustDecode(model({
      node: [{ input: ['c'], output: ['Y'], opType: 'If', attribute: [
        { name: 'then_branch', type: 5, g: { name: 't', node: [{ input: ['c'], output: ['X'], opType: 'Not' }, { input: ['X'], output: ['o'], opType: 'Identity' }], output: [{ name: 'o' }] } },
      ] }],
      input: [vi('c', 9), vi('X', 9)], output: [{ name: 'Y' }],
    }));
    const body = m.graph.nodes()[0]!.getGraph('then_branch')!;
    expect(body.nodes()[1]!.inputs[0]!.producer()).to.equal(body.nodes()[0]);
    expect(encodeModel(m).length).to.be.greaterThan(0);
  });
});
