import type { PassInstrument } from '../instrument.js';
import type { PassInfo } from '../pass.js';

/** Time spent in one pass name over a run (all its invocations). */
export interface PassTiming {
  readonly name: string;
  readonly composite: boolean;
  readonly runs: number;
  readonly modifiedRuns: number;
  readonly failures: number;
  /** Wall time including nested passes. */
  readonly totalMs: number;
  /** Wall time excluding nested passes (leaf passes: equal to `totalMs`). */
  readonly selfMs: number;
}

/** An instrument that times every pass (`--timing`). */
export interface TimingInstrument extends PassInstrument {
  /** Per pass name, in order of first run. */
  entries(): PassTiming[];
  /** Wall time of the outermost passes. */
  totalMs(): number;
  /** A table: self time, share of the total, runs, name (MLIR's `-mlir-timing` list view). */
  format(): string;
}

interface Frame {
  readonly name: string;
  readonly start: number;
  childMs: number;
}

interface Acc {
  composite: boolean;
  runs: number;
  modifiedRuns: number;
  failures: number;
  totalMs: number;
  selfMs: number;
}

/** A fresh timing instrument; `now` defaults to `performance.now` (injectable for tests). */
export function createTimingInstrument(options: { readonly now?: () => number } = {}): TimingInstrument {
  const now = options.now ?? (() => performance.now());
  const stack: Frame[] = [];
  const acc = new Map<string, Acc>();
  let top = 0;

  const close = (info: PassInfo, outcome: 'ok' | 'modified' | 'failed'): void => {
    const f = stack.pop();
    if (f === undefined) return;
    const ms = now() - f.start;
    const parent = stack[stack.length - 1];
    if (parent !== undefined) parent.childMs += ms;
    else top += ms;
    let a = acc.get(info.name);
    if (a === undefined) {
      a = { composite: false, runs: 0, modifiedRuns: 0, failures: 0, totalMs: 0, selfMs: 0 };
      acc.set(info.name, a);
    }
    a.composite = a.composite || info.composite === true;
    a.runs++;
    if (outcome === 'modified') a.modifiedRuns++;
    if (outcome === 'failed') a.failures++;
    a.totalMs += ms;
    a.selfMs += ms - f.childMs;
  };

  const entries = (): PassTiming[] => [...acc].map(([name, a]) => ({ name, ...a }));
  return {
    name: 'timing',
    runBeforePass(_m, info) {
      // Registered at first start so the table follows pipeline order.
      if (!acc.has(info.name)) acc.set(info.name, { composite: info.composite === true, runs: 0, modifiedRuns: 0, failures: 0, totalMs: 0, selfMs: 0 });
      stack.push({ name: info.name, start: now(), childMs: 0 });
    },
    runAfterPass(_m, info, r) {
      close(info, r.modified ? 'modified' : 'ok');
    },
    runAfterPassFailed(_m, info) {
      close(info, 'failed');
    },
    entries,
    totalMs: () => top,
    format() {
      const total = top;
      const lines = [`Pass execution timing report: total ${total.toFixed(3)} ms`, '   self ms  total ms  share  runs  changed  pass'];
      for (const e of entries()) {
        const share = total > 0 ? (100 * e.selfMs) / total : 0;
        lines.push(
          `${e.selfMs.toFixed(3).padStart(10)}${e.totalMs.toFixed(3).padStart(10)}${`${share.toFixed(1)}%`.padStart(7)}`
          + `${String(e.runs).padStart(6)}${String(e.modifiedRuns).padStart(9)}  ${e.composite ? `(${e.name})` : e.name}${e.failures > 0 ? ` [${e.failures} failed]` : ''}`,
        );
      }
      return lines.join('\n');
    },
  };
}
