import { expect } from 'chai';
import {
  DataType, formatParseError, parseGraph, parseModel, printModel, tensorToNumbers, verify, type Graph, type Model,
  type ParseError,
} from '../src/index.js';

function model(text: string): Model {
  const r = parseModel(text);
  if (r._tag === 'Left') throw new Error(formatParseError(r.left));
  return r.right;
}

function graph(text: string): Graph {
  const r = parseGraph(text);
  if (r._tag === 'Left') throw new Error(formatParseError(r.left));
  return r.right;
}

function error(text: string): ParseError {
  const r = parseModel(text);
  if (r._tag === 'Right') throw new Error('expected a parse error');
  return r.left;
}

describe('parser', () => {
  describe('standard ONNX syntax', () => {
    it('reads a model with header, initializers, value infos and comments', () => {
      const m = model(`
        <
          ir_version: 7,
          opset_import: [ "" : 13, "ai.onnx.ml" : 2 ],
          producer_name: "test", producer_version: "1.0", domain: "ai.test", model_version: 3,
          doc_string: "A model.", metadata_props: [ "k" : "v", "k2" : "v2" ]
        >
        agraph (float[N, 128] X, float[128,10] W) => (float[N, 10] C)  # signature
        <float[10] B = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, float[N,10] T>
        {
            # a comment line
            T = MatMul(X, W)   # trailing comment
            S = Add(T, B)
            C = Softmax <axis = 1> (S)
        }`);
      expect(m.irVersion).to.equal(7);
      expect([...m.opsetImports]).to.deep.equal([['', 13], ['ai.onnx.ml', 2]]);
      expect([m.producerName, m.producerVersion, m.domain, m.modelVersion, m.docString]).to.deep.equal(['test', '1.0', 'ai.test', 3, 'A model.']);
      expect([...m.metadataProps]).to.deep.equal([['k', 'v'], ['k2', 'v2']]);
      const g = m.graph;
      expect(g.name).to.equal('agraph');
      expect(g.nodes().map((n) => n.opType)).to.deep.equal(['MatMul', 'Add', 'Softmax']);
      expect(tensorToNumbers(g.initializers.get('B')!.constValue!)).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      const t = g.first!.outputs[0]!;
      expect(t.type).to.deep.equal({ kind: 'tensor', dtype: DataType.FLOAT, shape: ['N', 10] });
      expect(t.uses().map((u) => u.node.opType)).to.deep.equal(['Add']);
      expect(g.last!.getInt('axis')).to.equal(1);
      expect(verify(m)).to.deep.equal([]);
    });

    it('reads types: scalars, unknown rank, unknown dims, seq/map/optional/sparse/opaque', () => {
      const g = graph('g (float a, float[] b, float[N,?,3] c, seq(float[N]) d, map(int32, float[N]) e, optional(float) f, sparse_tensor(float[1000]) h, opaque(com.x, RNG) i, opaque(test.rng.RNG) j) => () {}');
      expect(g.inputs.map((v) => v.type)).to.deep.equal([
        { kind: 'tensor', dtype: DataType.FLOAT, shape: [] },
        { kind: 'tensor', dtype: DataType.FLOAT },
        { kind: 'tensor', dtype: DataType.FLOAT, shape: ['N', undefined, 3] },
        { kind: 'sequence', elem: { kind: 'tensor', dtype: DataType.FLOAT, shape: ['N'] } },
        { kind: 'map', keyType: DataType.INT32, valueType: { kind: 'tensor', dtype: DataType.FLOAT, shape: ['N'] } },
        { kind: 'optional', elem: { kind: 'tensor', dtype: DataType.FLOAT, shape: [] } },
        { kind: 'sparse_tensor', dtype: DataType.FLOAT, shape: [1000] },
        { kind: 'opaque', domain: 'com.x', name: 'RNG' },
        { kind: 'opaque', domain: '', name: 'test.rng.RNG' },
      ]);
    });

    it('reads attributes of every standard form, before or after the inputs', () => {
      const g = graph(`g (float y, float z) => () {
        x = foo <a = 100, b = 200.5, c = "astring", d = [5, 10], e = [0.55, 0.66], f = ["s1", "s2"], t = float[3] {2.1, 4.1, 6.1}, r : ints = @xyz, n = -3, fl : float = 2> (y, z)
        w = bar (x, y) <k = 1e-3, i = inf, m = -nan>
      }`);
      const [x, w] = g.nodes();
      expect([...x!.attributes.keys()]).to.deep.equal(['a', 'b', 'c', 'd', 'e', 'f', 't', 'r', 'n', 'fl']);
      expect(x!.getInt('a')).to.equal(100);
      expect(x!.getFloat('b')).to.equal(200.5);
      expect(x!.getString('c')).to.equal('astring');
      expect(x!.getInts('d')).to.deep.equal([5, 10]);
      expect(x!.getFloats('e')).to.deep.equal([Math.fround(0.55), Math.fround(0.66)]);
      expect(x!.getStrings('f')).to.deep.equal(['s1', 's2']);
      expect(x!.getTensor('t')!.dims).to.deep.equal([3]);
      expect(x!.attributes.get('r')).to.include({ type: 'INTS', refAttrName: 'xyz' });
      expect(x!.getInt('n')).to.equal(-3);
      expect(x!.attributes.get('fl')).to.deep.equal({ type: 'FLOAT', value: 2 });
      expect(w!.getFloat('k')).to.equal(Math.fround(1e-3));
      expect(w!.getFloat('i')).to.equal(Infinity);
      expect(Number.isNaN(w!.getFloat('m'))).to.equal(true);
    });

    it('reads attributes typed the way the ONNX printer writes them', () => {
      const g = graph(`g (bool c, float x) => () {
        y = Op <axis: int = 1, alpha: float = 2, fs: floats = [1, 2], pads: ints = [1, 1], s: string = "a", v: tensor = float[1] {1}, tp: type_proto = float[2], h: tensor = float16[2] {15360, 0}> (x)
        z = If (c) <then_branch: graph = t () => (x) {}, else_branch: graph = e () => (x) {}>
      }`);
      const [y, z] = g.nodes();
      expect(y!.attributes.get('alpha')).to.deep.equal({ type: 'FLOAT', value: 2 });
      expect(y!.attributes.get('fs')).to.deep.equal({ type: 'FLOATS', value: [1, 2] });
      expect(y!.attributes.get('tp')).to.deep.equal({ type: 'TYPE_PROTO', value: { kind: 'tensor', dtype: DataType.FLOAT, shape: [2] } });
      expect([...(y!.getTensor('h')!.data as Uint16Array)]).to.deep.equal([0x3c00, 0]);
      expect(z!.subgraphs().map((sg) => sg.name)).to.deep.equal(['t', 'e']);
    });

    it('reads omitted inputs and outputs as ONNX does', () => {
      const g = graph('g (float a, float b) => () { x, "", z = Op(a, "", b) \n q = Op(, a) \n r = Op(a,) \n = Op () }');
      const [n1, n2, n3, n4] = g.nodes();
      expect(n1!.outputs.map((o) => o.name)).to.deep.equal(['x', '', 'z']);
      expect(n1!.inputs.map((v) => v?.name)).to.deep.equal(['a', undefined, 'b']);
      expect(n2!.inputs.map((v) => v?.name)).to.deep.equal([undefined, 'a']);
      expect(n3!.inputs.map((v) => v?.name)).to.deep.equal(['a']);
      expect(n4!.outputs).to.have.length(0);
    });

    it('reads node names, domains, overloads and quoted ids', () => {
      const g = graph('"a graph" (float "in put") => () { [n1] y = com.example.foo:v2 ("in put") \n ["node 2"] "out put" = "my-dom".Bar(y) }');
      const [a, b] = g.nodes();
      expect(g.name).to.equal('a graph');
      expect([a!.name, a!.domain, a!.opType, a!.overload]).to.deep.equal(['n1', 'com.example', 'foo', 'v2']);
      expect([b!.name, b!.domain, b!.opType, b!.outputs[0]!.name]).to.deep.equal(['node 2', 'my-dom', 'Bar', 'out put']);
    });

    it('reads initializers given as input defaults (IR < 4) and external data', () => {
      const g = graph('g (float y = {1.0}, float[N] z) => () <float[2] w = ["location": "w.bin", "offset": "16", "length": "8", "x": "y"]> {}');
      const y = g.inputs[0]!;
      expect(y.isGraphInput() && y.isInitializer()).to.equal(true);
      expect(tensorToNumbers(y.constValue!)).to.deep.equal([1]);
      const w = g.initializers.get('w')!.constValue!;
      expect(w.isLazy).to.equal(true);
      expect(w.meta.external).to.deep.equal({ location: 'w.bin', offset: 16, length: 8, extra: [['x', 'y']] });
      expect(() => w.data).to.throw(/external file 'w.bin'/);
    });

    it('reads functions with attribute parameters, defaults and references', () => {
      const m = model(`
        <ir_version: 9, opset_import: [ "" : 15, "custom" : 1]>
        agraph (float[N] x) => (float[N] out) { out = custom.foo<alpha=2.0, gamma=3.0>(x) }
        <domain: "custom", opset_import: [ "" : 15], doc_string: "function foo">
        foo <alpha: float=4.0, gamma> (X) => (C) {
          ca = Constant<value_float: float=@alpha>()
          C = Mul(ca, X)
        }`);
      const f = m.functions[0]!;
      expect([f.domain, f.name, f.docString, f.attributeNames]).to.deep.equal(['custom', 'foo', 'function foo', ['gamma']]);
      expect(f.attributeDefaults.get('alpha')).to.deep.equal({ type: 'FLOAT', value: 4 });
      expect(f.graph.first!.attributes.get('value_float')).to.include({ type: 'FLOAT', refAttrName: 'alpha' });
      expect(f.graph.inputs.map((v) => v.name)).to.deep.equal(['X']);
      expect(verify(m)).to.deep.equal([]);
    });
  });

  describe('scopes', () => {
    it('resolves subgraph names to inner values first, then captures outer values', () => {
      const m = model(`<ir_version: 8, opset_import: ["" : 17]>
        main (bool b, float[2] X) => (float[2] Z) {
          Z = If (b) <
            then_branch = g1 () => (float[2] t) { t = Relu(X) },
            else_branch = g2 () => (float[2] X2) { X2 = Identity(X) }
          >
        }`);
      const x = m.graph.inputs[1]!;
      expect(x.uses().map((u) => u.node.opType).sort()).to.deep.equal(['Identity', 'Relu']);
      expect(x.uses().every((u) => u.node.graph !== m.graph)).to.equal(true);
      expect(verify(m)).to.deep.equal([]);
    });

    it('accepts a forward use and leaves ordering to the verifier', () => {
      const m = model('<ir_version: 8, opset_import: ["" : 17]> main (float X) => (float Z) { Z = Neg(Y) \n Y = Relu(X) }');
      expect(verify(m).map((d) => d.code)).to.deep.equal(['use-before-def']);
    });

    it('reports undefined names, or accepts them with allowUndefinedValues', () => {
      const e = error('<ir_version: 8>\nmain (float X) => (float Y) {\n  Y = Add(X, W)\n}');
      expect([e.line, e.column, e.context]).to.deep.equal([3, 14, '  Y = Add(X, W)']);
      expect(e.message).to.match(/'W' is not defined in graph 'main'/);
      const r = parseModel('<ir_version: 8, opset_import: ["" : 17]>\nmain (float X) => (float Y) {\n  Y = Add(X, W)\n}', { allowUndefinedValues: true });
      expect(r._tag).to.equal('Right');
      if (r._tag === 'Right') expect(verify(r.right).map((d) => d.code)).to.deep.equal(['dangling-input']);
    });

    it('reports a name defined twice in one graph', () => {
      const e = error('<ir_version: 8>\nmain (float X) => (float Y) {\n  Y = Relu(X)\n  Y = Neg(X)\n}');
      expect([e.line, e.column]).to.deep.equal([4, 3]);
      expect(e.message).to.match(/'Y' is defined twice .*line 3, column 3/);
    });
  });

  describe('mixprec extensions', () => {
    it('attaches #@ annotations to the next node, value or graph', () => {
      const m = model(`<ir_version: 8, opset_import: ["" : 17]>
        #@ doc_string: "main graph", metadata_props: ["g": "1"]
        main (
          #@ doc_string: "input"
          float X
        ) => (float Y) <
          #@ metadata_props: ["vk": "vv"]
          float T
        > {
          # an ordinary comment
          #@ metadata_props: ["mixprec.accumulation": "float"]
          #@ doc_string: "two lines merge"
          T = Relu(X)
          Y = Neg(T)
        }`);
      const g = m.graph;
      expect([g.docString, [...g.metadataProps]]).to.deep.equal(['main graph', [['g', '1']]]);
      expect(g.inputs[0]!.docString).to.equal('input');
      const relu = g.first!;
      expect([...relu.metadataProps]).to.deep.equal([['mixprec.accumulation', 'float']]);
      expect(relu.docString).to.equal('two lines merge');
      expect([...relu.outputs[0]!.metadataProps!]).to.deep.equal([['vk', 'vv']]);
      expect(g.last!.docString).to.equal(undefined);
    });

    it('reads FLOAT16/BFLOAT16 float literals as values and integers as bit patterns', () => {
      const g = graph('g () => () <float16[5] h = {1.0, 15360, -0.0, inf, -nan}, bfloat16[2] b = {1.5, 16320}> {}');
      expect([...(g.initializers.get('h')!.constValue!.data as Uint16Array)]).to.deep.equal([0x3c00, 0x3c00, 0x8000, 0x7c00, 0xfe00]);
      expect([...(g.initializers.get('b')!.constValue!.data as Uint16Array)]).to.deep.equal([0x3fc0, 16320]);
    });

    it('reads sparse constants, sub-byte types, strings with escapes and int64 extremes exactly', () => {
      const g = graph(`g () => () <
        sparse_tensor(float[4,4]) s = {values: float[2] {1, 2}, indices: int64[2] {0, 5}},
        int4[3] q = {-1, -8, 7}, string[2] t = {"a\\nb", "\\xFF\\x41"},
        int64[2] i = {-9223372036854775808, 9223372036854775807}, uint64[1] u = {18446744073709551615}
      > {}`);
      const s = g.sparseInitializers.get('s')!.sparseValue!;
      expect([s.dims, tensorToNumbers(s.values), tensorToNumbers(s.indices)]).to.deep.equal([[4, 4], [1, 2], [0, 5]]);
      expect([...(g.initializers.get('q')!.constValue!.data as Uint8Array)]).to.deep.equal([0x8f, 0x07]);
      const t = g.initializers.get('t')!.constValue!.data as Uint8Array[];
      expect(t.map((b) => [...b])).to.deep.equal([[0x61, 0x0a, 0x62], [0xff, 0x41]]);
      expect([...(g.initializers.get('i')!.constValue!.data as BigInt64Array)]).to.deep.equal([-(2n ** 63n), 2n ** 63n - 1n]);
      expect([...(g.initializers.get('u')!.constValue!.data as BigUint64Array)]).to.deep.equal([2n ** 64n - 1n]);
    });

    it('reads lists of tensors, graphs and types, and value infos without types', () => {
      const g = graph(`g (float x) => () <v> {
        v = Op <ts: tensors = [float[1] {1}, int64[2] {1, 2}], gs: graphs = [a () => (x) {}, b () => () {}], tp: type_protos = [float, seq(int64[])], e: strings = []> (x)
      }`);
      const n = g.first!;
      expect(n.attributes.get('ts')!.type).to.equal('TENSORS');
      expect(n.subgraphs().map((s) => s.name)).to.deep.equal(['a', 'b']);
      expect(n.attributes.get('tp')!.value).to.have.length(2);
      expect(n.attributes.get('e')).to.deep.equal({ type: 'STRINGS', value: [] });
      expect(g.valueInfoExtras).to.deep.equal([]);
      expect(n.outputs[0]!.type).to.equal(undefined);
    });
  });

  describe('errors', () => {
    const cases: [string, string, number, number, RegExp][] = [
      ['missing =>', 'main (float X) (float Y) {}', 1, 16, /Expected '=>'/],
      ['unknown header key', '<ir_versio: 8>\nmain () => () {}', 1, 2, /Unknown key 'ir_versio'/],
      ['bad type', 'main (floot[2] X) => () {}', 1, 12, /Expected '\)'/],
      ['unterminated string', 'main () => () {\n  y = Op <s = "abc> ()\n}', 2, 15, /Unterminated string/],
      ['tensor value count', 'main () => () <float[3] w = {1, 2}> {}', 1, 29, /needs 3 values but 2 are given/],
      ['integer range', 'main () => () <int8[1] w = {300}> {}', 1, 29, /out of range for int8/],
      ['symbolic dims in a constant', 'main () => () <float[N] w = {1}> {}', 1, 16, /non-negative integer dimensions/],
      ['empty list without type', 'main () => () {\n  y = Op <a = []> ()\n}', 2, 15, /needs a type/],
      ['unknown attribute type', 'main () => () {\n  y = Op <a: intz = 1> ()\n}', 2, 14, /Unknown attribute type 'intz'/],
      ['duplicate attribute', 'main () => () {\n  y = Op <a = 1, a = 2> ()\n}', 2, 18, /given twice/],
      ['stray character', 'main () => () {\n  y = Op ($)\n}', 2, 11, /Unexpected character '\$'/],
      ['misplaced annotation', 'main () => () {\n  y = Op <#@ doc_string: "x"\n a = 1> ()\n}', 2, 11, /Expected an attribute name but found annotation/],
      ['unknown annotation key', 'main () => () {\n  #@ docstring: "x"\n  y = Op ()\n}', 2, 6, /Annotation key 'docstring' is not allowed on a node/],
      ['unexpected end', 'main () => () {\n  y = Op ()\n', 3, 1, /Expected a node or '}' but found end of input/],
      ['trailing junk after model', '<ir_version: 8>\nmain () => () {}\n}', 3, 1, /Expected a function/],
    ];
    for (const [name, text, line, column, message] of cases) {
      it(`reports ${name} at line ${line}, column ${column}`, () => {
        const e = error(text);
        expect(e._tag).to.equal('ParseError');
        expect(e.message).to.match(message);
        expect([e.line, e.column]).to.deep.equal([line, column]);
        expect(e.context).to.equal(text.split('\n')[line - 1]);
      });
    }

    it('formats an error with its context line and a caret', () => {
      const e = error('<ir_version: 8>\nmain (float X) => (float Y) {\n  Y = Relu(Q)\n}');
      expect(formatParseError(e)).to.equal(
        "line 3, column 12: Value 'Q' is not defined in graph 'main' or an enclosing graph (set allowUndefinedValues to accept it)\n    Y = Relu(Q)\n             ^",
      );
    });

    it('rejects trailing text after a graph in parseGraph', () => {
      const r = parseGraph('g () => () {} extra');
      expect(r._tag === 'Left' && r.left.message).to.match(/Expected the end of input/);
    });
  });

  it('reads back what it printed for a standard model', () => {
    const text = '<ir_version: 8, opset_import: ["" : 17]>\nmain (float[N] X) => (float[N] Y)\n{\n  Y = Relu (X)\n}\n';
    expect(printModel(model(text))).to.equal(text);
  });
});
