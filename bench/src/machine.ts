/** A description of the machine a benchmark ran on, for RESULTS.md. */
import fs from 'node:fs';
import os from 'node:os';

export interface Machine {
  readonly date: string;
  readonly cpu: string;
  readonly nproc: number;
  readonly memGiB: number;
  readonly node: string;
  readonly os: string;
}

export function describeMachine(): Machine {
  let cpu = os.cpus()[0]?.model ?? 'unknown';
  try {
    cpu = /model name\s*:\s*(.+)/.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpu;
  } catch {
    // not Linux
  }
  return {
    date: new Date().toISOString(),
    cpu,
    nproc: os.availableParallelism(),
    memGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    os: `${os.type()} ${os.release()}`,
  };
}
