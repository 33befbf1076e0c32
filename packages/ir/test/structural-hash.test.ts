import { expect } from 'chai';
import {
  DataType, FunctionDef, Graph, GraphBuilder, Model, Node, Tensor, Value, attr, floatTensor, structuralHash,
  tensorType,
} from '../src/index.js';
import { Fnv64 } from '../src/structural-hash-fnv.js';
import { randomModel } from './random-model.js';

/** A model touching most of what the hash covers; built fresh on each call. */
function sample(): Model {
  const b = new GraphBuilder();
  const x = b.input('X', DataType.FLOAT, ['N', 2]);
  const c = b.input('c', DataType.BOOL, []);
  const w = b.initializer('W', floatTensor([2, 2], [1, 2, 3, 4]));
  const k = b.initializer('K', floatTensor([2], [0.5, 0.25]));
  const mm = b.op1('MatMul', [x, w], { name: 'mm', output: 'T', type: tensorType(DataType.FLOAT, ['N', 2]) });
  const add = b.op1('Add', [mm, k], { name: 'add', output: 'S', attrs: { alpha: attr.float(1.5), mode: attr.string('x'), axes: attr.ints([0, 1]) } });
  add.producer()!.metadataProps.set('mixprec.accumulation', 'float');
  const then = new Graph('then');
  const tn = new Node({ opType: 'Relu', name: 'inner', inputs: [add], outputs: ['r'], attributes: { beta: attr.int(2) } });
  then.append(tn);
  then.addOutput(tn.outputs[0]!);
  const els = new Graph('else');
  els.addOutput(mm);
  const y = b.op1('If', [c], { name: 'if', output: 'Y', attrs: { then_branch: attr.graph(then), else_branch: attr.graph(els) }, type: tensorType(DataType.FLOAT, ['N', 2]) });
  b.output(y);
  const m = b.model({ opset: 17, opsets: { local: 1 } });
  m.producerName = 'p';
  m.metadataProps.set('k', 'v');
  const body = new Graph('f');
  const p = new Value('p');
  body.addInput(p);
  const fn = new Node({ opType: 'Neg', inputs: [p], outputs: ['q'] });
  body.append(fn);
  body.addOutput(fn.outputs[0]!);
  const f = new FunctionDef('local', 'f', body);
  f.opsetImports.set('', 17);
  m.functions.push(f);
  return m;
}

function node(m: Model, name: string): Node {
  for (const g of [m.graph, m.graph.last!.getGraph('then_branch')!]) for (const n of g) if (n.name === name) return n;
  throw new Error(name);
}

describe('structuralHash', () => {
  it('uses FNV-1a 64 (published test vectors)', () => {
    const fnv = (text: string): string => {
      const h = new Fnv64();
      for (const b of new TextEncoder().encode(text)) h.byte(b);
      return h.hex();
    };
    expect(fnv('')).to.equal('cbf29ce484222325');
    expect(fnv('a')).to.equal('af63dc4c8601ec8c');
    expect(fnv('foobar')).to.equal('85944171f73967e8');
    const bulk = new Fnv64();
    bulk.bytes(new TextEncoder().encode('foobar'));
    const single = new Fnv64();
    single.u32(6);
    for (const b of new TextEncoder().encode('foobar')) single.byte(b);
    expect(bulk.hex()).to.equal(single.hex());
  });

  it('is 16 hex digits, equal for equal models and stable across runs', () => {
    const h = structuralHash(sample());
    expect(h).to.match(/^[0-9a-f]{16}$/);
    expect(structuralHash(sample())).to.equal(h);
    for (let seed = 1; seed <= 20; seed++) expect(structuralHash(randomModel(seed))).to.equal(structuralHash(randomModel(seed)));
  });

  const mutations: [string, (m: Model) => void][] = [
    ['a value name', (m) => { m.graph.inputs[0]!.name = 'X2'; }],
    ['a node name', (m) => { node(m, 'mm').name = 'mm2'; }],
    ['an op type', (m) => { node(m, 'add').opType = 'Sub'; }],
    ['a domain', (m) => { node(m, 'add').domain = 'local'; }],
    ['an overload', (m) => { node(m, 'add').overload = 'v2'; }],
    ['a float attribute by one ulp', (m) => { node(m, 'add').setAttr('alpha', attr.float(1.5000001)); }],
    ['a string attribute', (m) => { node(m, 'add').setAttr('mode', attr.string('y')); }],
    ['an ints attribute', (m) => { node(m, 'add').setAttr('axes', attr.ints([1, 0])); }],
    ['an attribute type (INT 2 → FLOAT 2)', (m) => { node(m, 'inner').setAttr('beta', attr.float(2)); }],
    ['an added attribute', (m) => { node(m, 'mm').setAttr('z', attr.int(0)); }],
    ['an attribute inside a subgraph', (m) => { node(m, 'inner').setAttr('beta', attr.int(3)); }],
    ['initializer bytes', (m) => { m.graph.initializers.get('W')!.constValue = floatTensor([2, 2], [1, 2, 3, 5]); }],
    ['initializer dims', (m) => { m.graph.initializers.get('W')!.constValue = floatTensor([4], [1, 2, 3, 4]); }],
    ['initializer order', (m) => {
      const w = m.graph.initializers.get('W')!;
      const t = w.constValue!;
      const users = w.uses();
      const fresh = new Value('W', w.type, t);
      for (const u of users) u.node.replaceInput(u.index, fresh);
      m.graph.removeInitializer(w);
      m.graph.addInitializer(fresh);
    }],
    ['a value type dim', (m) => { node(m, 'mm').outputs[0]!.type = tensorType(DataType.FLOAT, ['M', 2]); }],
    ['a value dtype', (m) => { node(m, 'mm').outputs[0]!.type = tensorType(DataType.FLOAT16, ['N', 2]); }],
    ['node metadata', (m) => { node(m, 'add').metadataProps.set('mixprec.accumulation', 'float16'); }],
    ['a node doc string', (m) => { node(m, 'add').docString = 'doc'; }],
    ['a value doc string', (m) => { m.graph.inputs[0]!.docString = 'doc'; }],
    ['graph metadata', (m) => { m.graph.metadataProps.set('g', '1'); }],
    ['a subgraph name', (m) => { m.graph.last!.getGraph('else_branch')!.name = 'other'; }],
    ['model metadata', (m) => { m.metadataProps.set('k', 'w'); }],
    ['the producer', (m) => { m.producerName = 'q'; }],
    ['an opset version', (m) => { m.opsetImports.set('', 18); }],
    ['the IR version', (m) => { m.irVersion = 9; }],
    ['input order of a node', (m) => { const n = node(m, 'mm'); const [a, b] = n.inputs; n.replaceInput(0, b); n.replaceInput(1, a); }],
    ['a use rewired to another value with the same name', (m) => {
      const n = node(m, 'add');
      const twin = new Value('T', tensorType(DataType.FLOAT, ['N', 2]));
      const dup = new Node({ opType: 'MatMul', name: 'dup', inputs: [...node(m, 'mm').inputs], outputs: [twin] });
      m.graph.insertAfter(node(m, 'mm'), dup);
      n.replaceInput(0, twin);
    }],
    ['node order', (m) => { m.graph.moveBefore(node(m, 'add'), node(m, 'mm')); }],
    ['an omitted input', (m) => { node(m, 'add').appendInput(undefined); }],
    ['graph outputs', (m) => { m.graph.addOutput(m.graph.inputs[0]!); }],
    ['a function body', (m) => { m.functions[0]!.graph.first!.opType = 'Abs'; }],
    ['a function attribute parameter', (m) => { m.functions[0]!.attributeNames.push('alpha'); }],
    ['a capture in a subgraph', (m) => { node(m, 'inner').replaceInput(0, node(m, 'mm').outputs[0]); }],
  ];

  for (const [what, mutate] of mutations) {
    it(`changes when ${what} changes`, () => {
      const m = sample();
      const before = structuralHash(m);
      mutate(m);
      expect(structuralHash(m)).to.not.equal(before);
    });
  }

  it('hashes lazy tensors by source and size unless asked to read them', () => {
    let bytes = new Uint8Array(Float32Array.of(1, 2).buffer);
    const lazy = Tensor.lazy(DataType.FLOAT, [2], { byteLength: 8, description: 'w.bin @ 0+8', read: () => bytes });
    const g = new Graph('g');
    g.addInitializer(new Value('W', tensorType(DataType.FLOAT, [2]), lazy));
    const h1 = structuralHash(g);
    const r1 = structuralHash(g, { readLazyTensors: true });
    bytes = new Uint8Array(Float32Array.of(1, 3).buffer);
    expect(structuralHash(g)).to.equal(h1);
    expect(structuralHash(g, { readLazyTensors: true })).to.not.equal(r1);
  });
});
