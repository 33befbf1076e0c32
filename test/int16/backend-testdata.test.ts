import { expect } from 'chai';
import path from 'node:path';
import type { NarrowIntegersOptions } from '@mixprec/amp';
import { TESTDATA_DIR, testDataCases } from '@mixprec/testing';
import { backendInputs } from '../shared/backend-inputs.js';
import { tempDir } from '../shared/ort.js';
import { Tally, checkModel } from './harness.js';

/**
 * Every ONNX backend-test model (Debian libonnx-testdata) through the integer passes: the
 * result must load in onnxruntime-node whenever the original does, and give the same outputs on
 * the case's test inputs. `int16 (opt-in)` assumes inputs fit int16 (unprovenInputs: cast): it
 * narrows far more, and its outputs are compared where the test inputs do fit.
 */
const MODES: readonly [string, NarrowIntegersOptions][] = [
  ['int16', {}],
  ['int64-to-int32', { int16: false, narrowInt64: true }],
  ['int16 (opt-in)', { unprovenInputs: 'cast' }],
];

const cases = testDataCases();

describe('int16 e2e: ONNX backend-test models through the integer passes, judged by onnxruntime-node', function () {
  if (cases.length === 0) {
    it.skip(`no backend test data at ${TESTDATA_DIR} (set ONNX_TESTDATA_DIR)`);
    return;
  }
  it(`${MODES.map((m) => m[0]).join(', ')}: every model ORT loads still loads and computes identical outputs`, async function () {
    this.timeout(900000);
    const tallies = MODES.map(() => new Tally());
    const [dir, cleanup] = tempDir('mixprec-int16-');
    try {
      for (const c of cases) {
        const outcomes = await checkModel(path.join(c, 'model.onnx'), MODES.map((m) => m[1]), (m) => backendInputs(c, m), dir);
        outcomes.forEach((o, i) => tallies[i]!.add(path.relative(TESTDATA_DIR, c), o));
      }
    } finally {
      cleanup();
    }
    MODES.forEach(([label], i) => console.log(`      ${tallies[i]!.summary(label)}`));
    for (const t of tallies) {
      expect(t.failures).to.deep.equal([]);
      expect(t.compared).to.be.greaterThan(900);
    }
  });
});
