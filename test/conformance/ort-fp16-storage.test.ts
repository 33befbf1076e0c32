import { expect } from 'chai';
import * as ort from 'onnxruntime-node';
import { executeModel, initBackend } from '@mixprec/executor-tfjs';
import {
  attr, DataType, float16BitsToFloat32, float32ToFloat16Bits, GraphBuilder, Tensor, tensorFromNumbers, type Model,
} from '@mixprec/ir';
import { encodeModel } from '@mixprec/onnx';
import { pinFp16Storage, toOrt } from './ort-fp16.js';

/**
 * How onnxruntime-node 1.30 (CPU EP) computes FP16 models, on small models, and what the
 * executor does instead (ONNX semantics: every fp16 value on the fp16 grid):
 * - a chain of ops without fp16 kernels runs in fp32 end to end: the fp16 roundings between
 *   them are dropped (InsertCastTransformer removes the fp32→fp16→fp32 Cast pairs), even a
 *   model's own Cast to float16 (a value that overflows fp16 stays finite);
 * - with fp16 storage pinned (ort-fp16.ts) onnxruntime computes what the executor computes;
 * - its fp32 Sigmoid is an approximation whose absolute error shows on the fp16 grid at small
 *   outputs (up to 2 ulps), where the executor is correctly rounded. Documented, not copied.
 */

const H = DataType.FLOAT16;
const F = DataType.FLOAT;

/** Optimisations off: the Cast insertion and removal happen anyway; Identity elimination does not. */
async function runOrt(model: Model, feeds: Readonly<Record<string, Tensor>>): Promise<ort.Tensor> {
  const s = await ort.InferenceSession.create(encodeModel(model), { intraOpNumThreads: 1, logSeverityLevel: 3, graphOptimizationLevel: 'disabled' });
  const of: Record<string, ort.Tensor> = {};
  for (const [k, t] of Object.entries(feeds)) of[k] = toOrt(t);
  try {
    return (await s.run(of))['Y']!;
  } finally {
    await s.release();
  }
}

function runExec(model: Model, feeds: Readonly<Record<string, Tensor>>): Tensor {
  const r = executeModel(model, feeds);
  if (r._tag === 'Left') throw new Error(r.left.message);
  return r.right.outputs['Y']!;
}

const round16 = (x: number): number => float32ToFloat16Bits(Float32Array.of(x))[0]!;

function countDiffering(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n;
}

describe('onnxruntime-node fp16 storage vs the executor (small models)', () => {
  before(async () => {
    await initBackend();
  });

  it('a Mul → Mul chain: onnxruntime skips the intermediate fp16 rounding; pinned, it matches the executor bit for bit', async () => {
    const n = 4096;
    const build = (): Model => {
      const b = new GraphBuilder();
      const x = b.input('X', H, [n]);
      const m1 = b.op1('Mul', [x, b.initializer('c', tensorFromNumbers(H, [], [0.943359375]))]);
      b.output(b.op1('Mul', [m1, b.initializer('d', tensorFromNumbers(H, [], [1.7109375]))]), 'Y');
      return b.model({ opset: 17 });
    };
    const xs = Array.from({ length: n }, (_, i) => -4 + (8 * i) / n);
    const feeds = { X: tensorFromNumbers(H, [n], xs) };
    const xv = float16BitsToFloat32(feeds.X.data as Uint16Array);
    // ONNX semantics: round(round(x·c)·d); onnxruntime's: round(x·c·d) with x·c kept in fp32.
    const onnx = Uint16Array.from(xv, (x) => round16(float16BitsToFloat32(Uint16Array.of(round16(x * 0.943359375)))[0]! * 1.7109375));
    const fp32Chain = Uint16Array.from(xv, (x) => round16(Math.fround(Math.fround(x * 0.943359375) * 1.7109375)));
    const exec = runExec(build(), feeds).data as Uint16Array;
    const plain = (await runOrt(build(), feeds)).data as Uint16Array;
    const pinnedModel = build();
    expect(pinFp16Storage(pinnedModel)).to.equal(1);
    const pinned = (await runOrt(pinnedModel, feeds)).data as Uint16Array;
    expect(countDiffering(exec, onnx), 'executor vs ONNX semantics').to.equal(0);
    expect(countDiffering(plain, fp32Chain), 'onnxruntime vs the fp32 chain').to.equal(0);
    expect(countDiffering(plain, exec), 'onnxruntime vs executor (some roundings differ)').to.be.greaterThan(0);
    expect(countDiffering(pinned, exec), 'pinned onnxruntime vs executor').to.equal(0);
  });

  it("a model's own Cast to float16 before an op without fp16 kernel: onnxruntime drops the rounding (70000 stays finite)", async () => {
    const build = (): Model => {
      const b = new GraphBuilder();
      const x = b.input('X', F, [4]);
      const h = b.op1('Cast', [x], { attrs: { to: attr.int(H) } });
      b.output(b.op1('Cast', [b.op1('Relu', [h])], { attrs: { to: attr.int(F) } }), 'Y');
      return b.model({ opset: 17 });
    };
    const input = Float32Array.of(1.0001, 3.14159265, 1e-8, 70000);
    const feeds = { X: Tensor.of(F, [4], input) };
    const rounded = float16BitsToFloat32(float32ToFloat16Bits(input));
    const plain = (await runOrt(build(), feeds)).data as Float32Array;
    expect(Array.from(plain), 'onnxruntime: the input unrounded').to.deep.equal(Array.from(input));
    const pinnedModel = build();
    pinFp16Storage(pinnedModel);
    expect(Array.from((await runOrt(pinnedModel, feeds)).data as Float32Array), 'pinned onnxruntime').to.deep.equal(Array.from(rounded));
    expect(Array.from(runExec(build(), feeds).data as Float32Array), 'executor').to.deep.equal(Array.from(rounded));
    expect(rounded[3]).to.equal(Infinity);
  });

  it('Sigmoid fp16 at small outputs: the executor is correctly rounded, onnxruntime within 2 ulps', async () => {
    const n = 4096;
    const b = new GraphBuilder();
    b.output(b.op1('Sigmoid', [b.input('X', H, [n])]), 'Y');
    const model = b.model({ opset: 17 });
    const feeds = { X: tensorFromNumbers(H, [n], Array.from({ length: n }, (_, i) => -20 + (16 * i) / n)) };
    const xv = float16BitsToFloat32(feeds.X.data as Uint16Array);
    // float64 → float32 → fp16: a double rounding only within 2^-24 (relative) of an fp16 midpoint.
    const exact = Uint16Array.from(xv, (x) => round16(1 / (1 + Math.exp(-x))));
    const exec = runExec(model, feeds).data as Uint16Array;
    const plain = (await runOrt(model, feeds)).data as Uint16Array;
    let worst = 0;
    for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(plain[i]! - exact[i]!));
    expect(countDiffering(exec, exact), 'executor vs correctly rounded').to.equal(0);
    expect(worst, 'onnxruntime: largest distance in ulps (all outputs positive)').to.be.at.most(2);
    process.stdout.write(`      Sigmoid on [-20, -4): onnxruntime off the correctly rounded fp16 value at ${countDiffering(plain, exact)}/${n} inputs (≤ ${worst} ulp)\n`);
  });
});
