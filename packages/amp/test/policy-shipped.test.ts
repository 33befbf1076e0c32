import { expect } from 'chai';
import { DataType, GraphBuilder, knownOps, opSchemaHistory, type Model, type Node } from '@mixprec/ir';
import {
  ACCUMULATING_OPS, BALANCED_ENTRIES, BF16_RED_ENTRIES, TYPE_SEMANTIC_OPS, aggressive, balanced, bf16,
  createPolicyQuery, decide, type Policy, type RuledDecision,
} from '../src/index.js';

/** A one-node model of `op` (domain `d.Op` when dotted) over two float inputs. */
function nodeOf(op: string): { node: Node; model: Model } {
  const dot = op.lastIndexOf('.');
  const domain = dot < 0 ? '' : op.slice(0, dot);
  const opType = dot < 0 ? op : op.slice(dot + 1);
  const b = new GraphBuilder();
  const x = b.input('x', DataType.FLOAT, [1, 8, 4, 4]);
  const y = b.op1(opType, [x, x], { domain });
  b.output(y);
  return { node: y.producer()!, model: b.model({ opset: 27, opsets: domain === '' ? {} : { [domain]: 1 } }) };
}

function ask(p: Policy, op: string): RuledDecision {
  const { node, model } = nodeOf(op);
  return decide(p, createPolicyQuery(node, model));
}

/** A decision as the tables write it: colour, `/f32` for float32 accumulation. */
function short(d: RuledDecision): string {
  const acc = d.accumulation === undefined ? '' : d.accumulation === DataType.FLOAT ? '/f32'
    : d.accumulation === DataType.FLOAT16 ? '/f16' : '/bf16';
  return `${d.color}${acc}`;
}

// [op, aggressive, balanced, bf16]. The first block is every op of the six real models
// (Silero VAD v5/v6/legacy, PaddleOCR det/rec/cls); the second a broad sample of ONNX ops.
const TABLE: readonly (readonly [string, string, string, string])[] = [
  ['Add', 'green', 'gray', 'green'],
  ['AveragePool', 'green/f32', 'gray/f32', 'green/f32'],
  ['BatchNormalization', 'green/f32', 'gray', 'green/f32'],
  ['Cast', 'green', 'gray', 'green'],
  ['Clip', 'green', 'gray', 'green'],
  ['Concat', 'green', 'gray', 'green'],
  ['Constant', 'green', 'gray', 'green'],
  ['ConstantOfShape', 'green', 'gray', 'green'],
  ['Conv', 'green/f32', 'green/f32', 'green/f32'],
  ['ConvTranspose', 'green/f32', 'green/f32', 'green/f32'],
  ['Div', 'green', 'gray', 'green'],
  ['Equal', 'green', 'gray', 'green'],
  ['Gather', 'green', 'gray', 'green'],
  ['GlobalAveragePool', 'green/f32', 'red', 'green/f32'],
  ['HardSigmoid', 'green', 'gray', 'green'],
  ['Identity', 'green', 'gray', 'green'],
  ['If', 'green', 'gray', 'green'],
  ['LSTM', 'green/f32', 'green/f32', 'green/f32'],
  ['Log', 'green', 'red', 'green'],
  ['MatMul', 'green/f32', 'green/f32', 'green/f32'],
  ['MaxPool', 'green', 'gray', 'green'],
  ['Mul', 'green', 'gray', 'green'],
  ['Neg', 'green', 'gray', 'green'],
  ['Not', 'green', 'red', 'green'], // no float position: the pass never asks; the fallback answers
  ['Pad', 'green', 'gray', 'green'],
  ['Pow', 'green', 'red', 'red'],
  ['ReduceMean', 'green/f32', 'red', 'green/f32'],
  ['Relu', 'green', 'gray', 'green'],
  ['Reshape', 'green', 'gray', 'green'],
  ['Resize', 'green', 'gray', 'green'],
  ['Shape', 'green', 'gray', 'green'],
  ['Sigmoid', 'green', 'gray', 'green'],
  ['Size', 'green', 'gray', 'green'],
  ['Slice', 'green', 'gray', 'green'],
  ['Softmax', 'green/f32', 'red', 'green/f32'],
  ['Sqrt', 'green', 'gray', 'green'],
  ['Squeeze', 'green', 'gray', 'green'],
  ['Sub', 'green', 'gray', 'green'],
  ['Transpose', 'green', 'gray', 'green'],
  ['Unsqueeze', 'green', 'gray', 'green'],
  // broad sample
  ['Gemm', 'green/f32', 'green/f32', 'green/f32'],
  ['Einsum', 'green/f32', 'green/f32', 'green/f32'],
  ['Attention', 'green/f32', 'green/f32', 'green/f32'],
  ['GRU', 'green/f32', 'green/f32', 'green/f32'],
  ['RNN', 'green/f32', 'green/f32', 'green/f32'],
  ['DeformConv', 'green/f32', 'green/f32', 'green/f32'],
  ['LayerNormalization', 'green/f32', 'red', 'green/f32'],
  ['GroupNormalization', 'green/f32', 'red', 'green/f32'],
  ['InstanceNormalization', 'green/f32', 'red', 'green/f32'],
  ['RMSNormalization', 'green/f32', 'red', 'green/f32'],
  ['LpNormalization', 'green/f32', 'red', 'green/f32'],
  ['LogSoftmax', 'green/f32', 'red', 'green/f32'],
  ['ReduceSum', 'green/f32', 'red', 'green/f32'],
  ['ReduceL2', 'green/f32', 'red', 'green/f32'],
  ['ReduceLogSumExp', 'green/f32', 'red', 'green/f32'],
  ['ReduceProd', 'green/f32', 'red', 'red'],
  ['ReduceMax', 'green', 'gray', 'green'],
  ['ReduceMin', 'green', 'gray', 'green'],
  ['LpPool', 'green/f32', 'red', 'green/f32'],
  ['GlobalMaxPool', 'green', 'gray', 'green'],
  ['CumSum', 'green/f32', 'red', 'red'],
  ['CumProd', 'green/f32', 'red', 'red'],
  ['DFT', 'green/f32', 'red', 'red'],
  ['STFT', 'green/f32', 'red', 'red'],
  ['SoftmaxCrossEntropyLoss', 'green/f32', 'red', 'red'],
  ['Exp', 'green', 'red', 'red'],
  ['Reciprocal', 'green', 'red', 'green'],
  ['Softplus', 'green', 'red', 'green'],
  ['Erf', 'green', 'gray', 'green'],
  ['Gelu', 'green', 'gray', 'green'],
  ['Tanh', 'green', 'gray', 'green'],
  ['LeakyRelu', 'green', 'gray', 'green'],
  ['PRelu', 'green', 'gray', 'green'],
  ['HardSwish', 'green', 'gray', 'green'],
  ['Max', 'green', 'gray', 'green'],
  ['Min', 'green', 'gray', 'green'],
  ['Where', 'green', 'gray', 'green'],
  ['Less', 'green', 'gray', 'green'],
  ['ArgMax', 'green', 'gray', 'green'],
  ['TopK', 'green', 'gray', 'green'],
  ['Range', 'green', 'red', 'red'],
  ['Sin', 'green', 'red', 'red'],
  ['Cos', 'green', 'red', 'red'],
  ['Tan', 'green', 'red', 'green'],
  ['GridSample', 'green', 'gray', 'red'],
  ['RoiAlign', 'green', 'red', 'red'],
  ['NonMaxSuppression', 'green', 'red', 'red'],
  ['Upsample', 'green', 'red', 'green'],
  ['Expand', 'green', 'gray', 'green'],
  ['Tile', 'green', 'gray', 'green'],
  ['Split', 'green', 'gray', 'green'],
  ['Flatten', 'green', 'gray', 'green'],
  ['GatherND', 'green', 'gray', 'green'],
  ['ScatterND', 'green', 'gray', 'green'],
  ['DepthToSpace', 'green', 'gray', 'green'],
  ['Loop', 'green', 'gray', 'green'],
  ['SequenceAt', 'green', 'gray', 'green'],
  ['RandomNormalLike', 'green', 'gray', 'green'],
  ['HannWindow', 'green', 'gray', 'green'],
  ['Dropout', 'green', 'gray', 'green'],
  ['BitCast', 'red', 'red', 'red'],
  ['com.microsoft.FusedMatMul', 'green', 'red', 'green'], // no rule knows it: fallback (the pass keeps unclaimed custom ops red)
];

describe('shipped policies', () => {
  it('target FLOAT16 (aggressive, balanced) and BFLOAT16 (bf16)', () => {
    expect(aggressive.target).to.equal(DataType.FLOAT16);
    expect(balanced.target).to.equal(DataType.FLOAT16);
    expect(bf16.target).to.equal(DataType.BFLOAT16);
    expect([aggressive.name, balanced.name, bf16.name]).to.deep.equal(['aggressive', 'balanced', 'bf16']);
  });

  for (const [op, a, b, f] of TABLE) {
    it(`${op}: aggressive ${a}, balanced ${b}, bf16 ${f}`, () => {
      expect([short(ask(aggressive, op)), short(ask(balanced, op)), short(ask(bf16, op))]).to.deep.equal([a, b, f]);
    });
  }

  describe('aggressive', () => {
    it('makes every accumulating op green with float32 accumulation', () => {
      for (const op of ACCUMULATING_OPS) expect(short(ask(aggressive, op)), op).to.equal('green/f32');
    });
    it('falls back green with the coreai_opt reason, and keeps type-semantic ops red', () => {
      const d = ask(aggressive, 'Celu');
      expect(d).to.include({ color: 'green', rule: 'fallback' });
      expect(d.reason).to.contain('coreai_opt');
      for (const op of TYPE_SEMANTIC_OPS) expect(ask(aggressive, op).color).to.equal('red');
    });
  });

  describe('balanced', () => {
    const quantized = new Set(['DequantizeLinear', 'QuantizeLinear', 'DynamicQuantizeLinear', 'QLinearConv', 'QLinearMatMul', 'MatMulInteger', 'ConvInteger']);
    const floatOps = knownOps('').filter((o) => !quantized.has(o.opType) && opSchemaHistory('', o.opType).some((s) =>
      [...s.typeConstraints.values()].some((ts) => ts.includes('tensor(float)'))
      || [...s.inputs, ...s.outputs].some((p) => p.typeStr === 'tensor(float)')));

    it('lists every ONNX op with a float input or output explicitly (the fallback is for unknown ops)', () => {
      expect(floatOps.length).to.be.greaterThan(150);
      const missing = floatOps.filter((o) => !BALANCED_ENTRIES.has(o.opType)).map((o) => o.opType);
      expect(missing).to.deep.equal([]);
      for (const o of floatOps) expect(ask(balanced, o.opType).rule, o.opType).to.equal('balanced:lists');
    });
    it('lists only ONNX ops', () => {
      const known = new Set(knownOps('').map((o) => o.opType));
      expect([...BALANCED_ENTRIES.keys()].filter((op) => !known.has(op))).to.deep.equal([]);
    });
    it('gives every listed op a reason that names its colour and an anchor', () => {
      const anchor = /TVM|TF |TF AMP|PyTorch|onnxconverter|onnxruntime|ModelOpt|coremltools|transformers\.js|listed by no|exact in 16-bit|data movement|a convolution|control flow|creation op|an attention|reads|schema|like |NVIDIA|reinterprets bits/;
      for (const [op, [color]] of BALANCED_ENTRIES) {
        const d = ask(balanced, op);
        expect(d.color, op).to.equal(color);
        expect(d.reason, op).to.match(new RegExp(`^balanced: ${op} ${color}`));
        expect(d.reason, op).to.match(anchor);
      }
    });
    it('has float32 accumulation on every green op', () => {
      for (const [op, [color]] of BALANCED_ENTRIES) if (color === 'green') expect(short(ask(balanced, op)), op).to.equal('green/f32');
    });
    it('keeps unknown ops red (TVM Relax kNever) with that reason', () => {
      const d = ask(balanced, 'com.example.Unknown');
      expect(d).to.include({ color: 'red', rule: 'fallback' });
      expect(d.reason).to.contain('kNever');
    });
  });

  describe('bf16', () => {
    it('keeps its red ops red with a reason, everything accumulating and not red green/f32', () => {
      for (const [op] of BF16_RED_ENTRIES) {
        const d = ask(bf16, op);
        expect(d.color, op).to.equal('red');
        expect(d.reason, op).to.match(new RegExp(`^bf16: ${op} red \\(.+\\)$`));
      }
      for (const op of ACCUMULATING_OPS) {
        if (BF16_RED_ENTRIES.has(op)) continue;
        expect(short(ask(bf16, op)), op).to.equal('green/f32');
      }
    });
    it('falls back green, explaining bfloat16 range', () => {
      const d = ask(bf16, 'Asinh');
      expect(d).to.include({ color: 'green', rule: 'fallback' });
      expect(d.reason).to.contain('exponent range');
    });
  });

  it('answers every known op deterministically', () => {
    for (const o of knownOps()) {
      const op = o.domain === '' ? o.opType : `${o.domain}.${o.opType}`;
      for (const p of [aggressive, balanced, bf16]) {
        const d1 = ask(p, op);
        expect(['green', 'gray', 'red']).to.include(d1.color);
        expect(d1).to.deep.equal(ask(p, op));
      }
    }
  });
});
