import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { realModelPath } from '@mixprec/testing';
import { run, type CliIO } from '../src/index.js';



export const CLS = realModelPath('ppocr-cls');

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in-process with captured output. */
export async function cli(...args: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, isTTY: false };
  const code = await run(['node', 'mixprec', ...args], io);
  return { code, stdout, stderr };
}

/** A fresh temporary folder, removed after the test run. */
export function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'mixprec-cli-'));
  after(() => fs.rmSync(d, { recursive: true, force: true }));
  return d;
}
