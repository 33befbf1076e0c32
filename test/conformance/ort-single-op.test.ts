import { expect } from 'chai';
import * as ort from 'onnxruntime-node';
import { executeModel, generateInputs, initBackend } from '@mixprec/executor-tfjs';
import {
  attr, DataType, floatTensor, GraphBuilder, int64Tensor, tensorToFloat64, type Attr, type Model, type Tensor,
} from '@mixprec/ir';
import { encodeModel } from '@mixprec/onnx';

/**
 * Small single-op models run in the executor and in onnxruntime-node (CPU EP) on the same
 * seeded inputs. FLOAT16 cases compare bit patterns: ORT computes them as Cast → fp32 op → Cast,
 * which is exactly the executor's default (float32 accumulation, output rounded once).
 */

const F = DataType.FLOAT;
const H = DataType.FLOAT16;

interface Case {
  readonly name: string;
  readonly op: string;
  readonly inputs: readonly (readonly [string, DataType, readonly number[]])[];
  readonly inits?: Readonly<Record<string, Tensor>>;
  readonly attrs?: Readonly<Record<string, Attr>>;
  readonly outputs?: number;
  /** FLOAT: relative tolerance (to the output's max magnitude); FLOAT16: max ulp distance. */
  readonly tol: number;
}

function model(c: Case): Model {
  const b = new GraphBuilder();
  const ins = c.inputs.map(([n, d, s]) => b.input(n, d, s));
  for (const [n, t] of Object.entries(c.inits ?? {})) ins.push(b.initializer(n, t));
  const outs = b.op(c.op, ins, { attrs: c.attrs, outputs: c.outputs ?? 1 });
  outs.forEach((o, i) => b.output(o, `Y${i}`));
  return b.model({ opset: 17, irVersion: 8 });
}

function toOrt(t: Tensor): ort.Tensor {
  const dims = [...t.dims];
  switch (t.dtype) {
    case F: return new ort.Tensor('float32', t.data as Float32Array, dims);
    case H: return new ort.Tensor('float16', t.data as Uint16Array, dims);
    case DataType.INT64: return new ort.Tensor('int64', t.data as BigInt64Array, dims);
    default: throw new Error(`no ORT conversion for ${t.dtype}`);
  }
}

/** Position of an fp16 bit pattern on the ordered number line (for ulp distances). */
function ordered(h: number): number {
  return h & 0x8000 ? -(h & 0x7fff) : h;
}

const CASES: readonly Case[] = [
  { name: 'Add fp16', op: 'Add', inputs: [['A', H, [4, 33]], ['B', H, [33]]], tol: 0 },
  { name: 'Mul fp16', op: 'Mul', inputs: [['A', H, [4, 33]], ['B', H, [4, 33]]], tol: 0 },
  { name: 'Relu fp16', op: 'Relu', inputs: [['X', H, [100]]], tol: 0 },
  { name: 'Div fp16', op: 'Div', inputs: [['A', H, [64]], ['B', H, [64]]], tol: 0 },
  { name: 'Sigmoid fp16', op: 'Sigmoid', inputs: [['X', H, [256]]], tol: 1 },
  { name: 'Tanh fp16', op: 'Tanh', inputs: [['X', H, [256]]], tol: 1 },
  { name: 'Erf fp16', op: 'Erf', inputs: [['X', H, [256]]], tol: 1 },
  { name: 'Softmax fp16', op: 'Softmax', inputs: [['X', H, [8, 40]]], tol: 1 },
  { name: 'MatMul fp16', op: 'MatMul', inputs: [['A', H, [2, 8, 64]], ['B', H, [64, 16]]], tol: 1 },
  { name: 'Gemm fp16', op: 'Gemm', inputs: [['A', H, [8, 32]], ['B', H, [16, 32]], ['C', H, [16]]], attrs: { transB: attr.int(1), alpha: attr.float(0.5) }, tol: 1 },
  { name: 'LayerNormalization fp16', op: 'LayerNormalization', inputs: [['X', H, [4, 64]], ['S', H, [64]], ['B', H, [64]]], tol: 2 },
  { name: 'Transpose fp16', op: 'Transpose', inputs: [['X', H, [2, 3, 4]]], attrs: { perm: attr.ints([2, 0, 1]) }, tol: 0 },
  { name: 'Gather fp16', op: 'Gather', inputs: [['X', H, [5, 3]]], inits: { i: int64Tensor([4], [4, 0, -1, 2]) }, tol: 0 },
  { name: 'ReduceMean fp16', op: 'ReduceMean', inputs: [['X', H, [6, 50]]], attrs: { axes: attr.ints([1]) }, tol: 1 },
  { name: 'Conv fp16', op: 'Conv', inputs: [['X', H, [1, 4, 9, 9]], ['W', H, [6, 4, 3, 3]], ['B', H, [6]]], attrs: { pads: attr.ints([1, 1, 1, 1]) }, tol: 1 },
  { name: 'MaxPool fp16', op: 'MaxPool', inputs: [['X', H, [1, 3, 8, 8]]], attrs: { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]) }, tol: 0 },
  { name: 'Resize nearest fp16', op: 'Resize', inputs: [['X', H, [1, 2, 4, 4]]],
    inits: { roi: floatTensor([0], []), scales: floatTensor([4], [1, 1, 2, 2]) }, tol: 0 },
  { name: 'Conv group/stride/dilation/pads', op: 'Conv', inputs: [['X', F, [1, 4, 11, 11]], ['W', F, [6, 2, 3, 3]], ['B', F, [6]]],
    attrs: { group: attr.int(2), strides: attr.ints([2, 2]), dilations: attr.ints([2, 2]), pads: attr.ints([1, 2, 2, 1]) }, tol: 1e-5 },
  { name: 'Conv depthwise SAME_UPPER', op: 'Conv', inputs: [['X', F, [1, 8, 10, 10]], ['W', F, [8, 1, 3, 3]]],
    attrs: { group: attr.int(8), auto_pad: attr.string('SAME_UPPER'), strides: attr.ints([2, 2]) }, tol: 1e-5 },
  { name: 'Conv 1-D', op: 'Conv', inputs: [['X', F, [2, 3, 20]], ['W', F, [5, 3, 4]]], attrs: { pads: attr.ints([2, 1]) }, tol: 1e-5 },
  { name: 'ConvTranspose stride/output_padding', op: 'ConvTranspose', inputs: [['X', F, [1, 3, 5, 5]], ['W', F, [3, 2, 3, 3]]],
    attrs: { strides: attr.ints([2, 2]), output_padding: attr.ints([1, 1]), pads: attr.ints([1, 1, 1, 1]) }, tol: 1e-5 },
  { name: 'MaxPool ceil_mode', op: 'MaxPool', inputs: [['X', F, [1, 2, 9, 9]]], attrs: { kernel_shape: attr.ints([3, 3]), strides: attr.ints([2, 2]), ceil_mode: attr.int(1) }, tol: 0 },
  { name: 'AveragePool count_include_pad', op: 'AveragePool', inputs: [['X', F, [1, 2, 7, 7]]],
    attrs: { kernel_shape: attr.ints([3, 3]), pads: attr.ints([1, 1, 1, 1]), count_include_pad: attr.int(1) }, tol: 1e-6 },
  { name: 'Resize linear half_pixel', op: 'Resize', inputs: [['X', F, [1, 2, 5, 7]]],
    inits: { roi: floatTensor([0], []), scales: floatTensor([4], [1, 1, 1.6, 0.8]) }, attrs: { mode: attr.string('linear') }, tol: 1e-6 },
  { name: 'Resize cubic align_corners', op: 'Resize', inputs: [['X', F, [1, 1, 6, 6]]],
    inits: { roi: floatTensor([0], []), scales: floatTensor([4], [1, 1, 2, 2]) }, attrs: { mode: attr.string('cubic'), coordinate_transformation_mode: attr.string('align_corners') }, tol: 1e-5 },
  { name: 'Einsum batched contraction', op: 'Einsum', inputs: [['A', F, [2, 3, 4]], ['B', F, [2, 4, 5]]], attrs: { equation: attr.string('bij,bjk->bik') }, tol: 1e-6 },
  { name: 'LSTM bidirectional', op: 'LSTM', inputs: [['X', F, [5, 2, 4]], ['W', F, [2, 12, 4]], ['R', F, [2, 12, 3]], ['B', F, [2, 24]]],
    attrs: { hidden_size: attr.int(3), direction: attr.string('bidirectional') }, outputs: 3, tol: 1e-5 },
  { name: 'GRU linear_before_reset', op: 'GRU', inputs: [['X', F, [4, 2, 3]], ['W', F, [1, 15, 3]], ['R', F, [1, 15, 5]], ['B', F, [1, 30]]],
    attrs: { hidden_size: attr.int(5), linear_before_reset: attr.int(1) }, outputs: 2, tol: 1e-5 },
  { name: 'InstanceNormalization', op: 'InstanceNormalization', inputs: [['X', F, [2, 3, 4, 5]], ['S', F, [3]], ['B', F, [3]]], tol: 1e-5 },
  { name: 'TopK', op: 'TopK', inputs: [['X', F, [3, 10]]], inits: { k: int64Tensor([1], [4]) }, outputs: 2, tol: 0 },
  { name: 'CumSum reverse exclusive', op: 'CumSum', inputs: [['X', F, [4, 6]]], inits: { axis: int64Tensor([], [1]) }, attrs: { reverse: attr.int(1), exclusive: attr.int(1) }, tol: 1e-6 },
];

describe('single-op models: executor vs onnxruntime-node', () => {
  before(async () => {
    await initBackend();
  });

  for (const c of CASES) {
    it(c.name, async () => {
      const m = model(c);
      const feeds = generateInputs(m, { seed: 11 });
      const r = executeModel(m, feeds);
      if (r._tag === 'Left') throw new Error(r.left.message);
      const session = await ort.InferenceSession.create(encodeModel(m), { intraOpNumThreads: 1, logSeverityLevel: 3 });
      const of: Record<string, ort.Tensor> = {};
      for (const [k, t] of Object.entries(feeds)) of[k] = toOrt(t);
      const exp = await session.run(of);
      await session.release();
      m.graph.outputs.forEach((v) => {
        const a = r.right.outputs[v.name]!;
        const e = exp[v.name]!;
        expect([...a.dims], v.name).to.deep.equal([...e.dims]);
        if (a.dtype === H) {
          const ab = a.data as Uint16Array;
          const eb = e.data as Uint16Array;
          let worst = 0;
          for (let i = 0; i < ab.length; i++) worst = Math.max(worst, Math.abs(ordered(ab[i]!) - ordered(eb[i]!)));
          expect(worst, `${v.name}: max ulp distance`).to.be.at.most(c.tol);
          return;
        }
        const ad = tensorToFloat64(a);
        const ed = Float64Array.from(e.data as ArrayLike<number | bigint>, Number);
        let scale = 0;
        let diff = 0;
        for (let i = 0; i < ad.length; i++) {
          scale = Math.max(scale, Math.abs(ed[i]!));
          diff = Math.max(diff, Math.abs(ad[i]! - ed[i]!));
        }
        expect(diff, `${v.name}: max |Δ| (scale ${scale})`).to.be.at.most(c.tol * Math.max(scale, 1e-30));
      });
    });
  }
});
