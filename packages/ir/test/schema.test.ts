import { expect } from 'chai';
import {
  DataType, allowedInputTypes, allowedOutputTypes, formalInputIndex, formalOutputIndex, getOpSchema,
  inputAdmits, inputParam, inputTypeParam, inputsSharingTypeParam, knownOps, maxKnownOpset, opSupportsType,
  opVersions, outputAdmits, outputTypeParam, outputsSharingTypeParam, typeParamGroups, type OpSchema,
} from '../src/index.js';

/** The schema, or a failed test naming what is missing. */
function schema(op: string, opset: number, domain = ''): OpSchema {
  const s = getOpSchema(domain, op, opset);
  if (s === undefined) throw new Error(`no schema for ${domain || 'ai.onnx'}:${op} at opset ${opset}`);
  return s;
}

const F16 = DataType.FLOAT16;
const BF16 = DataType.BFLOAT16;

describe('op schema table: lookup', () => {
  it('picks the newest version with since_version <= opset', () => {
    expect(schema('Resize', 10).sinceVersion).to.equal(10);
    expect(schema('Resize', 12).sinceVersion).to.equal(11);
    expect(schema('Resize', 17).sinceVersion).to.equal(13);
    expect(schema('Resize', 18).sinceVersion).to.equal(18);
    expect(schema('Resize', 27).sinceVersion).to.equal(19);
    expect(getOpSchema('', 'Resize', 9)).to.equal(undefined);
    expect(getOpSchema('', 'Attention', 22)).to.equal(undefined);
    expect(schema('Attention', 23).sinceVersion).to.equal(23);
  });

  it('treats ai.onnx as the default domain and knows no other vendor domain', () => {
    expect(getOpSchema('ai.onnx', 'Relu', 14)).to.equal(getOpSchema('', 'Relu', 14));
    expect(getOpSchema('com.microsoft', 'FusedMatMul', 1)).to.equal(undefined);
    expect(getOpSchema('com.microsoft', 'Relu', 14)).to.equal(undefined);
    expect(opSupportsType('com.microsoft', 'Gelu', 1, DataType.FLOAT)).to.equal(false);
    expect(schema('LabelEncoder', 4, 'ai.onnx.ml').sinceVersion).to.equal(4);
    expect(schema('Adam', 1, 'ai.onnx.preview.training').inputs[2]).to.deep.include({ option: 'variadic', homogeneous: false });
  });

  it('lists version histories', () => {
    expect(opVersions('', 'Cast')).to.deep.equal([1, 6, 9, 13, 19, 21, 23, 24, 25]);
    expect(opVersions('ai.onnx', 'Pad')).to.deep.equal([1, 2, 11, 13, 18, 19, 21, 23, 24, 25]);
    expect(opVersions('', 'IsInf')).to.deep.equal([10, 20]);
    expect(opVersions('', 'NoSuchOp')).to.deep.equal([]);
    expect(maxKnownOpset('')).to.equal(27);
    expect(maxKnownOpset('ai.onnx.ml')).to.equal(5);
    expect(maxKnownOpset('com.microsoft')).to.equal(undefined);
  });

  it('marks deprecated versions', () => {
    expect(schema('Upsample', 10).deprecated).to.equal(true);
    expect(schema('Upsample', 9).deprecated).to.equal(false);
    expect(schema('GroupNormalization', 18).deprecated).to.equal(true);
    expect(schema('GroupNormalization', 21).deprecated).to.equal(false);
  });
});

describe('op schema table: facts from the ONNX spec', () => {
  it('Resize: scales is a fixed tensor(float), roi is T2 (13 and 19)', () => {
    for (const v of [13, 19]) {
      const s = schema('Resize', v);
      expect(s.sinceVersion).to.equal(v);
      expect(inputParam(s, 2)?.name).to.equal('scales');
      expect(inputTypeParam(s, 2)).to.equal(undefined);
      expect(allowedInputTypes(s, 2)).to.deep.equal(['tensor(float)']);
      expect(inputAdmits(s, 2, F16)).to.equal(false);
      expect(inputAdmits(s, 2, DataType.FLOAT)).to.equal(true);
      expect(inputTypeParam(s, 1)).to.equal('T2');
      expect(inputAdmits(s, 1, F16)).to.equal(true);
      expect(inputAdmits(s, 0, F16)).to.equal(true);
      expect(allowedInputTypes(s, 3)).to.deep.equal(['tensor(int64)']);
    }
    expect(schema('Resize', 19).attributes.get('mode')?.default).to.deep.equal({ type: 'STRING', value: 'nearest' });
  });

  it('IsInf: float16 and bfloat16 only from opset 20 (IsNaN had them from 13; both add float8 at 20)', () => {
    for (const d of [F16, BF16]) {
      expect(inputAdmits(schema('IsInf', 10), 0, d)).to.equal(false);
      expect(inputAdmits(schema('IsInf', 19), 0, d)).to.equal(false);
      expect(inputAdmits(schema('IsInf', 20), 0, d)).to.equal(true);
      expect(inputAdmits(schema('IsNaN', 9), 0, d)).to.equal(d === F16);
      expect(inputAdmits(schema('IsNaN', 13), 0, d)).to.equal(true);
    }
    for (const op of ['IsInf', 'IsNaN']) {
      expect(inputAdmits(schema(op, 19), 0, DataType.FLOAT8E4M3FN)).to.equal(false);
      expect(inputAdmits(schema(op, 20), 0, DataType.FLOAT8E4M3FN)).to.equal(true);
      expect(outputAdmits(schema(op, 20), 0, DataType.BOOL)).to.equal(true);
    }
    expect(opSupportsType('', 'IsInf', 19, F16)).to.equal(false);
    expect(opSupportsType('', 'IsInf', 20, F16)).to.equal(true);
  });

  it('DequantizeLinear: x_scale float only at 13, float16/bfloat16 from 19; output follows T3 from 23', () => {
    const d13 = schema('DequantizeLinear', 13);
    expect(allowedInputTypes(d13, 1)).to.deep.equal(['tensor(float)']);
    expect(allowedOutputTypes(d13, 0)).to.deep.equal(['tensor(float)']);
    const d19 = schema('DequantizeLinear', 19);
    expect(inputAdmits(d19, 1, F16)).to.equal(true);
    expect(inputAdmits(d19, 1, BF16)).to.equal(true);
    expect(outputsSharingTypeParam(d19, 0)?.inputs).to.deep.equal([1]);
    expect(inputAdmits(schema('DequantizeLinear', 21), 0, DataType.INT16)).to.equal(true);
    expect(inputAdmits(d19, 0, DataType.INT16)).to.equal(false);
    const d23 = schema('DequantizeLinear', 23);
    expect(outputTypeParam(d23, 0)).to.equal('T3');
    expect(outputsSharingTypeParam(d23, 0)?.inputs).to.deep.equal([]);
    expect(d23.attributes.get('output_dtype')?.default).to.deep.equal({ type: 'INT', value: 0 });
  });

  it('QuantizeLinear: x float/int32 only at 13, float16 from 19; DynamicQuantizeLinear float only', () => {
    const q13 = schema('QuantizeLinear', 13);
    expect(inputAdmits(q13, 0, F16)).to.equal(false);
    expect(allowedInputTypes(q13, 1)).to.deep.equal(['tensor(float)']);
    const q19 = schema('QuantizeLinear', 19);
    expect(inputAdmits(q19, 0, F16)).to.equal(true);
    expect(inputsSharingTypeParam(q19, 0)?.inputs).to.deep.equal([0, 1]);
    const q23 = schema('QuantizeLinear', 23);
    expect(inputTypeParam(q23, 1)).to.equal('T2');
    expect(inputsSharingTypeParam(q23, 0)?.inputs).to.deep.equal([0]);
    for (const v of [11, 17, 27]) {
      const dq = schema('DynamicQuantizeLinear', v);
      expect(allowedInputTypes(dq, 0)).to.deep.equal(['tensor(float)']);
      expect(opSupportsType('', 'DynamicQuantizeLinear', v, F16)).to.equal(false);
    }
  });

  it('BatchNormalization-15 splits T (X, Y), T1 (scale, B) and T2 (mean, var and running stats)', () => {
    const s = schema('BatchNormalization', 15);
    expect(s.inputs.map((p) => p.typeStr)).to.deep.equal(['T', 'T1', 'T1', 'T2', 'T2']);
    expect(inputsSharingTypeParam(s, 0)).to.include({ param: 'T' });
    expect(inputsSharingTypeParam(s, 0)?.outputs).to.deep.equal([0]);
    expect(inputsSharingTypeParam(s, 1)?.inputs).to.deep.equal([1, 2]);
    expect(inputsSharingTypeParam(s, 3)?.inputs).to.deep.equal([3, 4]);
    expect(inputsSharingTypeParam(s, 3)?.outputs).to.deep.equal([1, 2]);
    expect(schema('BatchNormalization', 14).inputs.map((p) => p.typeStr)).to.deep.equal(['T', 'T', 'T', 'U', 'U']);
  });

  it('Clip-13: min and max share T with the input and output', () => {
    const b = inputsSharingTypeParam(schema('Clip', 13), 1);
    expect(b?.param).to.equal('T');
    expect(b?.inputs).to.deep.equal([0, 1, 2]);
    expect(b?.outputs).to.deep.equal([0]);
    expect(schema('Clip', 13).inputs.map((p) => p.option)).to.deep.equal(['single', 'optional', 'optional']);
  });

  it('Concat: one homogeneous variadic T; actual indices map onto formal 0', () => {
    const s = schema('Concat', 13);
    expect(s.inputs).to.have.length(1);
    expect(s.inputs[0]).to.deep.include({ option: 'variadic', homogeneous: true, typeStr: 'T', minArity: 1 });
    expect(s.maxInputs).to.equal(Infinity);
    expect(formalInputIndex(s, 0)).to.equal(0);
    expect(formalInputIndex(s, 7)).to.equal(0);
    expect(typeParamGroups(s, 4, 1)).to.deep.equal([{ param: 'T', inputs: [0, 1, 2, 3], outputs: [0], allowed: s.typeConstraints.get('T') }]);
    expect(s.attributes.get('axis')).to.deep.include({ type: 'INT', required: true });
  });

  it('Where: X and Y share T with the output, condition is bool', () => {
    const s = schema('Where', 16);
    expect(allowedInputTypes(s, 0)).to.deep.equal(['tensor(bool)']);
    expect(inputsSharingTypeParam(s, 1)?.inputs).to.deep.equal([1, 2]);
    expect(inputsSharingTypeParam(s, 2)?.outputs).to.deep.equal([0]);
    expect(inputAdmits(s, 0, F16)).to.equal(false);
  });

  it('Cast-19: output T2 is bound to no input (it follows `to`)', () => {
    const s = schema('Cast', 19);
    expect(outputTypeParam(s, 0)).to.equal('T2');
    expect(outputsSharingTypeParam(s, 0)?.inputs).to.deep.equal([]);
    expect(outputAdmits(s, 0, DataType.FLOAT8E4M3FN)).to.equal(true);
    expect(outputAdmits(schema('Cast', 13), 0, DataType.FLOAT8E4M3FN)).to.equal(false);
    expect(outputAdmits(s, 0, DataType.INT4)).to.equal(false);
    expect(outputAdmits(schema('Cast', 21), 0, DataType.INT4)).to.equal(true);
    expect(s.attributes.get('to')).to.deep.equal({ name: 'to', type: 'INT', required: true });
    expect(s.attributes.get('saturate')?.default).to.deep.equal({ type: 'INT', value: 1 });
  });

  it('LayerNormalization-17: Mean and InvStdDev are typed U (float, bfloat16), not T', () => {
    const s = schema('LayerNormalization', 17);
    expect(outputTypeParam(s, 0)).to.equal('T');
    expect(outputTypeParam(s, 1)).to.equal('U');
    expect(outputTypeParam(s, 2)).to.equal('U');
    expect(outputAdmits(s, 1, F16)).to.equal(false);
    expect(outputAdmits(s, 0, F16)).to.equal(true);
    expect(outputsSharingTypeParam(s, 1)?.inputs).to.deep.equal([]);
    expect(s.outputs.map((p) => p.option)).to.deep.equal(['single', 'optional', 'optional']);
    expect(s.attributes.get('epsilon')?.default).to.deep.equal({ type: 'FLOAT', value: Math.fround(1e-5) });
  });

  it('Reduce*: ReduceSum takes axes as an input from 13, ReduceMean from 18', () => {
    const sum13 = schema('ReduceSum', 13);
    expect(sum13.inputs[1]).to.deep.include({ name: 'axes', typeStr: 'tensor(int64)', option: 'optional' });
    expect(sum13.attributes.has('axes')).to.equal(false);
    const mean17 = schema('ReduceMean', 17);
    expect(mean17.sinceVersion).to.equal(13);
    expect(mean17.inputs).to.have.length(1);
    expect(mean17.attributes.get('axes')?.type).to.equal('INTS');
    const mean18 = schema('ReduceMean', 18);
    expect(mean18.inputs[1]).to.deep.include({ name: 'axes', typeStr: 'tensor(int64)', option: 'optional' });
    expect(mean18.attributes.has('axes')).to.equal(false);
    for (const op of ['ReduceL1', 'ReduceL2', 'ReduceLogSum', 'ReduceLogSumExp', 'ReduceMax', 'ReduceMin', 'ReduceProd', 'ReduceSumSquare']) {
      expect(schema(op, 18).inputs[1]?.name, op).to.equal('axes');
    }
    expect(inputAdmits(schema('ReduceMax', 18), 0, DataType.BOOL)).to.equal(false);
    expect(inputAdmits(schema('ReduceMax', 20), 0, DataType.BOOL)).to.equal(true);
  });

  it('Range: start, limit and delta share T; int16 at 11, float16 only from 27', () => {
    const s = schema('Range', 11);
    expect(inputsSharingTypeParam(s, 0)?.inputs).to.deep.equal([0, 1, 2]);
    expect(inputsSharingTypeParam(s, 0)?.outputs).to.deep.equal([0]);
    expect(opSupportsType('', 'Range', 11, DataType.INT16)).to.equal(true);
    expect(opSupportsType('', 'Range', 26, F16)).to.equal(false);
    expect(opSupportsType('', 'Range', 27, F16)).to.equal(true);
  });

  it('ConstantOfShape: output types widen at 20, 21 and 23', () => {
    const out = (v: number, d: DataType): boolean => outputAdmits(schema('ConstantOfShape', v), 0, d);
    expect(out(9, F16)).to.equal(true);
    expect(out(9, BF16)).to.equal(false);
    expect(out(20, BF16)).to.equal(true);
    expect(out(20, DataType.FLOAT8E4M3FN)).to.equal(true);
    expect(out(20, DataType.INT4)).to.equal(false);
    expect(out(21, DataType.INT4)).to.equal(true);
    expect(out(21, DataType.FLOAT4E2M1)).to.equal(false);
    expect(out(23, DataType.FLOAT4E2M1)).to.equal(true);
    expect(allowedInputTypes(schema('ConstantOfShape', 21), 0)).to.deep.equal(['tensor(int64)']);
    expect(opSupportsType('', 'ConstantOfShape', 21, F16)).to.equal(false); // the input is the int64 shape
  });

  it('Gather: indices are Tind (int32, int64)', () => {
    const s = schema('Gather', 13);
    expect(inputTypeParam(s, 1)).to.equal('Tind');
    expect(allowedInputTypes(s, 1)).to.deep.equal(['tensor(int32)', 'tensor(int64)']);
    expect(inputAdmits(s, 1, DataType.INT16)).to.equal(false);
    expect(inputAdmits(s, 0, DataType.INT16)).to.equal(true);
  });

  it('Loop: v_initial is a heterogeneous variadic, so its values bind no common type', () => {
    const s = schema('Loop', 16);
    expect(s.inputs[2]).to.deep.include({ option: 'variadic', homogeneous: false, typeStr: 'V' });
    expect(inputsSharingTypeParam(s, 4)?.homogeneous).to.equal(false);
    const groups = typeParamGroups(s, 5, 3);
    expect(groups.map((g) => g.param)).to.deep.equal(['I', 'B']);
    expect(formalOutputIndex(s, 2)).to.equal(0);
    expect(inputAdmits(s, 3, 'seq(tensor(float16))')).to.equal(true);
  });

  it('Split-18: variadic outputs, num_outputs attribute', () => {
    const s = schema('Split', 18);
    expect(s.outputs[0]).to.deep.include({ option: 'variadic', typeStr: 'T' });
    expect(s.attributes.get('num_outputs')).to.deep.equal({ name: 'num_outputs', type: 'INT', required: false });
    expect(typeParamGroups(s, 2, 3)[0]?.outputs).to.deep.equal([0, 1, 2]);
    expect(typeParamGroups(s, 2, 3)[0]?.inputs).to.deep.equal([0]);
  });

  it('Pad: constant_value shares T with data; axes (Tind) from 18; float8 from 21, float4 from 23', () => {
    const p18 = schema('Pad', 18);
    expect(p18.inputs.map((p) => p.name)).to.deep.equal(['data', 'pads', 'constant_value', 'axes']);
    expect(inputsSharingTypeParam(p18, 2)?.inputs).to.deep.equal([0, 2]);
    expect(inputTypeParam(p18, 3)).to.equal('Tind');
    expect(inputAdmits(schema('Pad', 19), 0, DataType.FLOAT8E5M2)).to.equal(false);
    expect(inputAdmits(schema('Pad', 21), 0, DataType.FLOAT8E5M2)).to.equal(true);
    expect(inputAdmits(schema('Pad', 23), 0, DataType.FLOAT4E2M1)).to.equal(true);
    expect(schema('Pad', 17).inputs).to.have.length(3);
  });

  it('shape ops widen: float8 at 19, int4/uint4 at 21, float4e2m1 at 23, float8e8m0 at 24, int2/uint2 at 25', () => {
    const steps: readonly [number, DataType][] = [
      [19, DataType.FLOAT8E4M3FN], [21, DataType.INT4], [23, DataType.FLOAT4E2M1], [24, DataType.FLOAT8E8M0], [25, DataType.INT2],
    ];
    for (const op of ['Reshape', 'Identity', 'Shape', 'Size', 'Cast', 'Constant', 'If']) {
      for (const [v, d] of steps) {
        const admits = (opset: number): boolean => {
          const s = schema(op, opset);
          return s.inputs.length > 0 ? inputAdmits(s, 0, d) : outputAdmits(s, 0, d);
        };
        if (op === 'If') {
          expect(outputAdmits(schema(op, v - 1), 0, d), `${op}@${v - 1} ${d}`).to.equal(false);
          expect(outputAdmits(schema(op, v), 0, d), `${op}@${v} ${d}`).to.equal(true);
          continue;
        }
        expect(admits(v - 1), `${op}@${v - 1} ${d}`).to.equal(false);
        expect(admits(v), `${op}@${v} ${d}`).to.equal(true);
      }
    }
  });

  it('opset-22 ops gained bfloat16', () => {
    for (const op of ['Acos', 'Conv', 'ConvTranspose', 'MaxPool', 'AveragePool', 'LSTM', 'GRU', 'RNN', 'Selu', 'Elu', 'InstanceNormalization', 'RoiAlign', 'Mish', 'Softplus']) {
      expect(opSupportsType('', op, 21, BF16), `${op}-21`).to.equal(false);
      expect(opSupportsType('', op, 22, BF16), `${op}-22`).to.equal(true);
      expect(opSupportsType('', op, 22, F16), `${op}-22 fp16`).to.equal(true);
    }
  });

  it('opset-23 ops: Attention, RotaryEmbedding, RMSNormalization', () => {
    const att = schema('Attention', 23);
    expect(att.inputs.map((p) => p.name)).to.deep.equal(['Q', 'K', 'V', 'attn_mask', 'past_key', 'past_value']);
    expect(inputsSharingTypeParam(att, 0)?.inputs).to.deep.equal([0, 1, 4]);
    expect(inputAdmits(att, 3, DataType.BOOL)).to.equal(true);
    const rope = schema('RotaryEmbedding', 23);
    expect(inputsSharingTypeParam(rope, 0)?.inputs).to.deep.equal([0, 1, 2]);
    expect(allowedInputTypes(rope, 3)).to.deep.equal(['tensor(int64)']);
    const rms = schema('RMSNormalization', 23);
    expect(inputTypeParam(rms, 1)).to.equal('V');
    expect(outputTypeParam(rms, 0)).to.equal('V');
    expect(rms.attributes.get('stash_type')?.default).to.deep.equal({ type: 'INT', value: 1 });
  });

  it('keeps exact float32 defaults', () => {
    expect(schema('Selu', 6).attributes.get('alpha')?.default?.value).to.equal(Math.fround(1.67326319217681884765625));
    expect(schema('Selu', 22).attributes.get('alpha')?.default?.value).to.equal(Math.fround(1.67326319217681884765625));
    expect(schema('Selu', 22).attributes.get('gamma')?.default?.value).to.equal(Math.fround(1.05070102214813232421875));
    expect(schema('LeakyRelu', 16).attributes.get('alpha')?.default?.value).to.equal(Math.fround(0.01));
    expect(schema('LSTM', 22).attributes.get('activations')).to.deep.equal({ name: 'activations', type: 'STRINGS', required: false });
  });

  it('sequence and optional types: SequenceAt, OptionalHasElement-18', () => {
    const s = schema('SequenceAt', 11);
    expect(inputAdmits(s, 0, 'seq(tensor(float16))')).to.equal(true);
    expect(inputAdmits(s, 0, F16)).to.equal(false);
    expect(inputAdmits(s, 0, { kind: 'sequence', elem: { kind: 'tensor', dtype: DataType.FLOAT } })).to.equal(true);
    expect(outputAdmits(s, 0, F16)).to.equal(true);
    expect(inputAdmits(schema('OptionalHasElement', 15), 0, F16)).to.equal(false);
    expect(inputAdmits(schema('OptionalHasElement', 18), 0, F16)).to.equal(true);
    expect(inputAdmits(schema('OptionalHasElement', 18), 0, 'optional(tensor(float16))')).to.equal(true);
    expect(schema('OptionalHasElement', 18).inputs[0]?.option).to.equal('optional');
    expect(inputAdmits(schema('ZipMap', 1, 'ai.onnx.ml'), 0, DataType.FLOAT)).to.equal(true);
    expect(outputAdmits(schema('ZipMap', 1, 'ai.onnx.ml'), 0, 'seq(map(int64,float))')).to.equal(true);
  });

  it('maps actual indices past the last non-variadic parameter to undefined', () => {
    const s = schema('Relu', 14);
    expect(formalInputIndex(s, 1)).to.equal(undefined);
    expect(formalInputIndex(s, -1)).to.equal(undefined);
    expect(allowedInputTypes(s, 3)).to.deep.equal([]);
    expect(inputAdmits(s, 3, DataType.FLOAT)).to.equal(false);
    expect(inputsSharingTypeParam(s, 3)).to.equal(undefined);
    const c = schema('Constant', 21);
    expect(c.inputs).to.have.length(0);
    expect(formalInputIndex(c, 0)).to.equal(undefined);
  });
});

/** ai.onnx operators at opset 17 (onnx 1.12 Operators.md index; the same 178 names as onnx.defs). */
const OPSET17_OPS = `Abs Acos Acosh Add And ArgMax ArgMin Asin Asinh Atan Atanh AveragePool BatchNormalization Bernoulli
BitShift BlackmanWindow Cast CastLike Ceil Celu Clip Compress Concat ConcatFromSequence Constant ConstantOfShape Conv
ConvInteger ConvTranspose Cos Cosh CumSum DFT DepthToSpace DequantizeLinear Det Div Dropout DynamicQuantizeLinear Einsum
Elu Equal Erf Exp Expand EyeLike Flatten Floor GRU Gather GatherElements GatherND Gemm GlobalAveragePool GlobalLpPool
GlobalMaxPool Greater GreaterOrEqual GridSample HammingWindow HannWindow HardSigmoid HardSwish Hardmax Identity If
InstanceNormalization IsInf IsNaN LRN LSTM LayerNormalization LeakyRelu Less LessOrEqual Log LogSoftmax Loop
LpNormalization LpPool MatMul MatMulInteger Max MaxPool MaxRoiPool MaxUnpool Mean MeanVarianceNormalization
MelWeightMatrix Min Mod Mul Multinomial Neg NegativeLogLikelihoodLoss NonMaxSuppression NonZero Not OneHot Optional
OptionalGetElement OptionalHasElement Or PRelu Pad Pow QLinearConv QLinearMatMul QuantizeLinear RNN RandomNormal
RandomNormalLike RandomUniform RandomUniformLike Range Reciprocal ReduceL1 ReduceL2 ReduceLogSum ReduceLogSumExp
ReduceMax ReduceMean ReduceMin ReduceProd ReduceSum ReduceSumSquare Relu Reshape Resize ReverseSequence RoiAlign Round
STFT Scan Scatter ScatterElements ScatterND Selu SequenceAt SequenceConstruct SequenceEmpty SequenceErase SequenceInsert
SequenceLength SequenceMap Shape Shrink Sigmoid Sign Sin Sinh Size Slice Softmax SoftmaxCrossEntropyLoss Softplus
Softsign SpaceToDepth Split SplitToSequence Sqrt Squeeze StringNormalizer Sub Sum Tan Tanh TfIdfVectorizer
ThresholdedRelu Tile TopK Transpose Trilu Unique Unsqueeze Upsample Where Xor`.split(/\s+/);

/** The operator versions each ai.onnx opset after 17 introduced (section headings of Changelog.md, onnx v1.22.0). */
const NEW_IN_OPSET: Readonly<Record<number, string>> = {
  18: `BitwiseAnd BitwiseNot BitwiseOr BitwiseXor CenterCropPad Col2Im GroupNormalization LpPool Mish OptionalGetElement
    OptionalHasElement Pad ReduceL1 ReduceL2 ReduceLogSum ReduceLogSumExp ReduceMax ReduceMean ReduceMin ReduceProd
    ReduceSumSquare Resize ScatterElements ScatterND Split`,
  19: `AveragePool Cast CastLike Constant DeformConv DequantizeLinear Equal Identity If Loop Pad QuantizeLinear Reshape
    Resize Scan Shape Size`,
  20: `AffineGrid ConstantOfShape DFT Gelu GridSample ImageDecoder IsInf IsNaN ReduceMax ReduceMin RegexFullMatch
    StringConcat StringSplit`,
  21: `Cast CastLike Constant ConstantOfShape DequantizeLinear Flatten GroupNormalization Identity If Loop Pad
    QLinearMatMul QuantizeLinear Reshape Scan Shape Size Squeeze Transpose Unsqueeze`,
  22: `Acos Acosh Asin Asinh Atan Atanh AveragePool Bernoulli Conv ConvTranspose Cos Cosh DeformConv Det Dropout Elu
    EyeLike GRU GlobalAveragePool GlobalLpPool GlobalMaxPool GridSample HardSigmoid HardSwish InstanceNormalization LSTM
    LpNormalization LpPool MaxPool MaxRoiPool MaxUnpool Mish Multinomial NegativeLogLikelihoodLoss RNN RandomNormal
    RandomNormalLike RandomUniform RandomUniformLike RoiAlign Round Selu Sin Sinh Softplus Softsign Tan ThresholdedRelu`,
  23: `Attention Cast CastLike Constant ConstantOfShape DequantizeLinear Flatten Identity If Loop Pad QuantizeLinear
    RMSNormalization Reshape RotaryEmbedding Scan Shape Size Squeeze Transpose Unsqueeze`,
  24: `Attention Cast CastLike Constant ConstantOfShape DequantizeLinear Flatten Identity If Loop Pad QuantizeLinear
    Reshape Scan Shape Size SplitToSequence Squeeze Swish TensorScatter TopK Transpose Unsqueeze`,
  25: `Cast CastLike Constant ConstantOfShape DequantizeLinear Flatten Identity If Loop Pad QuantizeLinear Reshape Scan
    Shape Size Squeeze Transpose Unsqueeze`,
  26: 'BitCast CumProd',
  27: 'CausalConvWithState LinearAttention Range',
};

describe('op schema table: coverage', () => {
  it('has every ai.onnx operator of opset 17 (178) and no other', () => {
    expect(OPSET17_OPS).to.have.length(178);
    const at17 = knownOps('', 17).map((k) => k.opType);
    expect(at17).to.deep.equal([...OPSET17_OPS].sort());
    for (const op of OPSET17_OPS) expect(getOpSchema('', op, 17), op).to.not.equal(undefined);
  });

  it('has every operator version introduced by opsets 18 to 27, and no other', () => {
    for (const [v, names] of Object.entries(NEW_IN_OPSET)) {
      const opset = Number(v);
      const expected = names.split(/\s+/).filter((n) => n !== '').sort();
      for (const op of expected) {
        expect(getOpSchema('', op, opset)?.sinceVersion, `${op}-${opset}`).to.equal(opset);
      }
      const actual = knownOps('').filter((k) => k.versions.includes(opset)).map((k) => k.opType);
      expect(actual, `opset ${opset}`).to.deep.equal(expected);
    }
  });

  it('covers ai.onnx.ml 1-5 and the preview domains', () => {
    expect(knownOps('ai.onnx.ml')).to.have.length(19);
    expect(opVersions('ai.onnx.ml', 'LabelEncoder')).to.deep.equal([1, 2, 4]);
    expect(opVersions('ai.onnx.ml', 'TreeEnsemble')).to.deep.equal([5]);
    expect(schema('TreeEnsembleClassifier', 5, 'ai.onnx.ml').deprecated).to.equal(true);
    expect(knownOps('ai.onnx.preview.training').map((k) => k.opType)).to.deep.equal(['Adagrad', 'Adam', 'Gradient', 'Momentum']);
    expect(knownOps('ai.onnx.preview').map((k) => k.opType)).to.deep.equal(['FlexAttention']);
  });
});
