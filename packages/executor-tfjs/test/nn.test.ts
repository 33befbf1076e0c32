import { expect } from 'chai';
import { attr, DataType, floatTensor, Graph, GraphBuilder, int64Tensor, Tensor } from '@mixprec/ir';
import { generateInputs } from '../src/index.js';
import { close, nums, run, setup, singleOp } from './helpers.js';

const F = DataType.FLOAT;

/** Direct N-d convolution in float64 (independent reference). */
function refConv(
  x: Float32Array, xs: number[], w: Float32Array, ws: number[], o: { group: number; strides: number[]; dil: number[]; pads: number[] },
): { shape: number[]; data: number[] } {
  const r = xs.length - 2;
  const [n, c] = xs as [number, number];
  const m = ws[0]!;
  const cg = c / o.group;
  const k = ws.slice(2);
  const sp = xs.slice(2);
  const out = sp.map((d, i) => Math.floor((d + o.pads[i]! + o.pads[i + r]! - (k[i]! - 1) * o.dil[i]! - 1) / o.strides[i]!) + 1);
  const data: number[] = [];
  const count = (s: number[]): number => s.reduce((a, b) => a * b, 1);
  const unravel = (i: number, s: number[]): number[] => s.map((_, d) => Math.floor(i / count(s.slice(d + 1))) % s[d]!);
  for (let b = 0; b < n; b++) for (let oc = 0; oc < m; oc++) for (let p = 0; p < count(out); p++) {
    const op = unravel(p, out);
    const g = Math.floor(oc / (m / o.group));
    let acc = 0;
    for (let ic = 0; ic < cg; ic++) for (let q = 0; q < count(k); q++) {
      const kp = unravel(q, k);
      const ip = op.map((v, d) => v * o.strides[d]! + kp[d]! * o.dil[d]! - o.pads[d]!);
      if (ip.some((v, d) => v < 0 || v >= sp[d]!)) continue;
      const xi = ((b * c + g * cg + ic) * count(sp)) + ip.reduce((a, v, d) => a + v * count(sp.slice(d + 1)), 0);
      const wi = ((oc * cg + ic) * count(k)) + kp.reduce((a, v, d) => a + v * count(k.slice(d + 1)), 0);
      acc += x[xi]! * w[wi]!;
    }
    data.push(acc);
  }
  return { shape: [n, m, ...out], data };
}

describe('neural-network kernels: conv, pool, norm, resize, rnn, quantisation, sequences', () => {
  before(setup);

  for (const [name, xs, ws, o] of [
    ['2-D grouped, strided, dilated, asymmetric pads (tfjs path)', [1, 4, 9, 8], [6, 2, 3, 2], { group: 2, strides: [2, 1], dil: [2, 1], pads: [1, 0, 2, 1] }],
    ['1-D (tfjs path)', [2, 3, 12], [4, 3, 3], { group: 1, strides: [2], dil: [1], pads: [1, 1] }],
    ['3-D (host path)', [1, 2, 4, 5, 3], [3, 2, 2, 3, 2], { group: 1, strides: [1, 2, 1], dil: [1, 1, 2], pads: [0, 1, 0, 1, 0, 1] }],
  ] as const) {
    it(`Conv ${name} matches a float64 reference`, async () => {
      const m = singleOp('Conv', [['X', F, xs], ['W', F, ws]], {
        attrs: { group: attr.int(o.group), strides: attr.ints(o.strides), dilations: attr.ints(o.dil), pads: attr.ints(o.pads) },
      });
      const feeds = generateInputs(m, { seed: 3 });
      const r = await run(m, feeds);
      const ref = refConv(feeds['X']!.data as Float32Array, [...xs], feeds['W']!.data as Float32Array, [...ws],
        { group: o.group, strides: [...o.strides], dil: [...o.dil], pads: [...o.pads] });
      expect(r.outputs['Y0']!.dims).to.deep.equal(ref.shape);
      close(nums(r.outputs['Y0']), ref.data, 1e-5);
    });
  }

  it('ConvTranspose with stride 2 spreads each input over a 2×2 block', async () => {
    const r = await run(singleOp('ConvTranspose', [['X', F, [1, 1, 2, 2]], ['W', F, [1, 1, 2, 2]]], { attrs: { strides: attr.ints([2, 2]) } }),
      { X: floatTensor([1, 1, 2, 2], [1, 2, 3, 4]), W: floatTensor([1, 1, 2, 2], [1, 1, 1, 1]) });
    expect(nums(r.outputs['Y0'])).to.deep.equal([1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
  });

  it('MaxPool returns row-major Indices; AveragePool with and without padded cells', async () => {
    const mp = await run(singleOp('MaxPool', [['X', F, [1, 1, 3, 3]]], { attrs: { kernel_shape: attr.ints([2, 2]) }, outputs: 2 }),
      { X: floatTensor([1, 1, 3, 3], [0, 1, 2, 3, 4, 5, 6, 7, 8]) });
    expect(nums(mp.outputs['Y0'])).to.deep.equal([4, 5, 7, 8]);
    expect(nums(mp.outputs['Y1'])).to.deep.equal([4, 5, 7, 8]);
    const x = floatTensor([1, 1, 2, 2], [1, 1, 1, 1]);
    const avg = (include: number): ReturnType<typeof singleOp> => singleOp('AveragePool', [['X', F, [1, 1, 2, 2]]],
      { attrs: { kernel_shape: attr.ints([2, 2]), pads: attr.ints([1, 1, 1, 1]), count_include_pad: attr.int(include) } });
    expect(nums((await run(avg(1), { X: x })).outputs['Y0'])).to.deep.equal([0.25, 0.5, 0.25, 0.5, 1, 0.5, 0.25, 0.5, 0.25]);
    expect(nums((await run(avg(0), { X: x })).outputs['Y0'])).to.deep.equal(new Array(9).fill(1));
    const g = await run(singleOp('GlobalAveragePool', [['X', F, [1, 2, 2, 2]]]), { X: floatTensor([1, 2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]) });
    expect(nums(g.outputs['Y0'])).to.deep.equal([2.5, 6.5]);
  });

  it('BatchNormalization (inference) and LayerNormalization (Mean, InvStdDev outputs)', async () => {
    const bn = await run(singleOp('BatchNormalization', [['X', F, [1, 2, 1, 2]]], {
      inits: { s: floatTensor([2], [2, 1]), b: floatTensor([2], [1, 0]), m: floatTensor([2], [1, 2]), v: floatTensor([2], [4, 1]) },
      attrs: { epsilon: attr.float(0) },
    }), { X: floatTensor([1, 2, 1, 2], [3, 5, 2, 4]) });
    expect(nums(bn.outputs['Y0'])).to.deep.equal([3, 5, 0, 2]);
    const ln = await run(singleOp('LayerNormalization', [['X', F, [2, 2]], ['S', F, [2]], ['B', F, [2]]], { outputs: 3, attrs: { epsilon: attr.float(0) } }),
      { X: floatTensor([2, 2], [1, 3, 2, 6]), S: floatTensor([2], [1, 2]), B: floatTensor([2], [0, 1]) });
    expect(nums(ln.outputs['Y0'])).to.deep.equal([-1, 3, -1, 3]);
    expect(nums(ln.outputs['Y1'])).to.deep.equal([2, 4]);
    close(nums(ln.outputs['Y2']), [1, 0.5], 1e-6);
  });

  it('Resize: nearest (asymmetric floor, opset 10) and linear half_pixel', async () => {
    const nn = await run(singleOp('Resize', [['X', F, [1, 1, 1, 2]]], { inits: { s: floatTensor([4], [1, 1, 1, 3]) }, opset: 10 }), { X: floatTensor([1, 1, 1, 2], [1, 2]) });
    expect(nums(nn.outputs['Y0'])).to.deep.equal([1, 1, 1, 2, 2, 2]);
    const lin = await run(singleOp('Resize', [['X', F, [1, 1, 1, 2]]], {
      inits: { roi: floatTensor([0], []), s: floatTensor([4], [1, 1, 1, 2]) }, attrs: { mode: attr.string('linear') },
    }), { X: floatTensor([1, 1, 1, 2], [1, 2]) });
    expect(nums(lin.outputs['Y0'])).to.deep.equal([1, 1.25, 1.75, 2]);
  });

  it('LSTM matches a hand-written recurrence (1 unit, 2 steps)', async () => {
    const [wi, wo, wf, wc] = [0.5, -0.3, 0.8, 0.2];
    const [ri, ro, rf, rc] = [0.1, 0.4, -0.2, 0.7];
    const r = await run(singleOp('LSTM', [['X', F, [2, 1, 1]], ['W', F, [1, 4, 1]], ['R', F, [1, 4, 1]]], { attrs: { hidden_size: attr.int(1) }, outputs: 3 }),
      { X: floatTensor([2, 1, 1], [1, -2]), W: floatTensor([1, 4, 1], [wi, wo, wf, wc]), R: floatTensor([1, 4, 1], [ri, ro, rf, rc]) });
    const sig = (v: number): number => 1 / (1 + Math.exp(-v));
    let h = 0;
    let c = 0;
    const ys: number[] = [];
    for (const x of [1, -2]) {
      const i = sig(wi * x + ri * h);
      const f = sig(wf * x + rf * h);
      const g = Math.tanh(wc * x + rc * h);
      c = f * c + i * g;
      const o = sig(wo * x + ro * h);
      h = o * Math.tanh(c);
      ys.push(h);
    }
    close(nums(r.outputs['Y0']), ys, 1e-6);
    close(nums(r.outputs['Y1']), [h], 1e-6);
    close(nums(r.outputs['Y2']), [c], 1e-6);
  });

  it('QuantizeLinear rounds half to even and saturates; DequantizeLinear per axis', async () => {
    const q = await run(singleOp('QuantizeLinear', [['X', F, [5]]], { inits: { s: floatTensor([], [1]), z: Tensor.of(DataType.UINT8, [], Uint8Array.of(10)) } }),
      { X: floatTensor([5], [0.5, 1.5, 2.5, -20, 300]) });
    expect(q.outputs['Y0']!.dtype).to.equal(DataType.UINT8);
    expect(nums(q.outputs['Y0'])).to.deep.equal([10, 12, 12, 0, 255]);
    const d = await run(singleOp('DequantizeLinear', [['X', DataType.INT8, [2, 2]]], {
      inits: { s: floatTensor([2], [0.5, 2]), z: Tensor.of(DataType.INT8, [2], Int8Array.of(1, -1)) }, attrs: { axis: attr.int(0) },
    }), { X: Tensor.of(DataType.INT8, [2, 2], Int8Array.of(3, 5, -1, 1)) });
    expect(nums(d.outputs['Y0'])).to.deep.equal([1, 2, 0, 4]);
  });

  it('sequences: construct, insert, at, length, concat', async () => {
    const b = new GraphBuilder(new Graph('seq'));
    const a = b.input('A', F, [2]);
    const c = b.input('C', F, [2]);
    const s = b.op1('SequenceConstruct', [a]);
    const s2 = b.op1('SequenceInsert', [s, c, b.initializer('pos', int64Tensor([], [0]))]);
    b.output(b.op1('SequenceLength', [s2]), 'N');
    b.output(b.op1('SequenceAt', [s2, b.initializer('last', int64Tensor([], [-1]))]), 'Last');
    b.output(b.op1('ConcatFromSequence', [s2], { attrs: { axis: attr.int(0), new_axis: attr.int(1) } }), 'All');
    b.output(s2, 'Seq');
    const r = await run(b.model(), { A: floatTensor([2], [1, 2]), C: floatTensor([2], [3, 4]) });
    expect(nums(r.outputs['N'])).to.deep.equal([2]);
    expect(nums(r.outputs['Last'])).to.deep.equal([1, 2]);
    expect(r.outputs['All']!.dims).to.deep.equal([2, 2]);
    expect(nums(r.outputs['All'])).to.deep.equal([3, 4, 1, 2]);
    const seq = r.otherOutputs['Seq'];
    expect(seq?.kind).to.equal('sequence');
    expect(seq?.kind === 'sequence' ? seq.items.map((t) => nums(t)) : []).to.deep.equal([[3, 4], [1, 2]]);
  });
});
