import { expect } from 'chai';
import path from 'node:path';
import { TESTDATA_DIR, testDataCases } from '@mixprec/testing';
import { runBackendCase } from './harness.js';

/**
 * Every ONNX backend-test model (Debian libonnx-testdata): whenever onnxruntime-node loads the
 * original, it must load the round-tripped model too, and outputs on test_data_set_0 must be
 * bit-identical. The whole sweep takes a few seconds, so it runs in the default suite.
 */
describe('roundtrip: ONNX backend test models, judged by onnxruntime-node', () => {
  const cases = testDataCases();
  const suites = [...new Set(cases.map((c) => path.basename(path.dirname(c))))];
  if (cases.length === 0) {
    it(`skipped: no test data under ${TESTDATA_DIR} (apt-get install libonnx-testdata, or set ONNX_TESTDATA_DIR)`, function () {
      this.skip();
    });
  }
  for (const suite of suites) {
    const mine = cases.filter((c) => path.basename(path.dirname(c)) === suite);
    it(`${suite}: ${mine.length} models`, async () => {
      const failures: string[] = [];
      let identical = 0;
      let ran = 0;
      let rejected = 0;
      for (const c of mine) {
        const o = await runBackendCase(c);
        if (o.kind === 'failed') failures.push(`${path.basename(c)}: ${o.reason}`);
        else if (o.kind === 'original-rejected') rejected++;
        else {
          identical++;
          if (o.ran) ran++;
        }
      }
      expect(failures, failures.join('\n')).to.deep.equal([]);
      expect(identical, `${identical} identical (${ran} with outputs compared), ${rejected} originals rejected by ORT`).to.be.greaterThan(0);
      expect(identical + rejected).to.equal(mine.length);
    });
  }
});
