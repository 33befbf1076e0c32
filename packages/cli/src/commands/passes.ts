import type { Command } from 'commander';
import { formatPassList } from '@mixprec/passes';
import type { CliIO } from '../io.js';
import { loadPlugins } from '../plugins.js';
import { createAppRegistry } from '../registry.js';
import { collect } from '../flags.js';

/** `mixprec passes`: every pass with description, opt level and options; the aliases. */
export function registerPasses(program: Command, io: CliIO): void {
  program
    .command('passes')
    .description('List the passes (name, description, opt level, options with types and defaults) and pipeline aliases')
    .option('--plugin <module>', 'also list the passes and aliases an ES module exports (file or package; repeatable)', collect)
    .action(async (flags: { plugin?: string[] }) => {
      io.stdout(`${formatPassList(createAppRegistry(await loadPlugins(flags.plugin ?? [])))}\n`);
    });
}
