import cliProgress from 'cli-progress';
import type { CliIO } from './io.js';

/** A progress bar on stderr, or nothing (see {@link progressBar}). */
export interface ProgressBar {
  /** Moves the bar to `value` (of `total`, when it changed) and shows `label` after it. */
  update(value: number, total?: number, label?: string): void;
  /** Removes the bar (call it before printing results or errors). */
  stop(): void;
}

const SILENT: ProgressBar = Object.freeze({ update: () => undefined, stop: () => undefined });

/**
 * A progress bar for a command that can take more than a second: shown only when stderr is an
 * interactive terminal and neither `--quiet` nor `--json` was given (so piped, logged and
 * machine-read output never contains it). It draws through `io.stderr` and erases itself on stop.
 */
export function progressBar(io: CliIO, flags: { readonly quiet?: boolean; readonly json?: boolean }, title: string, total: number): ProgressBar {
  if (!io.isTTY || flags.quiet === true || flags.json === true) return SILENT;
  const stream = {
    isTTY: true,
    columns: process.stderr.columns ?? 80,
    write: (s: string): boolean => {
      io.stderr(s);
      return true;
    },
  };
  const bar = new cliProgress.SingleBar({
    format: `${title} [{bar}] {value}/{total} {label}`,
    barsize: 24,
    hideCursor: true,
    clearOnComplete: true,
    stopOnComplete: false,
    fps: 10,
    stream: stream as unknown as NodeJS.WritableStream,
  }, cliProgress.Presets.shades_classic);
  bar.start(Math.max(1, total), 0, { label: '' });
  let stopped = false;
  return {
    update(value, newTotal, label) {
      if (stopped) return;
      if (newTotal !== undefined) bar.setTotal(Math.max(1, newTotal));
      bar.update(value, { label: label ?? '' });
    },
    stop() {
      if (stopped) return;
      stopped = true;
      bar.stop();
    },
  };
}
