import { expect } from 'chai';
import path from 'node:path';
import { TESTDATA_DIR, testDataCases } from '@mixprec/testing';
import { count, emptyCounts, sweepCase } from './backend-sweep.js';

/**
 * The sweep: every model of Debian's libonnx-testdata that onnxruntime-node loads in
 * FP32 still loads after `castFp32ToFp16` in both IO modes (converted and kept), and runs on its
 * test inputs (cast to float16 where the converted model's inputs are float16). The whole sweep
 * takes about 30 s, so it runs in the default suite. AMP_E2E_REPORT=1 prints the counts.
 */
describe('amp: ONNX backend test models still load and run after conversion (onnxruntime-node)', function () {
  this.timeout(600000);
  const cases = testDataCases();
  if (cases.length === 0) {
    it(`skipped: no test data under ${TESTDATA_DIR} (apt-get install libonnx-testdata, or set ONNX_TESTDATA_DIR)`, function () {
      this.skip();
    });
    return;
  }
  const suites = [...new Set(cases.map((c) => path.basename(path.dirname(c))))];
  for (const suite of suites) {
    const mine = cases.filter((c) => path.basename(path.dirname(c)) === suite);
    it(`${suite}: ${mine.length} models, both IO modes`, async () => {
      const conv = emptyCounts();
      const keep = emptyCounts();
      for (const c of mine) {
        const name = `${suite}/${path.basename(c)}`;
        const r = await sweepCase(c);
        count(conv, name, r.convert);
        count(keep, name, r.keep);
      }
      if (process.env['AMP_E2E_REPORT'] === '1') {
        for (const [mode, k] of [['IO converted', conv], ['IO kept', keep]] as const) {
          // eslint-disable-next-line no-console
          console.log(`      ${suite} ${mode}: ${k.cases} models, ${k.originalRejected} rejected by ORT in FP32, ${k.loaded} load after conversion (${k.changed} changed), ${k.ran} ran on their test inputs, ${k.failures.length} failures`);
        }
      }
      expect(conv.failures, `IO converted:\n${conv.failures.join('\n')}`).to.deep.equal([]);
      expect(keep.failures, `IO kept:\n${keep.failures.join('\n')}`).to.deep.equal([]);
      expect(conv.loaded + conv.originalRejected).to.equal(mine.length);
      expect(keep.loaded + keep.originalRejected).to.equal(mine.length);
    });
  }
});
