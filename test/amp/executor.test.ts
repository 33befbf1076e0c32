import { expect } from 'chai';
import type { Model, Tensor } from '@mixprec/ir';
import { formatLoadError, loadModel } from '@mixprec/onnx';
import { runModel } from '@mixprec/executor-tfjs';
import { castFp32ToFp16 } from '@mixprec/amp';
import { REAL_MODELS, realModelFeeds, realModelPath, type RealModel } from '@mixprec/testing';
import { errorRatio } from './harness.js';

function load(m: RealModel): Model {
  const r = loadModel(realModelPath(m));
  if (r._tag === 'Left') throw new Error(formatLoadError(r.left));
  return r.right;
}

async function run(model: Model, feeds: Record<string, Tensor>): Promise<Record<string, Tensor>> {
  const r = await runModel(model, feeds, { backend: 'wasm' });
  if (r._tag === 'Left') throw new Error(r.left.message);
  return { ...r.right.outputs };
}

/**
 * The six real models on the reference executor, which emulates float16/bfloat16 arithmetic
 * exactly (every 16-bit op rounds its result; annotated ops accumulate in float32): FP32 original
 * against the float16 (aggressive) and bfloat16 (bf16 policy) conversions with kept IO, on seeded
 * inputs. onnxruntime-node runs float16 ops on float32 kernels between Casts, so this is the
 * check that 16-bit computation — not only 16-bit storage — stays within 0.02·max|ref| + 1e-3
 * (bfloat16: 0.05·max|ref| + 1e-3, for its 8 significant bits against float16's 11).
 */
describe('amp on the real models, judged by the reference executor (exact 16-bit arithmetic)', function () {
  this.timeout(300000);
  for (const m of REAL_MODELS) {
    for (const target of ['float16', 'bfloat16'] as const) {
      it(`${m.spec.split('/').pop()} → ${target}`, async () => {
        const feeds = realModelFeeds({ ...m, scale: 0.5 }, 3);
        const ref = await run(load(m), feeds);
        const model = load(m);
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
