/**
 * @mixprec/cli: the `mixprec` command. `main(process.argv)` resolves to the exit code.
 */
import { processIO, type CliIO } from './io.js';
import { run } from './program.js';

export { buildProgram, run, VERSION } from './program.js';
export { CliError, ExitCode } from './errors.js';
export { modelCensus, type ModelCensus } from './census.js';
export type { CliIO } from './io.js';
export { createAppRegistry } from './registry.js';
export { loadPlugins, pluginExports, type PluginModule } from './plugins.js';

/** Entry point of the `mixprec` binary: `argv` as in `process.argv`. */
export function main(argv: readonly string[], io: CliIO = processIO): Promise<number> {
  return run(argv, io);
}
