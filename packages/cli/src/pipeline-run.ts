import fs from 'node:fs';
import path from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { formatDiagnostics, verify, type Diagnostic, type Model } from '@mixprec/ir';
import {
  createIrPrinterInstrument, createPassContext, createTimingInstrument, formatIrDump,
  irDumpFileName, parseConfigAssignment, parsePipeline, printPipeline, runPipeline,
  type OptLevel, type Pass, type PassInstrument, type PassRegistry, type TimingInstrument,
} from '@mixprec/passes';
import { listFlag } from './flags.js';
import { CliError, ExitCode } from './errors.js';
import type { CliIO } from './io.js';

/** Pass-manager flags shared by `opt` and `convert`. */
export interface PipelineFlags {
  readonly verifyEach?: boolean;
  readonly timing?: boolean;
  readonly printIrBefore?: string[];
  readonly printIrAfter?: string[];
  readonly printIrAfterAll?: boolean;
  readonly printIrAfterChange?: boolean;
  readonly printIrAfterFailure?: boolean;
  readonly dumpIr?: string;
  readonly optLevel?: string;
  readonly disable?: string[];
  readonly config?: string[];
}

/** Parses pipeline text against the registry; an empty text is no pass at all. */
export function parsePipelineOrFail(text: string, registry: PassRegistry): Pass | undefined {
  if (text.trim() === '') return undefined;
  const r = parsePipeline(text, registry);
  if (E.isLeft(r)) throw new CliError(`-p: ${r.left.message}`);
  return r.right;
}

/**
 * Runs a pass on a model with the CLI's instruments (timing, IR printing/dumps) and returns the
 * diagnostics the passes reported. A failing pass throws a {@link CliError} with the canonical
 * reproducer pipeline; nothing is written.
 */
export function runPassWithFlags(model: Model, pass: Pass, registry: PassRegistry, flags: PipelineFlags, io: CliIO, label: string): Diagnostic[] {
  const instruments: PassInstrument[] = [];
  let timing: TimingInstrument | undefined;
  if (flags.timing === true) {
    timing = createTimingInstrument();
    instruments.push(timing);
  }
  const before = listFlag(flags.printIrBefore);
  const after = listFlag(flags.printIrAfter);
  const dumpDir = flags.dumpIr;
  const wantsDump = before.length > 0 || after.length > 0 || flags.printIrAfterAll === true || flags.printIrAfterChange === true
    || flags.printIrAfterFailure === true || dumpDir !== undefined;
  if (wantsDump) {
    if (dumpDir !== undefined) fs.mkdirSync(dumpDir, { recursive: true });
    instruments.push(createIrPrinterInstrument({
      before,
      after: flags.printIrAfterAll === true || (dumpDir !== undefined && after.length === 0 && flags.printIrAfterChange !== true) ? 'all' : after,
      afterChange: flags.printIrAfterChange === true,
      afterFailure: flags.printIrAfterFailure === true || dumpDir !== undefined,
      sink: (d) => {
        if (dumpDir !== undefined) fs.writeFileSync(path.join(dumpDir, irDumpFileName(d)), formatIrDump(d));
        else io.stderr(formatIrDump(d));
      },
    }));
  }
  const config: [string, unknown][] = [];
  for (const c of flags.config ?? []) {
    const r = parseConfigAssignment(registry, c);
    if (E.isLeft(r)) throw new CliError(`--config: ${r.left.message}`);
    config.push([r.right[0], r.right[1]]);
  }
  let optLevel: OptLevel | undefined;
  if (flags.optLevel !== undefined) {
    const n = Number(flags.optLevel);
    if (![0, 1, 2, 3].includes(n)) throw new CliError(`--opt-level: expected 0, 1, 2 or 3, got '${flags.optLevel}'`);
    optLevel = n as OptLevel;
  }
  const ctx = createPassContext({
    registry,
    verifyEach: flags.verifyEach === true,
    instruments,
    disabledPasses: listFlag(flags.disable),
    config: new Map(config),
    ...(optLevel === undefined ? {} : { optLevel }),
  });
  if (E.isLeft(ctx)) throw new CliError(ctx.left.message);
  const r = runPipeline(model, pass, ctx.right);
  if (timing !== undefined) io.stderr(`${label}: pass timing\n${timing.format()}\n`);
  if (E.isLeft(r)) {
    const f = r.left;
    const detail = (f.diagnostics ?? []).slice(0, 3).map((d) => ` [${d.code}] ${d.message}`).join(';');
    throw new CliError(`${label}: ${f.message.split('\n')[0]}${detail === '' ? '' : `:${detail}`} (reproduce with -p '${f.pipeline}')`, ExitCode.internal);
  }
  return [...ctx.right.diagnostics];
}

/** Verifies a model before it is written; invalid → a CliError naming the first problems. */
export function verifyOrFail(model: Model, label: string): void {
  const ds = verify(model).filter((d) => d.severity === 'error');
  if (ds.length > 0) {
    throw new CliError(`${label}: the result does not verify, nothing written: ${formatDiagnostics(ds.slice(0, 3)).replace(/\n/g, '; ')}`, ExitCode.internal);
  }
}

export { printPipeline };
