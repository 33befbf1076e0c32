import { expect } from 'chai';
import * as ort from 'onnxruntime-node';
import { DataType, type Model } from '@mixprec/ir';
import { encodeModel } from '@mixprec/onnx';
import { ORT_CPU_VERSION, ortCpuRuns, ortCpuTable } from '../../src/index.js';
import { parseText } from './helpers.js';

/**
 * Single-op models per table entry, with the op's integer group in `T` (int16 or int32); other
 * inputs as the op needs them. Each is loaded and run in onnxruntime-node: the table in
 * ort-kernels.ts must say exactly which of them ORT's CPU provider runs.
 */
const CASES: Readonly<Record<string, readonly [inputs: string, body: string, outputs: string]>> = {
  Add: ['T[4] A, T[4] B', 'Y = Add (A, B)', 'T[4] Y'],
  Sub: ['T[4] A, T[4] B', 'Y = Sub (A, B)', 'T[4] Y'],
  Mul: ['T[4] A, T[4] B', 'Y = Mul (A, B)', 'T[4] Y'],
  Div: ['T[4] A, T[4] B', 'Y = Div (A, B)', 'T[4] Y'],
  Mod: ['T[4] A, T[4] B', 'Y = Mod (A, B)', 'T[4] Y'],
  Neg: ['T[4] A', 'Y = Neg (A)', 'T[4] Y'],
  Abs: ['T[4] A', 'Y = Abs (A)', 'T[4] Y'],
  Sign: ['T[4] A', 'Y = Sign (A)', 'T[4] Y'],
  Equal: ['T[4] A, T[4] B', 'Y = Equal (A, B)', 'bool[4] Y'],
  Less: ['T[4] A, T[4] B', 'Y = Less (A, B)', 'bool[4] Y'],
  LessOrEqual: ['T[4] A, T[4] B', 'Y = LessOrEqual (A, B)', 'bool[4] Y'],
  Greater: ['T[4] A, T[4] B', 'Y = Greater (A, B)', 'bool[4] Y'],
  GreaterOrEqual: ['T[4] A, T[4] B', 'Y = GreaterOrEqual (A, B)', 'bool[4] Y'],
  BitwiseAnd: ['T[4] A, T[4] B', 'Y = BitwiseAnd (A, B)', 'T[4] Y'],
  BitwiseOr: ['T[4] A, T[4] B', 'Y = BitwiseOr (A, B)', 'T[4] Y'],
  BitwiseXor: ['T[4] A, T[4] B', 'Y = BitwiseXor (A, B)', 'T[4] Y'],
  BitwiseNot: ['T[4] A', 'Y = BitwiseNot (A)', 'T[4] Y'],
  Where: ['bool[4] C, T[4] A, T[4] B', 'Y = Where (C, A, B)', 'T[4] Y'],
  Max: ['T[4] A, T[4] B', 'Y = Max (A, B)', 'T[4] Y'],
  Min: ['T[4] A, T[4] B', 'Y = Min (A, B)', 'T[4] Y'],
  Relu: ['T[4] A', 'Y = Relu (A)', 'T[4] Y'],
  Pow: ['T[4] A, T[4] B', 'Y = Pow (A, B)', 'T[4] Y'],
  Clip: ['T[4] A', 'Y = Clip (A)', 'T[4] Y'],
  Identity: ['T[4] A', 'Y = Identity (A)', 'T[4] Y'],
  Reshape: ['T[4] A, int64[2] S', 'Y = Reshape (A, S)', 'T[2,2] Y'],
  Flatten: ['T[2,2] A', 'Y = Flatten (A)', 'T[2,2] Y'],
  Squeeze: ['T[1,4] A', 'Y = Squeeze (A)', 'T[4] Y'],
  Unsqueeze: ['T[4] A, int64[1] X', 'Y = Unsqueeze (A, X)', 'T[1,4] Y'],
  Transpose: ['T[2,2] A', 'Y = Transpose (A)', 'T[2,2] Y'],
  Concat: ['T[4] A, T[4] B', 'Y = Concat <axis = 0> (A, B)', 'T[8] Y'],
  Split: ['T[4] A', 'Y, Z = Split <num_outputs = 2> (A)', 'T[2] Y, T[2] Z'],
  Slice: ['T[4] A, int64[1] S, int64[1] E', 'Y = Slice (A, S, E)', 'T[2] Y'],
  Gather: ['T[4] A, int64[2] I', 'Y = Gather (A, I)', 'T[2] Y'],
  GatherElements: ['T[4] A, int64[2] I', 'Y = GatherElements (A, I)', 'T[2] Y'],
  GatherND: ['T[4] A, int64[2,1] I', 'Y = GatherND (A, I)', 'T[2] Y'],
  ScatterElements: ['T[4] A, int64[2] I, T[2] U', 'Y = ScatterElements (A, I, U)', 'T[4] Y'],
  ScatterND: ['T[4] A, int64[2,1] I, T[2] U', 'Y = ScatterND (A, I, U)', 'T[4] Y'],
  Expand: ['T[4] A, int64[2] S', 'Y = Expand (A, S)', 'T[2,4] Y'],
  Tile: ['T[4] A, int64[1] S', 'Y = Tile (A, S)', 'T[8] Y'],
  Compress: ['T[4] A, bool[4] C', 'Y = Compress <axis = 0> (A, C)', 'T[?] Y'],
  ReverseSequence: ['T[2,2] A, int64[2] L', 'Y = ReverseSequence <batch_axis = 1, time_axis = 0> (A, L)', 'T[2,2] Y'],
  Cast: ['T[4] A', 'Y = Cast <to = 1> (A)', 'float[4] Y'],
  CastLike: ['float[4] A, T[1] B', 'Y = CastLike (A, B)', 'T[4] Y'],
  Range: ['T S, T L, T D', 'Y = Range (S, L, D)', 'T[?] Y'],
  ConstantOfShape: ['int64[1] S', 'Y = ConstantOfShape <value = T[1] {7}> (S)', 'T[?] Y'],
  TopK: ['T[4] A, int64[1] K', 'Y, I = TopK (A, K)', 'T[2] Y, int64[2] I'],
  Shape: ['T[4] A', 'Y = Shape (A)', 'int64[1] Y'],
  Size: ['T[4] A', 'Y = Size (A)', 'int64 Y'],
  Pad: ['T[4] A, int64[2] P', 'Y = Pad (A, P)', 'T[6] Y'],
  Trilu: ['T[2,2] A', 'Y = Trilu (A)', 'T[2,2] Y'],
  Resize: ['T[1,1,2,2] A, float[4] S', 'Y = Resize <mode = "nearest"> (A, , S)', 'T[1,1,4,4] Y'],
  EyeLike: ['T[2,2] A', 'Y = EyeLike (A)', 'T[2,2] Y'],
  ArgMax: ['T[4] A', 'Y = ArgMax <keepdims = 0> (A)', 'int64 Y'],
  ArgMin: ['T[4] A', 'Y = ArgMin <keepdims = 0> (A)', 'int64 Y'],
  NonZero: ['T[4] A', 'Y = NonZero (A)', 'int64[1,?] Y'],
  ReduceSum: ['T[4] A', 'Y = ReduceSum <keepdims = 0> (A)', 'T Y'],
  ReduceMax: ['T[4] A', 'Y = ReduceMax <keepdims = 0> (A)', 'T Y'],
  ReduceMin: ['T[4] A', 'Y = ReduceMin <keepdims = 0> (A)', 'T Y'],
  ReduceProd: ['T[4] A', 'Y = ReduceProd <keepdims = 0> (A)', 'T Y'],
  CumSum: ['T[4] A, int32 X', 'Y = CumSum (A, X)', 'T[4] Y'],
  MatMul: ['T[2,2] A, T[2,2] B', 'Y = MatMul (A, B)', 'T[2,2] Y'],
  Einsum: ['T[2,2] A, T[2,2] B', 'Y = Einsum <equation = "ij,jk->ik"> (A, B)', 'T[2,2] Y'],
  OneHot: ['int64[2] I, int64 D, T[2] V', 'Y = OneHot (I, D, V)', 'T[2,4] Y'],
  Unique: ['T[4] A', 'Y = Unique (A)', 'T[?] Y'],
  DepthToSpace: ['T[1,4,1,1] A', 'Y = DepthToSpace <blocksize = 2> (A)', 'T[1,1,2,2] Y'],
};

/** Valid values for inputs that are shapes, indices or sizes. */
const INTS: Readonly<Record<string, Readonly<Record<string, readonly number[]>>>> = {
  Reshape: { S: [2, 2] }, Unsqueeze: { X: [0] }, Slice: { S: [1], E: [3] }, Gather: { I: [1, 2] },
  GatherElements: { I: [1, 2] }, GatherND: { I: [1, 2] }, ScatterElements: { I: [1, 2] }, ScatterND: { I: [1, 2] },
  Expand: { S: [2, 4] }, Tile: { S: [2] }, ReverseSequence: { L: [2, 2] }, Range: { S: [0], L: [4], D: [1] },
  ConstantOfShape: { S: [4] }, TopK: { K: [2] }, Pad: { P: [1, 1] }, CumSum: { X: [0] }, OneHot: { I: [1, 2], D: [4] },
  Resize: { S: [1, 1, 2, 2] },
};

const TYPES = { [DataType.INT16]: 'int16', [DataType.INT32]: 'int32' } as const;

function build(op: string, dtype: DataType.INT16 | DataType.INT32): Model {
  const [ins, body, outs] = CASES[op]!;
  const t = (s: string): string => s.replace(/\bT\b/g, TYPES[dtype]);
  return parseText(`<ir_version: 8, opset_import: ["" : 18]>\nmain (${t(ins)}) => (${t(outs)})\n{\n  ${t(body)}\n}\n`);
}

function feed(m: Model, op: string): Record<string, ort.Tensor> {
  const out: Record<string, ort.Tensor> = {};
  for (const v of m.graph.inputs) {
    const dims = (v.shape ?? []).map(Number);
    const n = dims.reduce((a, b) => a * b, 1);
    const given = INTS[op]?.[v.name];
    const val = (i: number): number => given?.[i] ?? (i % 3) + 1;
    switch (v.dtype) {
      case DataType.INT16: out[v.name] = new ort.Tensor('int16', Int16Array.from({ length: n }, (_, i) => val(i)), dims); break;
      case DataType.INT32: out[v.name] = new ort.Tensor('int32', Int32Array.from({ length: n }, (_, i) => val(i)), dims); break;
      case DataType.INT64: out[v.name] = new ort.Tensor('int64', BigInt64Array.from({ length: n }, (_, i) => BigInt(val(i))), dims); break;
      case DataType.BOOL: out[v.name] = new ort.Tensor('bool', Uint8Array.from({ length: n }, (_, i) => i % 2), dims); break;
      default: out[v.name] = new ort.Tensor('float32', Float32Array.from({ length: n }, (_, i) => val(i)), dims);
    }
  }
  return out;
}

/** True when ORT loads and runs the model; the message otherwise. */
async function runs(m: Model, op: string): Promise<true | string> {
  let s: ort.InferenceSession;
  try {
    s = await ort.InferenceSession.create(encodeModel(m), { logSeverityLevel: 4 });
  } catch (e) {
    return (e as Error).message.split('\n')[0]!;
  }
  try {
    await s.run(feed(m, op));
    return true;
  } catch (e) {
    return `run: ${(e as Error).message.split('\n')[0]!}`;
  } finally {
    await s.release();
  }
}

describe(`int16: the onnxruntime CPU kernel table matches onnxruntime-node ${ORT_CPU_VERSION}`, () => {
  it('is measured against the installed version', () => {
    expect(ort.env.versions.node).to.equal(ORT_CPU_VERSION);
  });

  it('has a single-op case for every table entry', () => {
    expect([...ortCpuTable().keys()].filter((op) => CASES[op] === undefined)).to.deep.equal([]);
  });

  for (const op of Object.keys(CASES)) {
    for (const dtype of [DataType.INT16, DataType.INT32] as const) {
      it(`${op} in ${TYPES[dtype]}`, async () => {
        const m = build(op, dtype);
        const node = m.graph.first!;
        const r = await runs(m, op);
        const expected = ortCpuRuns(node, dtype);
        expect(r === true, `table says ${expected ? 'runs' : 'does not run'}; ORT: ${r === true ? 'runs' : r}`).to.equal(expected);
      });
    }
  }

  it('knows that int16 Clip with bounds has no kernel (ORT expands it to Where)', async () => {
    const m = parseText(`<ir_version: 8, opset_import: ["" : 18]>\nmain (int16[4] A, int16 lo, int16 hi) => (int16[4] Y)\n{\n  Y = Clip (A, lo, hi)\n}\n`);
    expect(ortCpuRuns(m.graph.first!, DataType.INT16)).to.equal(false);
    expect(await runs(m, 'Clip')).to.match(/Could not find an implementation/);
  });
});
