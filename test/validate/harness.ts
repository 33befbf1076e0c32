/** Helpers of the validation end-to-end tests: the real `mixprec` binary, temp folders, test data. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { Model, Tensor } from '@mixprec/ir';
import { encodeModel, encodeTensor } from '@mixprec/onnx';

const require = createRequire(import.meta.url);
const BIN = path.join(path.dirname(require.resolve('@mixprec/cli')), '..', 'bin', 'mixprec.js');

export interface BinRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the installed `mixprec` binary in a child process (plain node, not the test loader). */
export function mixprec(...args: string[]): BinRun {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A fresh temporary folder, removed after the run. */
export function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'mixprec-e2e-validate-'));
  after(() => fs.rmSync(d, { recursive: true, force: true }));
  return d;
}

/** Saves a model; returns its path. */
export function saveTo(dir: string, name: string, m: Model): string {
  const f = path.join(dir, name);
  fs.writeFileSync(f, encodeModel(m));
  return f;
}

/** A folder of ONNX test-data sets `test_data_set_<i>/input_0.pb` (input named `input`). */
export function testData(dir: string, name: string, input: string, tensors: readonly Tensor[]): string {
  const root = path.join(dir, name);
  tensors.forEach((t, i) => {
    const d = path.join(root, `test_data_set_${i}`);
    fs.mkdirSync(d, { recursive: true });
    fs.writeFileSync(path.join(d, 'input_0.pb'), encodeTensor(t, input));
  });
  return root;
}
