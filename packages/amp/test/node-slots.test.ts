import { expect } from 'chai';
import { DataType, getOpSchema, type Model, type Node } from '@mixprec/ir';
import { DTypeResolver } from '../src/dtypes.js';
import { nodeSlots } from '../src/node-slots.js';
import { parse } from './helpers.js';

function slotsOf(m: Model, op: string, target = DataType.FLOAT16 as DataType.FLOAT16 | DataType.BFLOAT16): ReturnType<typeof nodeSlots> {
  const n = [...m.graph].find((x: Node) => x.opType === op)!;
  return nodeSlots(n, getOpSchema('', op, m.opset('')!), new DTypeResolver(m), target, false);
}

const m = (opset: number, decls: string, body: string, ir = 9): Model => parse(`<ir_version: ${ir}, opset_import: ["" : ${opset}]>\nmain (${decls}) => (float[2] Z)\n{\n${body}\n  Z = Identity (X)\n}`);

describe('node-slots: schema-driven eligibility per (node, input)', () => {
  it('Resize: scales is a fixed float input; X/Y and roi are groups that admit float16', () => {
    const s = slotsOf(m(13, 'float[1,1,2,2] X, float[0] roi, float[4] sc', '  y = Resize (X, roi, sc)'), 'Resize');
    expect(s.fixedInputs).to.deep.equal([2]);
    expect(s.groups.map((g) => [g.param, g.inputs, g.outputs, g.admits])).to.deep.equal([['T1', [0], [0], true], ['T2', [1], [], true]]);
  });

  it('DequantizeLinear: x_scale fixed float at opset 13, a float16-admitting group at 19', () => {
    const body = '  y = DequantizeLinear (q, s)';
    const s13 = slotsOf(m(13, 'float[2] X, int8[2] q, float s', body), 'DequantizeLinear');
    expect(s13.groups.filter((g) => g.float)).to.deep.equal([]);
    expect(s13.fixedInputs).to.deep.equal([1]);
    const s19 = slotsOf(m(19, 'float[2] X, int8[2] q, float s', body), 'DequantizeLinear');
    expect(s19.groups.filter((g) => g.float).map((g) => [g.param, g.inputs, g.outputs, g.admits])).to.deep.equal([['T2', [1], [0], true]]);
  });

  it('IsInf admits float16 from opset 20', () => {
    for (const [opset, admits] of [[13, false], [20, true]] as const) {
      const s = slotsOf(m(opset, 'float[2] X', '  b = IsInf (X)'), 'IsInf');
      expect(s.groups.find((g) => g.float)?.admits, `opset ${opset}`).to.equal(admits);
    }
  });

  it('LayerNormalization: Mean/InvStdDev (U) admit bfloat16 but not float16', () => {
    const model = m(17, 'float[2,2] X, float[2] g', '  y, mu, inv = LayerNormalization (X, g)');
    const f16 = slotsOf(model, 'LayerNormalization');
    expect(f16.groups.map((g) => [g.param, g.admits])).to.deep.equal([['T', true], ['U', false]]);
    const bf16 = slotsOf(model, 'LayerNormalization', DataType.BFLOAT16);
    expect(bf16.groups.map((g) => [g.param, g.admits])).to.deep.equal([['T', true], ['U', true]]);
  });

  it('Clip: input, min, max and output share one group', () => {
    const s = slotsOf(m(13, 'float[2] X, float lo, float hi', '  y = Clip (X, lo, hi)'), 'Clip');
    expect(s.groups.map((g) => [g.param, g.inputs, g.outputs])).to.deep.equal([['T', [0, 1, 2], [0]]]);
  });

  it('sequence ops: the sequence and its element tensors form one group', () => {
    const s = slotsOf(m(17, 'float[2] X', '  s = SequenceConstruct (X, X)\n  t = SequenceAt (s, i)\n  i = Constant <value = int64 {0}> ()'.split('\n').reverse().join('\n')), 'SequenceAt');
    expect(s.groups.filter((g) => g.float).map((g) => [g.param, g.inputs, g.outputs])).to.deep.equal([['S+T', [0], [0]]]);
  });

  it('Range has no 16-bit float at all', () => {
    const s = slotsOf(m(17, 'float[2] X, float a, float b, float c', '  r = Range (a, b, c)'), 'Range');
    expect(s.groups.map((g) => [g.float, g.admits])).to.deep.equal([[true, false]]);
  });

  describe('groups whose dtypes cannot be trusted are unsound (found by fuzzing against onnxruntime)', () => {
    const unsound = (decls: string, body: string, op: string): (string | undefined)[] =>
      slotsOf(m(17, decls, body), op).groups.filter((g) => g.float).map((g) => g.unsound);

    it('a position of unknown dtype (a Constant with a misnamed or second value attribute)', () => {
      expect(unsound('float[2] X', '  k = Constant <dilations = float[2] {1, 2}> ()\n  y = Add (X, k)', 'Add')).to.deep.equal(["'k' (type T) has no known dtype"]);
      expect(unsound('float[2] X', '  k = Constant <value_floats = [1.0, 2.0], value_int = 7> ()\n  y = Add (X, k)', 'Add')).to.deep.equal(["'k' (type T) has no known dtype"]);
    });

    it('a position whose dtype the type parameter does not admit, or that differs from the float ones', () => {
      expect(unsound('float[2] X, string[2] B', '  y = Add (X, B)', 'Add')).to.deep.equal(["'B' (type T) is string, which T does not admit"]);
      expect(unsound('float[2] X, int8[2] B', '  y = Add (X, B)', 'Add')).to.deep.equal(["'B' (type T) is int8, while other positions of T are float"]);
      expect(unsound('float[2] X, float16[2] B', '  y = Add (X, B)', 'Add')).to.deep.equal(["'B' (type T) is float16, while other positions of T are float"]);
      expect(unsound('float[2] X', '  y = Sqrt (X)', 'Sqrt')).to.deep.equal([undefined]);
    });

    it('an unknown or other dtype in a group without float positions is not this analysis\'s business', () => {
      const s = slotsOf(m(17, 'float[2] X, int64[2] I', '  k = Constant <dilations = int64[2] {1, 2}> ()\n  y = Add (I, k)'), 'Add');
      expect(s.groups.map((g) => [g.float, g.unsound])).to.deep.equal([[false, undefined]]);
    });
  });
});

