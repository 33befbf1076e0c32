import { expect } from 'chai';
import {
  DataType, Graph, GraphBuilder, Model, Node, Tensor, Value, attr, floatTensor, formatDiagnostics, formatParseError,
  parseGraph, parseModel, printGraph, printModel, storageArrayType, storageLength, structuralHash, tensorType, verify,
} from '../src/index.js';
import { randomModel, Rng } from './random-model.js';

function reparse(m: Model): Model {
  const r = parseModel(printModel(m));
  if (r._tag === 'Left') throw new Error(`${formatParseError(r.left)}\n--- text ---\n${printModel(m)}`);
  return r.right;
}

/** print(parse(print(m))) === print(m), and the reparsed model has the same structural hash. */
function expectRoundTrip(m: Model): void {
  const text = printModel(m);
  const back = reparse(m);
  expect(printModel(back)).to.equal(text);
  expect(structuralHash(back)).to.equal(structuralHash(m));
}

const SEEDS = Number(process.env.MIXPREC_ROUNDTRIP_SEEDS ?? 300);

describe('text round trip', () => {
  it(`holds on ${SEEDS} seeded random models (every dtype and attribute kind, subgraphs with captures)`, () => {
    for (let seed = 1; seed <= SEEDS; seed++) {
      const m = randomModel(seed);
      const ds = verify(m);
      if (ds.length > 0) throw new Error(`seed ${seed}: generator made an invalid model:\n${formatDiagnostics(ds)}`);
      const text = printModel(m);
      const back = reparse(m);
      const again = printModel(back);
      if (again !== text) throw new Error(`seed ${seed}: print(parse(print(m))) differs\n--- first ---\n${text}\n--- second ---\n${again}`);
      expect(structuralHash(back), `seed ${seed}`).to.equal(structuralHash(m));
      expect(verify(back), `seed ${seed}`).to.deep.equal([]);
    }
  });

  it('holds for initializers of every data type, including special values', () => {
    const r = new Rng(42);
    const b = new GraphBuilder();
    const x = b.input('X', DataType.FLOAT, []);
    for (let dtype = 0; dtype <= 28; dtype++) {
      for (const dims of [[], [0], [3], [2, 3]]) {
        const n = dims.reduce((a, c) => a * c, 1);
        let t: Tensor;
        if (dtype === DataType.STRING) {
          t = Tensor.of(dtype, dims, Array.from({ length: n }, (_, i) => new TextEncoder().encode(`s${i}"\\`)));
        } else {
          const ctor = storageArrayType(dtype)!;
          const bytes = new Uint8Array(storageLength(dtype, n) * ctor.BYTES_PER_ELEMENT);
          for (let i = 0; i < bytes.length; i++) bytes[i] = r.u32() & 0xff;
          if ([DataType.INT4, DataType.UINT4, DataType.FLOAT4E2M1].includes(dtype) && n % 2 === 1) bytes[bytes.length - 1]! &= 0x0f;
          if ([DataType.INT2, DataType.UINT2].includes(dtype) && n % 4 !== 0) bytes[bytes.length - 1]! &= (1 << (2 * (n % 4))) - 1;
          if (dtype === DataType.BOOL) bytes.forEach((v, i) => { bytes[i] = v & 1; });
          t = Tensor.fromRawBytes(dtype, dims, bytes);
          if (dtype === DataType.FLOAT) {
            const f = t.data as Float32Array;
            const bits = new Uint32Array(f.buffer);
            f.forEach((v, i) => { if (Number.isNaN(v)) bits[i] = i % 2 ? 0x7fc00000 : 0xffc00000; });
          }
          if (dtype === DataType.DOUBLE || dtype === DataType.COMPLEX128) {
            const f = t.data as Float64Array;
            f.forEach((v, i) => { if (Number.isNaN(v)) f[i] = i; });
          }
          if (dtype === DataType.COMPLEX64) {
            const f = t.data as Float32Array;
            f.forEach((v, i) => { if (Number.isNaN(v)) f[i] = -i; });
          }
        }
        b.initializer(`w${dtype}_${dims.join('x')}`, t);
      }
    }
    b.output(b.op1('Identity', [x], { output: 'Y', type: tensorType(DataType.FLOAT, []) }));
    expectRoundTrip(b.model());
  });

  it('holds for float32 values that need all nine digits, and for subnormals and extremes', () => {
    const r = new Rng(7);
    const values = Float32Array.from({ length: 2000 }, () => {
      const f = new Float32Array(new Uint32Array([r.u32()]).buffer)[0]!;
      return Number.isNaN(f) ? 0 : f;
    });
    values.set([1.4e-45, -1.4e-45, 1.1754942e-38, 3.4028235e38, 0.1, 1 / 3, 16777217, -0], 0);
    const b = new GraphBuilder();
    const w = b.initializer('W', floatTensor([values.length], values));
    b.output(b.op1('Identity', [w], { output: 'Y', type: tensorType(DataType.FLOAT, [values.length]), attrs: { f: attr.floats([...values.slice(0, 50)]) } }));
    expectRoundTrip(b.model());
  });

  it('holds for hand-built models: If with captures, a Loop body, IR<4 input initializers', () => {
    const b = new GraphBuilder();
    const x = b.input('X', DataType.FLOAT, ['N']);
    const c = b.input('cond', DataType.BOOL, []);
    const w = new Value('B', tensorType(DataType.FLOAT, [1]), floatTensor([1], [0.5]));
    b.graph.addInput(w);
    b.graph.addInitializer(w);
    const then = new Graph('then');
    const tn = new Node({ opType: 'Add', inputs: [x, w], outputs: ['t'] });
    then.append(tn);
    then.addOutput(tn.outputs[0]!);
    const els = new Graph('else');
    els.addOutput(x);
    const y = b.op1('If', [c], { output: 'Y', attrs: { then_branch: attr.graph(then), else_branch: attr.graph(els) }, type: tensorType(DataType.FLOAT, ['N']) });
    const body = new Graph('body');
    const i = new Value('i', tensorType(DataType.INT64, []));
    const cin = new Value('c_in', tensorType(DataType.BOOL, []));
    const acc = new Value('acc', tensorType(DataType.FLOAT, ['N']));
    for (const v of [i, cin, acc]) body.addInput(v);
    const step = new Node({ opType: 'Add', inputs: [acc, y], outputs: ['acc_out'] });
    body.append(step);
    body.addOutput(cin);
    body.addOutput(step.outputs[0]!);
    const [z] = b.op('Loop', [undefined, c, x], { outputs: ['Z'], attrs: { body: attr.graph(body) }, types: [tensorType(DataType.FLOAT, ['N'])] });
    b.output(z!);
    const m = b.model({ opset: 17 });
    expect(verify(m)).to.deep.equal([]);
    expectRoundTrip(m);
    const g = reparse(m).graph;
    expect(g.inputs[2]!.isInitializer()).to.equal(true);
    expect(x.uses().length).to.equal(reparse(m).graph.inputs[0]!.uses().length);
  });

  it('round-trips a standalone graph with parseGraph', () => {
    const g = new Graph('g');
    const a = new Value('a', tensorType(DataType.FLOAT16, [2]));
    g.addInput(a);
    const n = new Node({ opType: 'Cast', inputs: [a], outputs: [new Value('b', tensorType(DataType.FLOAT, [2]))], attributes: { to: attr.int(DataType.FLOAT) } });
    g.append(n);
    g.addOutput(n.outputs[0]!);
    const r = parseGraph(printGraph(g));
    expect(r._tag).to.equal('Right');
    if (r._tag === 'Right') {
      expect(printGraph(r.right)).to.equal(printGraph(g));
      expect(structuralHash(r.right)).to.equal(structuralHash(g));
    }
  });
});
