import { expect } from 'chai';
import {
  DataType, FunctionDef, Graph, GraphBuilder, Model, Node, Tensor, Value, attr, floatTensor, int64Tensor,
  parseModel, printGraph, printModel, printNode, tensorFromNumbers, tensorType, type Attr,
} from '../src/index.js';

/** A model with one graph built from `nodes` over input X: float[N,4]. */
function tiny(build: (b: GraphBuilder, x: Value) => void): Model {
  const b = new GraphBuilder();
  const x = b.input('X', DataType.FLOAT, ['N', 4]);
  build(b, x);
  return b.model({ opset: 17 });
}

function nodeWithAttrs(attrs: Record<string, Attr>): string {
  return printNode(new Node({ opType: 'Op', inputs: [], outputs: ['y'], attributes: attrs }));
}

describe('printer', () => {
  it('prints a model in ONNX textual syntax (golden)', () => {
    const m = tiny((b, x) => {
      const w = b.initializer('W', floatTensor([4, 2], [1, 2, 3, 4, 0.5, -0.25, 1e-7, 3e38]));
      const t = b.op1('MatMul', [x, w], { name: 'mm', output: 'T', type: tensorType(DataType.FLOAT, ['N', 2]) });
      const relu = b.op1('Relu', [t], { output: 'Y' });
      relu.type = tensorType(DataType.FLOAT, ['N', 2]);
      relu.producer()!.metadataProps.set('mixprec.accumulation', 'float');
      b.output(relu);
    });
    m.producerName = 'mixprec';
    expect(printModel(m)).to.equal([
      '<ir_version: 8, opset_import: ["" : 17], producer_name: "mixprec">',
      'main (float[N,4] X) => (float[N,2] Y)',
      '<float[4,2] W = {1, 2, 3, 4, 0.5, -0.25, 1e-7, 3e+38}, float[N,2] T>',
      '{',
      '  [mm] T = MatMul (X, W)',
      '  #@ metadata_props: ["mixprec.accumulation": "float"]',
      '  [Relu] Y = Relu (T)',
      '}',
      '',
    ].join('\n'));
  });

  it('prints every attribute kind, with type annotations only where needed', () => {
    const t = floatTensor([2], [1, 2]);
    expect(nodeWithAttrs({ i: attr.int(3), f: attr.float(2), s: attr.string('a"b') })).to.equal('y = Op <i = 3, f = 2.0, s = "a\\"b"> ()');
    expect(nodeWithAttrs({ big: attr.int(9223372036854775807n), neg: attr.ints([-1, 2]) })).to.equal('y = Op <big = 9223372036854775807, neg = [-1, 2]> ()');
    expect(nodeWithAttrs({ fs: attr.floats([1, 0.1, NaN, -Infinity]), ss: attr.strings(['x', '']) }))
      .to.equal('y = Op <fs = [1.0, 0.1, nan, -inf], ss = ["x", ""]> ()');
    expect(nodeWithAttrs({ e1: attr.ints([]), e2: attr.floats([]), e3: attr.strings([]) })).to.equal('y = Op <e1: ints = [], e2: floats = [], e3: strings = []> ()');
    expect(nodeWithAttrs({ t: attr.tensor(t), n: attr.tensor(t.withMeta({ name: 'c0' })) })).to.equal('y = Op <t = float[2] {1, 2}, n = float[2] c0 {1, 2}> ()');
    expect(nodeWithAttrs({ ts: { type: 'TENSORS', value: [t] }, tp: attr.typeProto(tensorType(DataType.FLOAT16, ['N'])) }))
      .to.equal('y = Op <ts: tensors = [float[2] {1, 2}], tp = float16[N]> ()');
    expect(nodeWithAttrs({ tps: { type: 'TYPE_PROTOS', value: [tensorType(DataType.INT64), { kind: 'sequence', elem: tensorType(DataType.FLOAT) }] } }))
      .to.equal('y = Op <tps: type_protos = [int64[], seq(float[])]> ()');
    expect(nodeWithAttrs({ r: { type: 'FLOAT', value: 0, refAttrName: 'alpha' }, u: { type: 'UNDEFINED', value: undefined } }))
      .to.equal('y = Op <r: float = @alpha, u: undefined = []> ()');
    const sparse = { values: floatTensor([2], [5, 6]), indices: int64Tensor([2], [1, 3]), dims: [2, 2] };
    expect(nodeWithAttrs({ sp: { type: 'SPARSE_TENSOR', value: sparse } }))
      .to.equal('y = Op <sp = sparse_tensor(float[2,2]) {values: float[2] {5, 6}, indices: int64[2] {1, 3}}> ()');
  });

  it('prints types: scalars, unknown rank and dims, nested and opaque types', () => {
    const g = new Graph('g');
    const types = [
      tensorType(DataType.FLOAT, []), tensorType(DataType.FLOAT16), tensorType(DataType.BFLOAT16, ['N', undefined, 3]),
      { kind: 'sparse_tensor', dtype: DataType.FLOAT, shape: [10] },
      { kind: 'sequence', elem: tensorType(DataType.INT64, [1]) },
      { kind: 'map', keyType: DataType.STRING, valueType: tensorType(DataType.FLOAT) },
      { kind: 'optional', elem: { kind: 'sequence', elem: undefined } },
      { kind: 'opaque', domain: 'com.x', name: 'RNG' },
      tensorType(DataType.FLOAT, ['batch size']),
    ] as const;
    types.forEach((t, i) => g.addInput(new Value(`i${i}`, t)));
    g.addOutput(g.inputs[0]!);
    expect(printGraph(g).split('\n')[0]).to.equal('g (');
    expect(printGraph(g)).to.contain([
      '  float i0,', '  float16[] i1,', '  bfloat16[N,?,3] i2,', '  sparse_tensor(float[10]) i3,', '  seq(int64[1]) i4,',
      '  map(string, float[]) i5,', '  optional(seq()) i6,', '  opaque(com.x, RNG) i7,', '  float["batch size"] i8',
    ].join('\n'));
  });

  it('prints FLOAT16/BFLOAT16 values as exact numbers and odd NaNs as bit patterns', () => {
    const h = Tensor.of(DataType.FLOAT16, [6], Uint16Array.of(0x3c00, 0x8000, 0x0001, 0x7c00, 0x7e00, 0x7c01));
    const b = tensorFromNumbers(DataType.BFLOAT16, [3], [1, 3.140625, -1e30]);
    expect(nodeWithAttrs({ h: attr.tensor(h), b: attr.tensor(b) }))
      .to.equal('y = Op <h = float16[6] {1.0, -0.0, 5.9604645e-8, inf, nan, 31745}, b = bfloat16[3] {1.0, 3.140625, -1.00025555e+30}> ()');
  });

  it('prints integers exactly, strings with escapes, sub-byte types unpacked', () => {
    const i64 = Tensor.of(DataType.INT64, [2], BigInt64Array.of(-(2n ** 63n), 2n ** 53n + 1n));
    const u64 = Tensor.of(DataType.UINT64, [1], BigUint64Array.of(2n ** 64n - 1n));
    const s = Tensor.of(DataType.STRING, [3], [new TextEncoder().encode('a\nb'), Uint8Array.of(0xff, 0x41), new TextEncoder().encode('ψ')]);
    const i4 = Tensor.of(DataType.INT4, [3], Uint8Array.of(0x8f, 0x07));
    expect(nodeWithAttrs({ a: attr.tensor(i64), b: attr.tensor(u64) })).to.equal('y = Op <a = int64[2] {-9223372036854775808, 9007199254740993}, b = uint64[1] {18446744073709551615}> ()');
    expect(nodeWithAttrs({ s: attr.tensor(s), i: attr.tensor(i4) })).to.equal('y = Op <s = string[3] {"a\\nb", "\\xFFA", "ψ"}, i = int4[3] {-1, -8, 7}> ()');
  });

  it('quotes names that are not plain identifiers or are keywords', () => {
    const g = new Graph('my graph');
    const a = new Value('float', tensorType(DataType.FLOAT, []));
    g.addInput(a);
    const n = new Node({ opType: 'Op', domain: 'my-domain', name: 'n 1', inputs: [a, undefined], outputs: ['inf', ''] });
    g.append(n);
    g.addOutput(n.outputs[0]!);
    expect(printGraph(g)).to.equal('"my graph" (float "float") => ("inf")\n{\n  ["n 1"] "inf", "" = "my-domain".Op ("float", "")\n}\n');
  });

  it('puts graph attributes after the inputs, one per line, with captures of outer values', () => {
    const m = tiny((b, x) => {
      const c = b.input('c', DataType.BOOL, []);
      const then = new Graph('then_g');
      const t = new Node({ opType: 'Relu', inputs: [x], outputs: ['t'] });
      then.append(t);
      then.addOutput(t.outputs[0]!);
      const els = new Graph('else_g');
      els.addOutput(x);
      const y = b.op1('If', [c], { name: 'if1', output: 'Y', attrs: { then_branch: attr.graph(then), else_branch: attr.graph(els) } });
      y.type = tensorType(DataType.FLOAT, ['N', 4]);
      b.output(y);
    });
    expect(printModel(m)).to.equal([
      '<ir_version: 8, opset_import: ["" : 17]>',
      'main (float[N,4] X, bool c) => (float[N,4] Y)',
      '{',
      '  [if1] Y = If (c) <',
      '    then_branch = then_g () => (t) {',
      '      t = Relu (X)',
      '    },',
      '    else_branch = else_g () => (float[N,4] X) {',
      '    }',
      '  >',
      '}',
      '',
    ].join('\n'));
  });

  it('prints annotations for doc strings and metadata of models, graphs, values and nodes', () => {
    const m = tiny((b, x) => {
      x.docString = 'the input';
      const y = b.op1('Neg', [x], { output: 'Y', type: tensorType(DataType.FLOAT, ['N', 4]) });
      y.producer()!.docString = 'negate';
      b.output(y);
    });
    m.docString = 'a model';
    m.metadataProps.set('k', 'v');
    m.graph.metadataProps.set('g', '1');
    expect(printModel(m)).to.equal([
      '<ir_version: 8, opset_import: ["" : 17], doc_string: "a model", metadata_props: ["k": "v"]>',
      '#@ metadata_props: ["g": "1"]',
      'main (',
      '  #@ doc_string: "the input"',
      '  float[N,4] X',
      ') => (float[N,4] Y)',
      '{',
      '  #@ doc_string: "negate"',
      '  [Neg] Y = Neg (X)',
      '}',
      '',
    ].join('\n'));
  });

  it('prints local functions after the graph', () => {
    const m = tiny((b, x) => b.output(b.op1('foo', [x], { domain: 'local', output: 'Y', type: tensorType(DataType.FLOAT) })));
    m.opsetImports.set('local', 1);
    const body = new Graph('foo');
    const px = new Value('x');
    body.addInput(px);
    const n = new Node({ opType: 'Mul', inputs: [px, px], outputs: ['y'], attributes: { k: { type: 'INT', value: 0, refAttrName: 'alpha' } } });
    body.append(n);
    body.addOutput(n.outputs[0]!);
    const f = new FunctionDef('local', 'foo', body);
    f.opsetImports.set('', 17);
    f.attributeNames = ['alpha'];
    f.attributeDefaults.set('beta', attr.float(0.5));
    m.functions.push(f);
    expect(printModel(m).split('\n').slice(5).join('\n')).to.equal([
      '',
      '<domain: "local", opset_import: ["" : 17]>',
      'foo <alpha, beta = 0.5> (x) => (y)',
      '{',
      '  y = Mul <k: int = @alpha> (x, x)',
      '}',
      '',
    ].join('\n'));
  });

  it('elides large tensors on request, which the parser then rejects', () => {
    const m = tiny((b, x) => {
      const w = b.initializer('W', floatTensor([3], [1, 2, 3]));
      b.output(b.op1('Add', [x, w], { output: 'Y', type: tensorType(DataType.FLOAT) }));
    });
    const text = printModel(m, { elideTensorsAbove: 2 });
    expect(text).to.contain('float[3] W = {...}');
    const r = parseModel(text);
    expect(r._tag).to.equal('Left');
    if (r._tag === 'Left') expect(r.left.message).to.match(/elided/);
  });

  it('prints external tensors as ONNX external-data lists, or their values on request', () => {
    const bytes = new Uint8Array(Float32Array.of(1, 2).buffer);
    const lazy = Tensor.lazy(DataType.FLOAT, [2], { byteLength: 8, description: 'w.bin @ 0+8', read: () => bytes }, { external: { location: 'w.bin', offset: 0, length: 8 } });
    const m = tiny((b, x) => {
      const w = b.initializer('W', lazy);
      b.output(b.op1('Add', [x, w], { output: 'Y', type: tensorType(DataType.FLOAT) }));
    });
    expect(printModel(m)).to.contain('float[2] W = ["location": "w.bin", "offset": "0", "length": "8"]');
    expect(printModel(m, { externalData: 'values' })).to.contain('float[2] W = {1, 2}');
  });

  it('is deterministic', () => {
    const build = (): Model => tiny((b, x) => b.output(b.op1('Abs', [x], { output: 'Y', type: tensorType(DataType.FLOAT) })));
    expect(printModel(build())).to.equal(printModel(build()));
  });
});
