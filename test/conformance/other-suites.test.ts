import { expect } from 'chai';
import * as path from 'node:path';
import { initBackend } from '@mixprec/executor-tfjs';
import { listCases, nodeTestRoot, runCase, summarise } from './node-cases.js';

/**
 * The other ONNX test-data suites (models exported from PyTorch, and small hand-made ones),
 * compared like the node tests. Known gaps: DOUBLE is computed in float32 (values beyond the
 * float32 range overflow) and the training-only `Gradient` op has no kernel.
 */
describe('ONNX pytorch-converted, pytorch-operator and simple suites', () => {
  before(async () => {
    await initBackend();
  });

  for (const suite of ['pytorch-converted', 'pytorch-operator', 'simple']) {
    it(`${suite}: at least 85 % of the supported cases pass`, function () {
      const root = nodeTestRoot(suite);
      const cases = listCases(root);
      if (cases.length === 0) this.skip();
      const results = cases.map((c) => runCase(path.join(root, c)));
      const s = summarise(results);
      const odd = results.filter((r) => r.status !== 'pass').map((r) => `      ${r.status} ${r.name}: ${(r.detail ?? '').slice(0, 160)}`);
      process.stdout.write(`    ${suite}: pass ${s.pass}, fail ${s.fail}, unsupported ${s.unsupported}, harness ${s.harness}\n${odd.join('\n')}${odd.length > 0 ? '\n' : ''}`);
      expect(s.harness).to.equal(0);
      expect(s.passRate).to.be.at.least(0.85);
    });
  }
});
