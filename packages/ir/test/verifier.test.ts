import { expect } from 'chai';
import {
  DataType, FunctionDef, Graph, GraphBuilder, Model, Node, Tensor, Use, Value, attr, floatTensor, formatDiagnostics,
  tensorType, verify, type Diagnostic, type VerifyOptions,
} from '../src/index.js';

interface Base {
  m: Model;
  g: Graph;
  x: Value;
  y: Value;
  relu: Node;
  neg: Node;
}

/** main (float[2] X) => (float[2] Z) { Y = Relu(X); Z = Neg(Y) } */
function base(): Base {
  const b = new GraphBuilder();
  const x = b.input('X', DataType.FLOAT, [2]);
  const y = b.op1('Relu', [x], { name: 'relu', output: 'Y', type: tensorType(DataType.FLOAT, [2]) });
  const z = b.op1('Neg', [y], { name: 'neg', output: 'Z', type: tensorType(DataType.FLOAT, [2]) });
  b.output(z);
  const m = b.model({ opset: 17 });
  return { m, g: m.graph, x, y, relu: y.producer()!, neg: z.producer()! };
}

/** Adds `If(c)` whose branches are built by the callbacks, and returns the If node. */
function withIf(t: Base, then: (g: Graph) => void, els: (g: Graph) => void = (g) => g.addOutput(t.x)): Node {
  const c = new Value('c', tensorType(DataType.BOOL, []));
  t.g.addInput(c, 0);
  const g1 = new Graph('then_g');
  const g2 = new Graph('else_g');
  then(g1);
  els(g2);
  const n = new Node({ opType: 'If', name: 'if', inputs: [c], outputs: ['W'], attributes: { then_branch: attr.graph(g1), else_branch: attr.graph(g2) } });
  n.outputs[0]!.type = tensorType(DataType.FLOAT, [2]);
  t.g.append(n);
  t.g.addOutput(n.outputs[0]!);
  return n;
}

function codes(m: Model, options?: VerifyOptions): string[] {
  return verify(m, options).map((d) => d.code);
}

describe('verifier', () => {
  it('accepts a valid model, with subgraph captures and functions', () => {
    const t = base();
    withIf(t, (g) => {
      const n = new Node({ opType: 'Relu', name: 'inner', inputs: [t.y], outputs: ['t1'] });
      g.append(n);
      g.addOutput(n.outputs[0]!);
    });
    expect(verify(t.m)).to.deep.equal([]);
    expect(formatDiagnostics([])).to.equal('');
  });

  it('owner-mismatch: an input that belongs to another graph', () => {
    const t = base();
    t.x._owner = new Graph('elsewhere');
    expect(codes(t.m)).to.deep.equal(['owner-mismatch']);
  });

  it('producer-mismatch: an output whose producer slot is wrong', () => {
    const t = base();
    t.y._index = 3;
    expect(codes(t.m)).to.deep.equal(['producer-mismatch']);
  });

  it('multiple-definitions: one value in two input slots', () => {
    const t = base();
    t.g.addInput(t.x);
    expect(codes(t.m)).to.deep.equal(['multiple-definitions']);
  });

  it('duplicate-value-name: two values of one graph with the same name', () => {
    const t = base();
    t.g.addInput(new Value('Y', tensorType(DataType.FLOAT, [2])));
    expect(codes(t.m)).to.deep.equal(['duplicate-value-name']);
  });

  it('shadowed-value-name: a subgraph defines an outer name (siblings may reuse names)', () => {
    const t = base();
    const branch = (b: Base, name: string) => (g: Graph): void => {
      const n = new Node({ opType: 'Relu', inputs: [b.x], outputs: [name] });
      g.append(n);
      g.addOutput(n.outputs[0]!);
    };
    withIf(t, branch(t, 'Y'), branch(t, 'tmp'));
    expect(codes(t.m)).to.deep.equal(['shadowed-value-name']);
    const u = base();
    withIf(u, branch(u, 'tmp'), branch(u, 'tmp'));
    expect(codes(u.m)).to.deep.equal([]);
  });

  it('missing-use: an input slot without its use-list entry (also for subgraph captures)', () => {
    const t = base();
    for (const use of t.y.uses()) t.y._removeUse(use);
    expect(codes(t.m)).to.deep.equal(['missing-use']);
    const u = base();
    withIf(u, (g) => {
      const n = new Node({ opType: 'Relu', name: 'inner', inputs: [u.x], outputs: ['t1'] });
      g.append(n);
      g.addOutput(n.outputs[0]!);
    });
    for (const use of u.x.uses()) if (use.node.name === 'inner') u.x._removeUse(use);
    const ds = verify(u.m);
    expect(ds.map((d) => d.code)).to.deep.equal(['missing-use']);
    expect(ds[0]!.graph).to.equal('main/if.then_branch');
  });

  it('duplicate-use: a slot listed twice', () => {
    const t = base();
    t.y._addUse(new Use(t.neg, 0));
    expect(codes(t.m)).to.deep.equal(['duplicate-use']);
  });

  it('stale-use: a use by a node never inserted, or by a slot holding another value', () => {
    const t = base();
    void new Node({ opType: 'Abs', inputs: [t.y], outputs: ['dead'] });
    expect(codes(t.m)).to.deep.equal(['stale-use']);
    const u = base();
    u.x._addUse(new Use(u.neg, 0));
    expect(codes(u.m)).to.deep.equal(['stale-use']);
  });

  it('use-before-def: nodes out of topological order, including captures', () => {
    const t = base();
    t.g.moveBefore(t.neg, t.relu);
    const ds = verify(t.m);
    expect(ds.map((d) => d.code)).to.deep.equal(['use-before-def']);
    expect(ds[0]).to.include({ graph: 'main', node: 'neg', value: 'Y' });
    expect(ds[0]!.message).to.equal("Node 'neg' (Neg) in graph 'main' reads 'Y' (input 0) before it is defined; sort the graph topologically (Graph.sortTopologically)");
    const u = base();
    const z = u.neg.outputs[0]!;
    const ifNode = withIf(u, (g) => {
      const n = new Node({ opType: 'Relu', name: 'inner', inputs: [z], outputs: ['t1'] });
      g.append(n);
      g.addOutput(n.outputs[0]!);
    });
    u.g.moveBefore(ifNode, u.neg);
    expect(codes(u.m)).to.deep.equal(['use-before-def']);
  });

  it('out-of-scope-use: a branch reads a value of its sibling branch', () => {
    const t = base();
    let inElse: Value | undefined;
    withIf(t, (g) => {
      inElse = new Value('e1');
      g.addOutput(t.x);
    }, (g) => {
      const n = new Node({ opType: 'Relu', inputs: [t.x], outputs: [inElse!] });
      g.append(n);
      g.addOutput(inElse!);
    });
    t.g.first!.subgraphs(); // keep the API shape explicit: no hidden state
    const thenG = t.g.last!.getGraph('then_branch')!;
    const bad = new Node({ opType: 'Neg', name: 'reader', inputs: [inElse!], outputs: ['r'] });
    thenG.append(bad);
    expect(codes(t.m)).to.deep.equal(['out-of-scope-use']);
  });

  it('dangling-input: a value defined nowhere (or by a removed node)', () => {
    const t = base();
    t.neg.replaceInput(0, new Value('ghost'));
    expect(codes(t.m)).to.deep.equal(['dangling-input']);
  });

  it('undefined-output: a graph output defined nowhere', () => {
    const t = base();
    t.g.addOutput(new Value('ghost', tensorType(DataType.FLOAT, [2])));
    expect(codes(t.m)).to.deep.equal(['undefined-output']);
  });

  it('duplicate-node-name: across the graph tree, ignoring empty names', () => {
    const t = base();
    t.neg.name = 'relu';
    expect(codes(t.m)).to.deep.equal(['duplicate-node-name']);
    const u = base();
    u.neg.name = '';
    u.relu.name = '';
    expect(codes(u.m)).to.deep.equal([]);
  });

  it('duplicate-node-name names the graph of the first node of that name, for every repeat', () => {
    const t = base();
    const ident = (g: Graph, name: string, out: string): void => {
      g.append(new Node({ opType: 'Identity', name, inputs: [t.x], outputs: [out] }));
    };
    withIf(t, (g) => {
      ident(g, 'a', 't1');
      ident(g, 'neg', 't2');
      ident(g, 'a', 't3');
      g.addOutput(t.x);
    }, (g) => {
      ident(g, 'a', 'e1');
      ident(g, 'relu', 'e2');
      ident(g, 'b', 'e3');
      g.addOutput(t.x);
    });
    const pairs = verify(t.m).filter((d) => d.code === 'duplicate-node-name').map((d) => {
      const m = /Node name '([^']*)' is used twice, in graph '([^']*)' and in graph '([^']*)'/.exec(d.message)!;
      return [m[1], m[2], m[3]];
    });
    expect(pairs).to.deep.equal([
      ['neg', 'main', 'main/if.then_branch'],
      ['a', 'main/if.then_branch', 'main/if.then_branch'],
      ['a', 'main/if.then_branch', 'main/if.else_branch'],
      ['relu', 'main', 'main/if.else_branch'],
    ]);
  });

  it('subgraph-parent-mismatch: a graph attribute whose graph names no parent', () => {
    const t = base();
    const n = withIf(t, (g) => g.addOutput(t.x));
    n.getGraph('then_branch')!._setParent(undefined);
    expect(codes(t.m)).to.deep.equal(['subgraph-parent-mismatch']);
  });

  it('tensor-size-mismatch and tensor-read-failed for lazy tensors (read only when asked)', () => {
    const t = base();
    const src = { byteLength: 4, description: 'w.bin @ 0+4', read: (): Uint8Array => new Uint8Array(4) };
    const w = new Value('W', tensorType(DataType.FLOAT, [2]), Tensor.lazy(DataType.FLOAT, [2], src));
    t.g.addInitializer(w);
    expect(codes(t.m)).to.deep.equal(['tensor-size-mismatch']);
    const u = base();
    const broken = { byteLength: 8, description: 'gone.bin', read: (): Uint8Array => { throw new Error('file not found'); } };
    u.g.addInitializer(new Value('W', tensorType(DataType.FLOAT, [2]), Tensor.lazy(DataType.FLOAT, [2], broken)));
    expect(codes(u.m)).to.deep.equal([]);
    expect(codes(u.m, { checkTensorData: true })).to.deep.equal(['tensor-read-failed']);
    const v = base();
    const short = { byteLength: 8, description: 'short.bin', read: (): Uint8Array => new Uint8Array(4) };
    v.g.addInitializer(new Value('W', tensorType(DataType.FLOAT, [2]), Tensor.lazy(DataType.FLOAT, [2], short)));
    expect(codes(v.m, { checkTensorData: true })).to.deep.equal(['tensor-size-mismatch']);
  });

  it('initializer-type-mismatch: declared dtype or dims differ from the tensor', () => {
    const t = base();
    t.g.addInitializer(new Value('W', tensorType(DataType.FLOAT16, [2]), floatTensor([2], [1, 2])));
    t.g.addInitializer(new Value('V', tensorType(DataType.FLOAT, [3]), floatTensor([2], [1, 2])));
    t.g.addInitializer(new Value('U', tensorType(DataType.FLOAT, ['N']), floatTensor([2], [1, 2])));
    expect(codes(t.m)).to.deep.equal(['initializer-type-mismatch', 'initializer-type-mismatch']);
  });

  it('const-value-type-mismatch: a node output whose known constant disagrees with its type', () => {
    const t = base();
    t.y.constValue = floatTensor([3], [1, 2, 3]);
    expect(codes(t.m)).to.deep.equal(['const-value-type-mismatch']);
    t.y.constValue = floatTensor([2], [1, 2]);
    expect(codes(t.m)).to.deep.equal([]);
  });

  it('cast-missing-to, cast-to-mismatch and cast-like-mismatch', () => {
    const t = base();
    const c1 = new Node({ opType: 'Cast', name: 'c1', inputs: [t.y], outputs: [new Value('a', tensorType(DataType.FLOAT16, [2]))] });
    const c2 = new Node({ opType: 'Cast', name: 'c2', inputs: [t.y], outputs: [new Value('b', tensorType(DataType.FLOAT16, [2]))], attributes: { to: attr.int(DataType.BFLOAT16) } });
    const c3 = new Node({ opType: 'CastLike', name: 'c3', inputs: [t.y, c2.outputs[0]!], outputs: [new Value('d', tensorType(DataType.FLOAT, [2]))] });
    const ok = new Node({ opType: 'Cast', name: 'c4', inputs: [t.y], outputs: [new Value('e')], attributes: { to: attr.int(DataType.BFLOAT16) } });
    t.g.append([c1, c2, c3, ok]);
    const ds = verify(t.m);
    expect(ds.map((d) => d.code)).to.deep.equal(['cast-missing-to', 'cast-to-mismatch', 'cast-like-mismatch']);
    expect(ds[1]!.message).to.equal("Cast node 'c2' (Cast) in graph 'main' casts to BFLOAT16 but its output 'b' is typed FLOAT16; make them agree");
  });

  it('accepts the STRING `to` of Cast-1 (opsets 1-5) and checks it like the enum', () => {
    const t = base();
    t.m.opsetImports.set('', 5);
    const good = new Node({ opType: 'Cast', name: 'old1', inputs: [t.y], outputs: [new Value('s1', tensorType(DataType.FLOAT16, [2]))], attributes: { to: attr.string('FLOAT16') } });
    const bad = new Node({ opType: 'Cast', name: 'old2', inputs: [t.y], outputs: [new Value('s2', tensorType(DataType.INT32, [2]))], attributes: { to: attr.string('FLOAT') } });
    const junk = new Node({ opType: 'Cast', name: 'old3', inputs: [t.y], outputs: [new Value('s3')], attributes: { to: attr.string('QUATERNION') } });
    t.g.append([good, bad, junk]);
    expect(codes(t.m)).to.deep.equal(['cast-to-mismatch', 'cast-missing-to']);
  });

  it('missing-opset: a node domain that is not imported (function imports count)', () => {
    const t = base();
    t.relu.domain = 'com.microsoft';
    expect(codes(t.m)).to.deep.equal(['missing-opset']);
    const u = base();
    const body = new Graph('f');
    const p = new Value('p');
    body.addInput(p);
    const n = new Node({ opType: 'Gelu', domain: 'com.microsoft', inputs: [p], outputs: ['q'] });
    body.append(n);
    body.addOutput(n.outputs[0]!);
    const f = new FunctionDef('local', 'f', body);
    u.m.functions.push(f);
    const ds = verify(u.m);
    expect(ds.map((d) => d.code)).to.deep.equal(['missing-opset']);
    expect(ds[0]!.graph).to.equal('function local.f');
    f.opsetImports.set('com.microsoft', 1);
    expect(codes(u.m)).to.deep.equal([]);
    expect(codes(u.m, { functions: false })).to.deep.equal([]);
  });

  it('missing-io-type: main-graph inputs and outputs need types (subgraphs need not)', () => {
    const t = base();
    t.x.type = undefined;
    t.neg.outputs[0]!.type = undefined;
    expect(codes(t.m)).to.deep.equal(['missing-io-type', 'missing-io-type']);
  });

  it('skips subgraph contents with subgraphs: false', () => {
    const t = base();
    withIf(t, (g) => {
      const n = new Node({ opType: 'Relu', inputs: [new Value('ghost')], outputs: ['t1'] });
      g.append(n);
      g.addOutput(n.outputs[0]!);
    });
    expect(codes(t.m)).to.deep.equal(['dangling-input']);
    expect(codes(t.m, { subgraphs: false })).to.deep.equal([]);
  });

  it('takes linear time for a value with 100k uses and for a big subgraph in a big graph (found by fuzzing)', () => {
    // Both used to be quadratic: 100k uses of one value took minutes, a 10k-node If branch
    // inside a 10k-node graph over 7 s.
    const b = new GraphBuilder();
    const x = b.input('X', DataType.FLOAT, [2]);
    b.output(b.op1('Sum', Array.from({ length: 100_000 }, () => x), { output: 'S', type: tensorType(DataType.FLOAT, [2]) }));
    let t0 = performance.now();
    expect(codes(b.model({ opset: 17 }))).to.deep.equal([]);
    expect(performance.now() - t0, 'ms for 100k uses').to.be.below(3000);

    const chain = (g: Graph, from: Value, n: number, prefix: string): Value => {
      let v = from;
      for (let i = 0; i < n; i++) {
        const node = new Node({ opType: 'Relu', name: `${prefix}${i}`, inputs: [v], outputs: [`${prefix}v${i}`] });
        g.append(node);
        v = node.outputs[0]!;
      }
      return v;
    };
    const t = base();
    chain(t.g, t.x, 10_000, 'outer');
    withIf(t, (g) => g.addOutput(chain(g, t.x, 10_000, 'inner')));
    t0 = performance.now();
    expect(codes(t.m)).to.deep.equal([]);
    expect(performance.now() - t0, 'ms for a 10k-node branch in a 10k-node graph').to.be.below(3000);
  });

  it('keeps each diagnostic on one line when names hold line breaks or bidi overrides (found by fuzzing)', () => {
    const t = base();
    t.neg.replaceInput(0, new Value('gh\nost\u202e'));
    const text = formatDiagnostics(verify(t.m));
    expect(text.split('\n')).to.have.length(1);
    expect(text).to.include("reads 'gh\\nost\\u202e' (input 0)");
  });

  it('formats diagnostics one per line', () => {
    const t = base();
    t.neg.replaceInput(0, new Value('ghost'));
    const ds: Diagnostic[] = verify(t.m);
    expect(formatDiagnostics(ds)).to.equal("error [dangling-input] Node 'neg' (Neg) in graph 'main' reads 'ghost' (input 0), which no graph of the model defines; connect it to an input, initializer or node output");
  });

  describe('attributes against the op schema at the imported opset', () => {
    /** `base()` plus one node built by `make` from Y. */
    const withNode = (make: (y: Value) => Node, opset = 17): Base => {
      const t = base();
      t.m.opsetImports.set('', opset);
      t.g.append(make(t.y));
      return t;
    };

    it('missing-required-attribute: an If without then_branch (onnxruntime refuses it; found by fuzzing)', () => {
      const t = base();
      const n = withIf(t, (g) => g.addOutput(t.x));
      n.removeAttr('then_branch');
      const ds = verify(t.m);
      expect(ds.map((d) => d.code)).to.deep.equal(['missing-required-attribute']);
      expect(ds[0]!.message).to.equal("Node 'if' (If) in graph 'main' lacks the attribute 'then_branch' (GRAPH), which If-16 requires; add it");
      expect(ds[0]!.node).to.equal('if');
    });

    it('missing-required-attribute follows the opset: Gather-1 needs nothing, TopK-1 needs k, TopK-10 not', () => {
      const topk = (y: Value): Node => new Node({ opType: 'TopK', name: 'topk', inputs: [y], outputs: ['vals', 'idx'] });
      expect(codes(withNode(topk, 1).m)).to.deep.equal(['missing-required-attribute']);
      expect(codes(withNode(topk, 10).m)).to.deep.equal([]);
    });

    it('attribute-type-mismatch: LeakyRelu alpha as an INT, Cast-13 to as a STRING', () => {
      const t = withNode((y) => new Node({ opType: 'Relu', name: 'ok', inputs: [y], outputs: ['r'], attributes: { unknown_attr: attr.float(1) } }));
      expect(codes(t.m), 'attributes the schema does not know are not judged here').to.deep.equal([]);
      const c = withNode((y) => new Node({ opType: 'LeakyRelu', name: 'lr', inputs: [y], outputs: ['l'], attributes: { alpha: attr.int(1) } }));
      const ds = verify(c.m);
      expect(ds.map((d) => d.code)).to.deep.equal(['attribute-type-mismatch']);
      expect(ds[0]!.message).to.equal("Node 'lr' (LeakyRelu) in graph 'main' has attribute 'alpha' of type INT, but LeakyRelu-16 declares it FLOAT; fix its type");
      const cast = withNode((y) => new Node({ opType: 'Cast', name: 'c', inputs: [y], outputs: [new Value('h', tensorType(DataType.FLOAT16, [2]))], attributes: { to: attr.string('FLOAT16') } }));
      expect(codes(cast.m)).to.deep.equal(['attribute-type-mismatch']);
    });

    it('skips other domains, unknown ops, opsets beyond the table, Constant, and function attribute references', () => {
      const custom = withNode((y) => new Node({ opType: 'If', domain: 'com.example', name: 'x', inputs: [y], outputs: ['o'] }));
      custom.m.opsetImports.set('com.example', 1);
      expect(codes(custom.m)).to.deep.equal([]);
      expect(codes(withNode((y) => new Node({ opType: 'NoSuchOp', name: 'x', inputs: [y], outputs: ['o'] })).m)).to.deep.equal([]);
      expect(codes(withNode((y) => new Node({ opType: 'TopK', name: 'x', inputs: [y], outputs: ['o'], attributes: { axis: attr.float(1) } }), 99).m)).to.deep.equal([]);
      // onnxruntime reads a Constant's first attribute whatever its name or type (it never checks Constant).
      expect(codes(withNode(() => new Node({ opType: 'Constant', name: 'k', outputs: ['k'], attributes: { value: attr.floats([1]) } })).m)).to.deep.equal([]);
      const ref = withNode((y) => new Node({ opType: 'LeakyRelu', name: 'lr', inputs: [y], outputs: ['l'], attributes: { alpha: { type: 'INT', value: 0, refAttrName: 'a' } } }));
      expect(codes(ref.m)).to.deep.equal([]);
    });
  });
});

