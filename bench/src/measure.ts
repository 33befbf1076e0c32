/**
 * Runs a whole process and measures it: wall time (taken by this process around the spawn),
 * and peak RSS, user and system CPU from the OS through GNU time (`/usr/bin/time -v`, Debian
 * package `time`). Without GNU time, peak RSS comes from a preloaded hook that reads the
 * child's own `VmHWM` (its peak resident set) from /proc when it exits.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface Measurement {
  /** Wall time of the whole process, in milliseconds. */
  readonly wallMs: number;
  /** Peak resident set size in KiB (0 when unknown). */
  readonly maxRssKiB: number;
  /** CPU seconds (undefined without GNU time). */
  readonly userS?: number;
  readonly sysS?: number;
  /** `time` (GNU time) or `hook` (VmHWM read by the child itself at exit). */
  readonly rssFrom: 'time' | 'hook';
}

export class ProcessFailed extends Error {}

const GNU_TIME = '/usr/bin/time';

export function hasGnuTime(): boolean {
  try {
    fs.accessSync(GNU_TIME, fs.constants.X_OK);
    return spawnSync(GNU_TIME, ['-v', 'true'], { encoding: 'utf8' }).stderr.includes('Maximum resident set size');
  } catch {
    return false;
  }
}

/**
 * Runs `node <args>` to completion and measures it. Throws {@link ProcessFailed} with the
 * last lines of stderr when it exits non-zero.
 */
export function measureNode(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Measurement {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'mixprec-measure-'));
  try {
    const report = path.join(scratch, 'report.txt');
    const gnu = hasGnuTime();
    const hook = pathToFileURL(path.join(path.dirname(fileURLToPath(import.meta.url)), 'rss-hook.js')).href;
    const cmd = gnu ? GNU_TIME : process.execPath;
    const argv = gnu ? ['-v', '-o', report, process.execPath, ...args] : ['--import', hook, ...args];
    const env = { ...process.env, ...options.env, ...(gnu ? {} : { MIXPREC_RSS_REPORT: report }) };
    const t0 = process.hrtime.bigint();
    const r = spawnSync(cmd, argv, { cwd: options.cwd, env, encoding: 'utf8', maxBuffer: 64 << 20 });
    const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.error !== undefined) throw r.error;
    if (r.status !== 0) {
      const tail = (r.stderr ?? '').trim().split('\n').filter((l) => !/^\s*(Command being timed|Command exited)/.test(l)).slice(-4).join(' | ');
      throw new ProcessFailed(`node ${args.join(' ')} exited with ${r.status ?? r.signal}: ${tail}`);
    }
    const text = fs.existsSync(report) ? fs.readFileSync(report, 'utf8') : '';
    if (gnu) {
      const num = (label: string): number | undefined => {
        const m = new RegExp(`${label}:\\s*([0-9.]+)`).exec(text);
        return m === null ? undefined : Number(m[1]);
      };
      return {
        wallMs, maxRssKiB: num('Maximum resident set size \\(kbytes\\)') ?? 0,
        ...(num('User time \\(seconds\\)') !== undefined ? { userS: num('User time \\(seconds\\)')! } : {}),
        ...(num('System time \\(seconds\\)') !== undefined ? { sysS: num('System time \\(seconds\\)')! } : {}),
        rssFrom: 'time',
      };
    }
    return { wallMs, maxRssKiB: Number(/VmHWM:\s*(\d+)/.exec(text)?.[1] ?? 0), rssFrom: 'hook' };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** Median of numbers (mean of the middle two for an even count). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
