import { expect } from 'chai';
import { initBackend } from '@mixprec/executor-tfjs';
import { compareWithOrt, REAL_MODELS } from './real-models.js';

/** The npm-shipped real models in FP32: tfjs executor vs onnxruntime-node on the same inputs. */
describe('real models: executor vs onnxruntime-node (FP32)', () => {
  before(async () => {
    await initBackend();
  });

  for (const spec of REAL_MODELS) {
    it(`${spec.name} agrees within 1e-4 relative`, async () => {
      const r = await compareWithOrt(spec);
      const lines = r.outputs.map((o) => `${o.name} [${o.shape.join('x')}] rel ${o.relError.toExponential(2)} abs ${o.maxAbsError.toExponential(2)}`);
      process.stdout.write(`      ${spec.name}: executor ${r.executorMs.toFixed(0)} ms, ORT ${r.ortMs.toFixed(0)} ms; ${lines.join('; ')}\n`);
      for (const o of r.outputs) expect(o.relError, o.name).to.be.at.most(1e-4);
    });
  }
});
