import fs from 'node:fs';
import path from 'node:path';

/** ONNX backend test data (Debian libonnx-testdata); the environment variable ONNX_TESTDATA_DIR overrides it. */
export const TESTDATA_DIR: string = process.env.ONNX_TESTDATA_DIR ?? '/usr/share/libonnx-testdata/data';

/** Every `<suite>/<case>` folder holding a model.onnx under `root`, sorted; [] when `root` is absent. */
export function testDataCases(root: string = TESTDATA_DIR): string[] {
  if (!fs.existsSync(root)) return [];
  const out: string[] = [];
  for (const suite of fs.readdirSync(root).sort()) {
    const sdir = path.join(root, suite);
    if (!fs.statSync(sdir).isDirectory()) continue;
    for (const c of fs.readdirSync(sdir).sort()) if (fs.existsSync(path.join(sdir, c, 'model.onnx'))) out.push(path.join(sdir, c));
  }
  return out;
}

/** Every `<suite>/<case>/model.onnx` under `root`, sorted; [] when `root` is absent. */
export function testDataModels(root: string = TESTDATA_DIR): string[] {
  return testDataCases(root).map((c) => path.join(c, 'model.onnx'));
}
