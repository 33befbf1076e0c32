/**
 * The folder a fuzz worker loads its cases from: the case file plus external-data targets,
 * legitimate and hostile (symlinks out of the folder, a symlinked folder, a FIFO, devices,
 * a directory). Every hostile location of {@link SANDBOX_LOCATIONS} resolves against it.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface Sandbox {
  /** The temporary root (removed by {@link removeSandbox}). */
  readonly root: string;
  /** The model folder: external-data locations resolve here. */
  readonly modelDir: string;
  /** Where each case is written before loading (`<modelDir>/case.onnx`). */
  readonly caseFile: string;
  /** Folder for saved outputs. */
  readonly outDir: string;
  /** Whether the FIFO could be created (mkfifo may be missing). */
  readonly hasFifo: boolean;
}

/** A deterministic 4 KiB weight file (float32 ramp). */
function weights(): Uint8Array {
  const f = new Float32Array(1024);
  for (let i = 0; i < f.length; i++) f[i] = (i % 17) / 8 - 1;
  return new Uint8Array(f.buffer);
}

export function createSandbox(prefix = 'mixprec-fuzz-'): Sandbox {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const modelDir = path.join(root, 'model');
  const outside = path.join(root, 'outside');
  const outDir = path.join(root, 'out');
  for (const d of [modelDir, outside, outDir, path.join(modelDir, 'sub'), path.join(modelDir, 'dir')]) fs.mkdirSync(d, { recursive: true });
  fs.writeFileSync(path.join(modelDir, 'w.bin'), weights());
  fs.writeFileSync(path.join(modelDir, 'sub', 'w.bin'), weights());
  fs.writeFileSync(path.join(outside, 'secret.bin'), new Uint8Array(4096).fill(0x5a));
  fs.symlinkSync('w.bin', path.join(modelDir, 'link-in.bin'));
  fs.symlinkSync(path.join('..', 'outside', 'secret.bin'), path.join(modelDir, 'link-out.bin'));
  fs.symlinkSync(path.join('..', 'outside'), path.join(modelDir, 'linkdir'));
  if (fs.existsSync('/dev/zero')) fs.symlinkSync('/dev/zero', path.join(modelDir, 'zero'));
  if (fs.existsSync('/dev/null')) fs.symlinkSync('/dev/null', path.join(modelDir, 'devnull'));
  let hasFifo = false;
  try {
    execFileSync('mkfifo', [path.join(modelDir, 'fifo')], { stdio: 'ignore' });
    hasFifo = true;
  } catch {
    // no mkfifo on this system: the FIFO location simply does not exist
  }
  return { root, modelDir, caseFile: path.join(modelDir, 'case.onnx'), outDir, hasFifo };
}

export function removeSandbox(s: Sandbox): void {
  fs.rmSync(s.root, { recursive: true, force: true });
}
