import { expect } from 'chai';
import path from 'node:path';
import type { NarrowIntegersOptions } from '@mixprec/amp';
import { REAL_MODELS, realModelFeeds, realModelPath } from '@mixprec/testing';
import { tempDir } from '../shared/ort.js';
import { Tally, checkModel } from './harness.js';

const MODES: readonly [string, NarrowIntegersOptions][] = [
  ['int16', {}],
  ['int64-to-int32', { int16: false, narrowInt64: true }],
  ['int64-to-int32 (sr proven)', { int16: false, narrowInt64: true, inputRanges: { sr: [8000, 16000] } }],
  ['int16 (opt-in)', { unprovenInputs: 'cast' }],
];

const TALLIES = MODES.map(() => new Tally());

describe('int16 e2e: the npm-shipped real models through the integer passes, judged by onnxruntime-node', () => {
  for (const m of REAL_MODELS) {
    const file = realModelPath(m);
    it(`${path.basename(file)}: ${MODES.map((x) => x[0]).join(', ')} load and give bit-identical outputs`, async function () {
      this.timeout(300000);
      const [dir, cleanup] = tempDir('mixprec-int16-real-');
      try {
        // Seeded floats in [-1, 1) and the sample rate 16000 (inside the proven range of the third mode).
        const outcomes = await checkModel(file, MODES.map((x) => x[1]), () => realModelFeeds(m), dir);
        outcomes.forEach((o, i) => TALLIES[i]!.add(path.basename(file), o));
        for (const o of outcomes) {
          if (o.kind === 'failed') expect.fail(o.reason);
          expect(o.kind === 'identical' && o.compared).to.equal(true);
        }
      } finally {
        cleanup();
      }
    });
  }
  after(() => MODES.forEach(([label], i) => console.log(`      ${TALLIES[i]!.summary(label)}`)));
});
