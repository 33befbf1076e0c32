import fs from 'node:fs';
import path from 'node:path';
import { CliError } from './errors.js';

/** One input model and where its output goes. */
export interface Job {
  readonly input: string;
  readonly output: string;
}

/** All `*.onnx` files under `dir` (recursively), sorted, relative to `dir`. */
function onnxFilesIn(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    const entries = fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const e of entries) {
      const r = path.join(rel, e.name);
      if (e.isDirectory()) walk(r);
      else if (e.isFile() && e.name.endsWith('.onnx')) out.push(r);
    }
  };
  walk('');
  return out;
}

/**
 * Expands the command's inputs (files or directories) and `-o` into jobs:
 * one input file and `-o FILE` → that file; several inputs, a directory input, or an `-o`
 * that is an existing directory or ends with `/` → `-o` is a folder and each output keeps
 * the input's name (and its relative path under a directory input).
 */
export function planJobs(inputs: readonly string[], output: string | undefined, command: string): Job[] {
  if (inputs.length === 0) throw new CliError(`${command}: give at least one input model`);
  if (output === undefined || output === '') throw new CliError(`${command}: give the output with -o FILE (or -o DIR for several inputs)`);
  const files: { input: string; rel: string }[] = [];
  let batch = inputs.length > 1;
  for (const inp of inputs) {
    let st: fs.Stats;
    try {
      st = fs.statSync(inp);
    } catch {
      throw new CliError(`${inp}: no such file or directory`);
    }
    if (st.isDirectory()) {
      batch = true;
      const found = onnxFilesIn(inp);
      if (found.length === 0) throw new CliError(`${inp}: the directory holds no .onnx file`);
      for (const rel of found) files.push({ input: path.join(inp, rel), rel });
    } else {
      files.push({ input: inp, rel: path.basename(inp) });
    }
  }
  const outIsDir = batch || output.endsWith('/') || output.endsWith(path.sep) || isDirectory(output);
  if (!outIsDir) return [{ input: files[0]!.input, output }];
  const seen = new Map<string, string>();
  return files.map(({ input, rel }) => {
    const out = path.join(output, rel);
    const prev = seen.get(out);
    if (prev !== undefined) throw new CliError(`${input}: its output ${out} would overwrite the output of ${prev}; convert them separately`);
    seen.set(out, input);
    return { input, output: out };
  });
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Refuses to write over an input file unless `inPlace` is set. */
export function checkNotOverwritingInput(job: Job, inPlace: boolean): void {
  if (inPlace) return;
  const same = (a: string, b: string): boolean => {
    try {
      return fs.realpathSync(a) === fs.realpathSync(b);
    } catch {
      return path.resolve(a) === path.resolve(b);
    }
  };
  if (same(job.input, job.output)) {
    throw new CliError(`${job.output}: refusing to overwrite the input model; choose another -o, or pass --in-place`);
  }
}
