/**
 * The command-line contract, checked on fuzz cases: `mixprec convert` (or `opt -p cleanup` when
 * the CLI has no convert) run in process on the case file must exit 0 with a model that loads
 * and verifies, or exit 1/2 with exactly one line on stderr and nothing written. Exit 3
 * (internal error), a throw, a second line or a leftover file is a failure.
 */
import fs from 'node:fs';
import path from 'node:path';
import { buildProgram, run, type CliIO } from '@mixprec/cli';
import { formatDiagnostics, verify } from '@mixprec/ir';
import { formatLoadError, loadModel } from '@mixprec/onnx';

const SILENT: CliIO = { stdout: () => undefined, stderr: () => undefined, isTTY: false };

/** Whether the CLI has a `convert` command. */
export function cliHasConvert(): boolean {
  return buildProgram(SILENT).commands.some((c) => c.name() === 'convert');
}

/**
 * The conversion command under test: `convert IN -o OUT --keep-io-types --quiet` when the CLI
 * has it, else `opt IN -o OUT -p cleanup --quiet`; `extra` goes at the end.
 */
export function conversionArgs(input: string, output: string, extra: readonly string[] = [], convert = cliHasConvert()): string[] {
  return convert
    ? ['convert', input, '-o', output, '--keep-io-types', '--quiet', ...extra]
    : ['opt', input, '-o', output, '-p', 'cleanup', '--quiet', ...extra];
}

export interface CliCheck {
  /** Undefined when the contract held, else what broke. */
  readonly failure: string | undefined;
  readonly code: number;
}

/** Runs the conversion command on `input` into an empty folder `outDir` and checks the contract. */
export async function checkCli(input: string, outDir: string, convert: boolean): Promise<CliCheck> {
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  const inputBefore = fs.readFileSync(input);
  const out = path.join(outDir, 'cli.onnx');
  let stderr = '';
  const io: CliIO = { stdout: () => undefined, stderr: (t) => { stderr += t; }, isTTY: false };
  let code: number;
  try {
    code = await run(['node', 'mixprec', ...conversionArgs(input, out, [], convert)], io);
  } catch (e) {
    return { code: -1, failure: `the CLI threw: ${e instanceof Error ? e.message : String(e)}`.split('\n')[0] };
  }
  const fail = (why: string): CliCheck => ({ code, failure: `exit ${code}: ${why}`.slice(0, 300) });
  if (!fs.readFileSync(input).equals(inputBefore)) return fail('the input file changed');
  const written = fs.readdirSync(outDir);
  if (code === 0) {
    const r = loadModel(out);
    if (r._tag === 'Left') return fail(`wrote a model that does not load: ${formatLoadError(r.left)}`);
    const ds = verify(r.right).filter((d) => d.severity === 'error');
    if (ds.length > 0) return fail(`wrote a model that does not verify: ${formatDiagnostics(ds.slice(0, 1))}`);
    if (written.some((f) => f.endsWith('.tmp'))) return fail(`left temporary files: ${written.join(', ')}`);
    return { code, failure: undefined };
  }
  const lines = stderr.split('\n').filter((l) => l !== '');
  if (code !== 1 && code !== 2) return fail(`expected 0, 1 or 2: ${JSON.stringify((lines[0] ?? '').slice(0, 200))}`);
  if (lines.length !== 1 || !lines[0]!.startsWith('mixprec: ')) return fail(`expected one 'mixprec: …' line on stderr, got ${JSON.stringify(stderr.slice(0, 200))}`);
  if (written.length > 0) return fail(`failed but left files behind: ${written.join(', ')}`);
  return { code, failure: undefined };
}
