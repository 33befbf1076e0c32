import { Command, CommanderError } from 'commander';
import { registerAuto } from './commands/auto.js';
import { registerConvert } from './commands/convert.js';
import { registerInspect } from './commands/inspect.js';
import { registerOpt } from './commands/opt.js';
import { registerPasses } from './commands/passes.js';
import { registerRun } from './commands/run.js';
import { registerValidate } from './commands/validate.js';
import { CliError, ExitCode } from './errors.js';
import type { CliIO } from './io.js';

/** The version printed by `mixprec --version`. */
export const VERSION = '0.1.0';

/** Builds the `mixprec` program with every command registered. */
export function buildProgram(io: CliIO): Command {
  const program = new Command('mixprec')
    .description('Convert FP32 ONNX models into true 16-bit models (FP16/BF16, INT16), explicitly and verifiably')
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride();
  registerConvert(program, io);
  registerInspect(program, io);
  registerOpt(program, io);
  registerPasses(program, io);
  registerRun(program, io);
  registerValidate(program, io);
  registerAuto(program, io);
  for (const c of program.commands) c.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  return program;
}

/**
 * Runs the CLI and returns the exit code: 0 done, 1 validation failed, 2 bad input or usage
 * (nothing written), 3 internal error. User mistakes print one line, never a stack trace
 * (set MIXPREC_DEBUG=1 to see stacks of internal errors).
 */
export async function run(argv: readonly string[], io: CliIO): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv]);
    return ExitCode.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return ExitCode.ok;
      return ExitCode.badInput; // commander already printed the message
    }
    if (e instanceof CliError) {
      io.stderr(`mixprec: ${e.message}\n`);
      return e.code;
    }
    const err = e as Error;
    io.stderr(`mixprec: internal error: ${err.message}\n`);
    if (process.env['MIXPREC_DEBUG'] !== undefined && err.stack !== undefined) io.stderr(`${err.stack}\n`);
    else io.stderr('mixprec: this is a bug in mixprec; set MIXPREC_DEBUG=1 for the stack trace and report it\n');
    return ExitCode.internal;
  }
}
