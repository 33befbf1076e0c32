import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { encodeTensor } from '@mixprec/onnx';
import type { BackendName } from '@mixprec/executor-tfjs';
import type { Tensor } from '@mixprec/ir';
import { adaptFeeds, loadFeedSets } from '../data/feeds.js';
import { decodeNpy } from '../data/npy.js';
import { CliError } from '../errors.js';
import type { CliIO } from '../io.js';
import { loadOrFail } from '../model-io.js';
import { table } from '../table.js';
import { tensorJson, tensorSummary } from '../tensor-summary.js';
import { parseDimValues, readTensorFile } from './run-inputs.js';
import { collect } from '../flags.js';

interface RunFlags {
  readonly input?: string[];
  readonly data?: string;
  readonly backend?: string;
  readonly out?: string;
  readonly json?: boolean;
  readonly seed?: string;
  readonly dim?: string[];
}

/** `mixprec run MODEL`: runs a model on the reference executor (FP16/BF16 emulated exactly). */
export function registerRun(program: Command, io: CliIO): void {
  program
    .command('run')
    .description('Run a model on the reference executor (TensorFlow.js kernels; FP16/BF16 emulated exactly); inputs not given are generated, seeded')
    .argument('<model>', 'ONNX model file')
    .option('--input <name=file>', 'an input from a TensorProto .pb or .npy file (repeatable)', collect)
    .option('--data <dir>', 'inputs from an ONNX test-data folder (input_0.pb, …), .npz or .json')
    .option('--backend <name>', 'tfjs backend: tensorflow, wasm, cpu (default: the first that loads)')
    .option('--out <dir>', 'write the outputs as output_0.pb, output_1.pb, … (graph-output order)')
    .option('--json', 'print {"backend", "outputs": {NAME: {dtype, dims, data}}} only')
    .option('--seed <n>', 'seed of generated inputs and random ops', '0')
    .option('--dim <name=value>', 'size of a symbolic dimension for generated inputs (repeatable)', collect)
    .action(async (modelFile: string, flags: RunFlags) => {
      // Loaded here, not at the top: loading tfjs costs about 0.3 s, which every other command
      // would pay at start-up. `import()` (as amp's validation does): it shares the module
      // instances (e.g. of @mixprec/ir) with the static imports, under tsx and in the bundle
      // (where the executor is a chunk loaded on demand).
      const { generateInputs, initBackend, runModel } = await import('@mixprec/executor-tfjs');
      const model = loadOrFail(modelFile);
      const seed = Number(flags.seed ?? '0');
      if (!Number.isSafeInteger(seed)) throw new CliError(`--seed: expected an integer, got '${flags.seed}'`);
      let given: Record<string, Tensor> = {};
      if (flags.data !== undefined) {
        const sets = loadFeedSets(model, [flags.data]);
        given = { ...sets[0]!.feeds };
      }
      for (const spec of flags.input ?? []) {
        const eq = spec.indexOf('=');
        if (eq <= 0) throw new CliError(`--input: expected NAME=FILE, got '${spec}'`);
        const file = spec.slice(eq + 1);
        given[spec.slice(0, eq)] = file.endsWith('.npy') ? decodeNpy(fs.readFileSync(file), file) : readTensorFile(file);
      }
      const feeds = { ...generateInputs(model, { seed, dimValues: parseDimValues(flags.dim), fixed: adaptFeeds(model, given, modelFile) }) };
      let backend: BackendName;
      try {
        backend = await initBackend(flags.backend as BackendName | undefined);
      } catch (e) {
        throw new CliError(`--backend: ${(e as Error).message}`);
      }
      const r = await runModel(model, feeds, { backend, seed });
      if (r._tag === 'Left') throw new CliError(`${modelFile}: ${r.left.message}`);
      const outputs = r.right.outputs;
      if (flags.out !== undefined) {
        fs.mkdirSync(flags.out, { recursive: true });
        model.graph.outputs.forEach((v, i) => {
          const t = outputs[v.name];
          if (t !== undefined) fs.writeFileSync(path.join(flags.out!, `output_${i}.pb`), encodeTensor(t, v.name));
        });
      }
      if (flags.json === true) {
        const payload = { backend: r.right.backend, outputs: Object.fromEntries(Object.entries(outputs).map(([k, t]) => [k, tensorJson(t)])) };
        io.stdout(`${JSON.stringify(payload)}\n`);
        return;
      }
      io.stdout(`${modelFile} on ${r.right.backend}\n`);
      io.stdout(`${table([['output', 'value'], ...Object.entries(outputs).map(([k, t]) => [k, tensorSummary(t)])], '  ').join('\n')}\n`);
      for (const note of r.right.notes) io.stderr(`note: ${note.message}\n`);
    });
}
