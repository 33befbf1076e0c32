import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { formatLoadError, formatSaveError, loadModel, saveModel } from '@mixprec/onnx';
import { REAL_MODELS, realModelFeeds, realModelPath } from '@mixprec/testing';
import { tempDir, toOrtFeeds } from '../shared/ort.js';
import { SESSION_OPTIONS, snapshot } from './harness.js';

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

  for (const m of REAL_MODELS) {
    const name = path.basename(m.spec);
    it(`${name}: inline and external-data round trips give bit-identical outputs`, async () => {
      const file = realModelPath(m);
      const loaded = loadModel(file);
      if (loaded._tag === 'Left') expect.fail(formatLoadError(loaded.left));
      const feeds = toOrtFeeds(realModelFeeds(m))!;
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
