/**
 * The benchmark definitions: which generated model, which `mixprec` commands, how many runs,
 * and the acceptance goals each is judged against.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { EXTERNAL_3GIB, EXTERNAL_SMOKE, externalModel } from './gen-external.js';
import { smallNodesModel } from './gen-small-nodes.js';
import { TRANSFORMER_300MB, TRANSFORMER_SMOKE, transformerModel } from './gen-transformer.js';
import { cachedModel, type ModelFiles } from './model-cache.js';

/** The `mixprec` entry script (the whole CLI process is what is measured). */
export function cliScript(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('@mixprec/cli')), '..', 'bin', 'mixprec.js');
}

/** Which code `bin/mixprec.js` runs: the bundle (`npm run build`) or, when it is missing or stale, dist. */
export interface CliEntry {
  readonly entry: 'bundle' | 'dist';
  readonly why?: string;
}

/** The bin's own check (bin/mixprec.js): the bundle runs while every stamp of its manifest matches. */
export function cliEntry(): CliEntry {
  const dir = path.join(path.dirname(cliScript()), '..', 'dist', 'bundle');
  let manifest: { stamps: { file: string; mtimeMs: number; size: number }[] };
  try {
    manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as typeof manifest;
  } catch {
    return { entry: 'dist', why: 'no bundle (npm run build makes it)' };
  }
  for (const s of manifest.stamps) {
    const st = fs.statSync(path.join(dir, s.file), { throwIfNoEntry: false });
    if (st === undefined || st.mtimeMs !== s.mtimeMs || st.size !== s.size) return { entry: 'dist', why: `the bundle is older than ${path.normalize(path.join('packages/cli/dist/bundle', s.file))}` };
  }
  return { entry: 'bundle' };
}

/** What the CLI in this checkout offers (the benchmarks adapt to it). */
export interface CliFeatures {
  readonly convert: boolean;
  /** The common-pass pipeline: `O1` when registered, else `cleanup`. */
  readonly commonPipeline: string;
}

export function detectCli(): CliFeatures {
  const cli = cliScript();
  const help = spawnSync(process.execPath, [cli, '--help'], { encoding: 'utf8' }).stdout ?? '';
  const passes = spawnSync(process.execPath, [cli, 'passes'], { encoding: 'utf8' }).stdout ?? '';
  return { convert: /^\s+convert\b/m.test(help), commonPipeline: /^\s+O1\s/m.test(passes) ? 'O1' : 'cleanup' };
}

/** One measured command: `mixprec <args(input, output)>`. */
export interface CommandDef {
  readonly id: string;
  readonly label: string;
  args(input: string, output: string): string[];
}

export const loadSave: CommandDef = { id: 'load-save', label: 'opt (empty pipeline: load + save)', args: (i, o) => ['opt', i, '-o', o, '-q'] };
export const pipeline = (p: string): CommandDef => ({ id: `opt-${p}`, label: `opt -p ${p}`, args: (i, o) => ['opt', i, '-o', o, '-q', '-p', p] });
export const convert: CommandDef = { id: 'convert', label: 'convert (default conversion)', args: (i, o) => ['convert', i, '-o', o] };

export interface BenchDef {
  readonly id: string;
  readonly title: string;
  model(): ModelFiles;
  readonly commands: readonly CommandDef[];
  readonly runs: number;
  /** Run the original and the converted model in onnxruntime-node and compare outputs. */
  readonly ortCheck: boolean;
}

/** The benchmark list for a full run or a smoke run. */
export function benchmarks(smoke: boolean, cli: CliFeatures, runs: number | undefined): BenchDef[] {
  const conv = cli.convert ? [convert] : [];
  const tp = smoke ? TRANSFORMER_SMOKE : TRANSFORMER_300MB;
  const ep = smoke ? EXTERNAL_SMOKE : EXTERNAL_3GIB;
  const nodes = (n: number): BenchDef => ({
    id: `nodes-${n >= 1000 ? `${n / 1000}k` : n}`,
    title: `${n.toLocaleString('en')} small nodes`,
    model: () => cachedModel('small-nodes', { nodes: n, width: 16 }, () => smallNodesModel({ nodes: n, width: 16 })),
    commands: [loadSave, pipeline(cli.commonPipeline), ...conv],
    runs: runs ?? (smoke ? 1 : 5),
    ortCheck: smoke || n <= 20000,
  });
  return [
    {
      id: 'transformer',
      title: smoke ? 'transformer (smoke: 2 layers, hidden 64)' : 'transformer, 12 layers, hidden 1024, 302 MB of FLOAT weights',
      model: () => cachedModel('transformer', tp, () => transformerModel(tp)),
      commands: [loadSave, pipeline(cli.commonPipeline), ...conv],
      runs: runs ?? (smoke ? 1 : 5),
      ortCheck: true,
    },
    ...(smoke ? [nodes(550), nodes(2200)] : [nodes(20000), nodes(200000)]),
    {
      id: 'external',
      title: smoke ? 'external data (smoke: 3 × 256², all external)' : 'external data, 13 × 8192² FLOAT = 3.25 GiB',
      model: () => cachedModel('external', ep, () => externalModel(ep), { externalData: { threshold: 1024, location: 'model.data' } }),
      commands: [loadSave, ...conv],
      runs: runs ?? (smoke ? 1 : 3),
      ortCheck: true,
    },
  ];
}
