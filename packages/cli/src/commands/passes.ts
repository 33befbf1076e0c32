import type { Command } from 'commander';
import { formatPassList } from '@mixprec/passes';
import type { CliIO } from '../io.js';
import { createAppRegistry } from '../registry.js';

/** `mixprec passes`: every pass with description, opt level and options; the aliases. */
export function registerPasses(program: Command, io: CliIO): void {
  program
    .command('passes')
    .description('List the passes (name, description, opt level, options with types and defaults) and pipeline aliases')
    .action(() => {
      io.stdout(`${formatPassList(createAppRegistry())}\n`);
    });
}
