/**
 * Shared helpers of the hardening suite: the CLI (in process and as a real process), the
 * conversion command under test, file snapshots, temporary folders.
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { run, type CliIO } from '@mixprec/cli';

const require = createRequire(import.meta.url);

/** The `mixprec` binary of the workspace (bin/mixprec.js beside the CLI's dist folder). */
export const BIN = path.join(path.dirname(require.resolve('@mixprec/cli')), '..', 'bin', 'mixprec.js');

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in this process with captured output. */
export async function cli(args: readonly string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, isTTY: false };
  const code = await run(['node', 'mixprec', ...args], io);
  return { code, stdout, stderr };
}

/** A running `mixprec` process. */
export function spawnCli(args: readonly string[]): { child: ReturnType<typeof spawn>; done: Promise<CliRun & { signal: NodeJS.Signals | null }> } {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => { stdout += d.toString('utf8'); });
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString('utf8'); });
  const done = new Promise<CliRun & { signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => resolve({ code: code ?? -1, signal, stdout, stderr }));
  });
  return { child, done };
}

/** Runs `mixprec` as a separate process to completion. */
export function cliProcess(args: readonly string[]): Promise<CliRun> {
  return spawnCli(args).done;
}

export { cliHasConvert as hasConvert, conversionArgs } from '../fuzz/cli-check.js';

/** Content hash, size and modification time of a file (to prove it was not touched). */
export interface FileSnapshot {
  readonly sha256: string;
  readonly size: number;
  readonly mtimeMs: number;
}

export function snapshot(file: string): FileSnapshot {
  const st = fs.statSync(file);
  return { sha256: crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex'), size: st.size, mtimeMs: st.mtimeMs };
}

/** Every file under `dir` (relative paths, sorted), symlinks included. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = path.join(rel, e.name);
      if (e.isDirectory()) walk(r);
      else out.push(r);
    }
  };
  if (fs.existsSync(dir)) walk('');
  return out.sort();
}

/** A fresh temporary folder, removed after the current mocha suite. */
export function tempDir(prefix = 'mixprec-hardening-'): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  after(() => fs.rmSync(d, { recursive: true, force: true }));
  return d;
}

/** The single stderr line of a failed command (asserting there is exactly one). */
export function oneLine(stderr: string): string {
  const lines = stderr.split('\n').filter((l) => l !== '');
  if (lines.length !== 1) throw new Error(`expected one line on stderr, got ${lines.length}: ${JSON.stringify(stderr.slice(0, 500))}`);
  return lines[0]!;
}
