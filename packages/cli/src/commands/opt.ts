import type { Command } from 'commander';
import type { CliIO } from '../io.js';
import { blameInvalidInput, inputProblems, sortInputGraphs } from '../input-check.js';
import { checkNotOverwritingInput, planJobs } from '../inputs.js';
import { externalDataOption, formatBytes, loadOrFail, saveOrFail } from '../model-io.js';
import { parsePipelineOrFail, printPipeline, runPassWithFlags, verifyOrFail, type PipelineFlags } from '../pipeline-run.js';
import { loadPlugins } from '../plugins.js';
import { createAppRegistry } from '../registry.js';
import { collect } from '../flags.js';

interface OptFlags extends PipelineFlags {
  readonly output?: string;
  readonly pipeline?: string;
  readonly externalData?: string | boolean;
  readonly inPlace?: boolean;
  readonly quiet?: boolean;
  readonly plugin?: string[];
}

/** Adds the pass-manager flags to a command. */
export function addPipelineFlags(cmd: Command): Command {
  return cmd
    .option('--verify-each', 'run the IR verifier after every pass')
    .option('--timing', 'print time per pass (to stderr)')
    .option('--print-ir-before <pass>', 'print the IR before this pass (repeatable, comma list)', collect)
    .option('--print-ir-after <pass>', 'print the IR after this pass (repeatable, comma list)', collect)
    .option('--print-ir-after-all', 'print the IR after every pass')
    .option('--print-ir-after-change', 'print the IR after every pass that changed it')
    .option('--print-ir-after-failure', 'print the IR when a pass fails, with the reproducer pipeline')
    .option('--dump-ir <dir>', 'write NNN_<stage>_<pass>.onnxtxt dumps into DIR')
    .option('--opt-level <n>', 'optimisation level 0-3 (passes above it are skipped)')
    .option('--disable <passes>', 'never run these passes (repeatable, comma list)', collect)
    .option('--config <key=value>', 'set a registered config key (repeatable)', collect);
}

/** `mixprec opt IN… -o OUT -p PIPELINE`: run a pass pipeline (empty = load and save). */
export function registerOpt(program: Command, io: CliIO): void {
  addPipelineFlags(program
    .command('opt')
    .description('Run a pass pipeline on models (an empty pipeline loads and saves: a lossless round trip)')
    .argument('<inputs...>', 'ONNX model files or folders of them')
    .requiredOption('-o, --output <path>', 'output file, or folder for several inputs')
    .option('-p, --pipeline <text>', "pass pipeline, e.g. 'fold-constants,fixpoint(eliminate-identity,dce)'", '')
    .option('--external-data [threshold]', 'write weights of at least THRESHOLD bytes (default 1024) to OUT.data')
    .option('--in-place', 'allow the output to replace the input model')
    .option('--plugin <module>', 'register the passes and aliases an ES module exports (file or package; repeatable)', collect)
    .option('-q, --quiet', 'print nothing on success'))
    .action(async (inputs: string[], flags: OptFlags) => {
      const registry = createAppRegistry(await loadPlugins(flags.plugin ?? []));
      const pass = parsePipelineOrFail(flags.pipeline ?? '', registry);
      const jobs = planJobs(inputs, flags.output, 'opt');
      for (const job of jobs) checkNotOverwritingInput(job, flags.inPlace === true);
      for (const job of jobs) {
        const model = loadOrFail(job.input);
        if (pass !== undefined) {
          const sorted = sortInputGraphs(model, job.input);
          if (sorted !== undefined && flags.quiet !== true) io.stderr(`note: ${sorted}\n`);
          const ds = blameInvalidInput(job.input, () => inputProblems(loadOrFail(job.input)), () => {
            const found = runPassWithFlags(model, pass, registry, flags, io, job.input);
            verifyOrFail(model, job.input);
            return found;
          });
          if (flags.quiet !== true) for (const d of ds.filter((x) => x.severity !== 'info')) io.stderr(`${job.input}: ${d.severity}: ${d.message}\n`);
        }
        const info = saveOrFail(model, job.output, externalDataOption(flags.externalData, job.input, flags.inPlace === true));
        if (flags.quiet !== true) {
          const ext = info.dataFile === undefined ? '' : ` + ${info.dataFile} (${formatBytes(info.dataBytes ?? 0)})`;
          io.stdout(`${job.input} -> ${info.file} (${formatBytes(info.bytes)}${ext})${pass === undefined ? '' : ` with -p '${printPipeline(pass)}'`}\n`);
        }
      }
    });
}
