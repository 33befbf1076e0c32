import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { testDataCases, testDataModels } from '../src/index.js';

describe('ONNX backend test data listing', () => {
  let root: string;
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'mixprec-testdata-'));
    for (const c of ['node/test_relu', 'node/test_add', 'simple/test_gru', 'node/no_model']) fs.mkdirSync(path.join(root, c), { recursive: true });
    for (const c of ['node/test_relu', 'node/test_add', 'simple/test_gru']) fs.writeFileSync(path.join(root, c, 'model.onnx'), '');
    fs.writeFileSync(path.join(root, 'README'), 'not a suite');
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('lists every <suite>/<case> holding a model.onnx, sorted, skipping files and cases without a model', () => {
    expect(testDataCases(root).map((c) => path.relative(root, c))).to.deep.equal(['node/test_add', 'node/test_relu', 'simple/test_gru']);
    expect(testDataModels(root).map((f) => path.relative(root, f))).to.deep.equal([
      'node/test_add/model.onnx', 'node/test_relu/model.onnx', 'simple/test_gru/model.onnx',
    ]);
  });

  it('gives [] for a folder that does not exist', () => {
    expect(testDataCases(path.join(root, 'absent'))).to.deep.equal([]);
    expect(testDataModels(path.join(root, 'absent'))).to.deep.equal([]);
  });
});
