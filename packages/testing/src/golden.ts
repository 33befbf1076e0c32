import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseModel, printModel, structuralHash, verify, type Diagnostic, type Model } from '@mixprec/ir';
import {
  createModifiedCheckInstrument, createPassContext, formatPassFailure, formatPipelineError, runPipeline,
  type PassContextOptions, type PassRegistry,
} from '@mixprec/passes';
import { lineDiff } from './text-diff.js';

/**
 * One golden case: `<dir>/<group>/<case>.onnxtxt` and its `<case>.expected.onnxtxt`.
 * Header lines (anywhere, usually first): `# RUN: <pipeline>` (exactly one),
 * `# IDEMPOTENT: false` (skip the second-run check), `# VERIFY-INPUT: false` (accept an input
 * the verifier rejects). The parser allows names used before their definition.
 */
export interface GoldenCase {
  /** `<group>/<case>`. */
  readonly name: string;
  readonly group: string;
  readonly file: string;
  readonly expectedFile: string;
  /** From the `# RUN: <pipeline>` header line. */
  readonly pipeline: string;
  /** False when the header has `# IDEMPOTENT: false`. */
  readonly idempotent: boolean;
  /** False when the header has `# VERIFY-INPUT: false` (e.g. an unsorted input for topo-sort). */
  readonly verifyInput: boolean;
  readonly source: string;
}

/** Options of {@link runGoldenCase} / {@link runGoldenDir}. */
export interface GoldenOptions {
  readonly registry: PassRegistry;
  /** More context settings (instruments, config, level — default 3 so that every named pass runs). */
  readonly context?: Omit<PassContextOptions, 'registry' | 'verifyEach' | 'report'>;
  /** Rewrite expected files instead of comparing (default: env `UPDATE_GOLDEN=1`). */
  readonly update?: boolean;
}

/** The outcome of running one case. */
export interface GoldenOutcome {
  /** What the expected file should contain: diagnostics as `#` lines, then `printModel`. */
  readonly actual: string;
  /** The expected file, or undefined when it does not exist. */
  readonly expected: string | undefined;
  readonly diagnostics: readonly Diagnostic[];
}

/** Thrown on a golden mismatch: mocha shows `expected`/`actual` as a diff (`showDiff`). */
export class GoldenMismatchError extends Error {
  override readonly name = 'GoldenMismatchError';
  readonly showDiff = true;
  constructor(message: string, readonly actual: string, readonly expected: string) {
    super(message);
  }
}

const RUN = /^#\s*RUN:\s*(.*)$/;
const IDEMPOTENT = /^#\s*IDEMPOTENT:\s*(true|false)\s*$/;
const VERIFY_INPUT = /^#\s*VERIFY-INPUT:\s*(true|false)\s*$/;

/** The cases under `dir` (one level of groups, then `*.onnxtxt` files), sorted by name. */
export function loadGoldenCases(dir: string): GoldenCase[] {
  const out: GoldenCase[] = [];
  for (const group of fs.readdirSync(dir).sort()) {
    const gdir = path.join(dir, group);
    if (!fs.statSync(gdir).isDirectory()) continue;
    for (const f of fs.readdirSync(gdir).sort()) {
      if (!f.endsWith('.onnxtxt') || f.endsWith('.expected.onnxtxt')) continue;
      const file = path.join(gdir, f);
      const source = fs.readFileSync(file, 'utf8');
      const base = f.slice(0, -'.onnxtxt'.length);
      const runs = source.split('\n').map((l) => RUN.exec(l.trim())).filter((m) => m !== null);
      if (runs.length !== 1) throw new Error(`${file}: needs exactly one '# RUN: <pipeline>' line, found ${runs.length}`);
      const header = (re: RegExp): string | undefined => source.split('\n').map((l) => re.exec(l.trim())).find((m) => m !== null)?.[1];
      out.push({
        name: `${group}/${base}`, group, file, expectedFile: path.join(gdir, `${base}.expected.onnxtxt`),
        pipeline: runs[0]![1]!.trim(), idempotent: header(IDEMPOTENT) !== 'false',
        verifyInput: header(VERIFY_INPUT) !== 'false', source,
      });
    }
  }
  return out;
}

function parseOrThrow(text: string, file: string): Model {
  const r = parseModel(text);
  if (r._tag === 'Left') throw new Error(`${file}: ${String((r.left as { message?: string }).message ?? r.left)}`);
  return r.right;
}

/**
 * Runs a case: parses and verifies the input, runs the pipeline with `verifyEach` and the
 * modified/hash check, and renders the result. With `idempotent`, runs the pipeline again on
 * the result and requires `modified: false` and an unchanged structural hash.
 */
export function runGoldenCase(c: GoldenCase, options: GoldenOptions): GoldenOutcome {
  const model = parseOrThrow(c.source, c.file);
  const bad = c.verifyInput ? verify(model).filter((d) => d.severity === 'error') : [];
  if (bad.length > 0) throw new Error(`${c.file}: the input model is invalid: ${bad.slice(0, 3).map((d) => d.message).join('; ')}`);
  const pass = options.registry.parse(c.pipeline);
  if (pass._tag === 'Left') throw new Error(`${c.file}: bad RUN line\n${formatPipelineError(pass.left)}`);
  const run = (m: Model): { modified: boolean; diagnostics: Diagnostic[] } => {
    const diagnostics: Diagnostic[] = [];
    const ctx = createPassContext({
      optLevel: 3,
      ...options.context,
      registry: options.registry,
      verifyEach: true,
      instruments: [createModifiedCheckInstrument(), ...(options.context?.instruments ?? [])],
      report: (d) => void diagnostics.push(d),
    });
    if (ctx._tag === 'Left') throw new Error(`${c.file}: ${ctx.left.message}`);
    const r = runPipeline(m, pass.right, ctx.right);
    if (r._tag === 'Left') throw new Error(`${c.file}: ${formatPassFailure(r.left)}`);
    return { modified: r.right.modified, diagnostics };
  };
  const first = run(model);
  const actual = renderOutcome(model, first.diagnostics);
  if (c.idempotent) {
    const before = structuralHash(model);
    const second = run(model);
    if (second.modified || structuralHash(model) !== before) {
      throw new Error(`${c.file}: the pipeline '${c.pipeline}' is not idempotent: a second run reported modified: ${second.modified}${structuralHash(model) !== before ? ' and changed the model' : ''}`
        + '; fix the pass or mark the case with # IDEMPOTENT: false');
    }
  }
  const expected = fs.existsSync(c.expectedFile) ? fs.readFileSync(c.expectedFile, 'utf8') : undefined;
  return { actual, expected, diagnostics: first.diagnostics };
}

/** Diagnostics as `# <severity> [<code>] <message>` lines, then the printed model. */
export function renderOutcome(model: Model, diagnostics: readonly Diagnostic[]): string {
  const head = diagnostics.map((d) => `# ${d.severity} [${d.code}] ${d.message.replace(/\n/g, ' ')}\n`).join('');
  const text = printModel(model);
  return head + text + (text.endsWith('\n') ? '' : '\n');
}

/** Runs a case and compares (or, when updating, rewrites) the expected file. */
export function checkGoldenCase(c: GoldenCase, options: GoldenOptions): void {
  const { actual, expected } = runGoldenCase(c, options);
  const update = options.update ?? process.env.UPDATE_GOLDEN === '1';
  if (update) {
    if (expected !== actual) fs.writeFileSync(c.expectedFile, actual);
    return;
  }
  if (expected === undefined) {
    throw new Error(`${c.expectedFile} does not exist; run the tests with UPDATE_GOLDEN=1 to create it, then review it`);
  }
  if (expected !== actual) {
    throw new GoldenMismatchError(
      `${c.name}: output differs from ${path.basename(c.expectedFile)} (RUN: ${c.pipeline}); `
        + `if the change is intended, rerun with UPDATE_GOLDEN=1 and review the diff\n${lineDiff(expected, actual)}`,
      actual, expected,
    );
  }
}

/**
 * Defines one mocha `describe` per group and one `it` per case under `dir`
 * (`test/fixtures/<pass>/<case>.onnxtxt`). Call it at the top level of a test file.
 */
export function runGoldenDir(dir: string, options: GoldenOptions): void {
  const cases = loadGoldenCases(dir);
  const groups = new Map<string, GoldenCase[]>();
  for (const c of cases) groups.set(c.group, [...(groups.get(c.group) ?? []), c]);
  for (const [group, list] of groups) {
    describe(`golden: ${group}`, () => {
      for (const c of list) it(path.basename(c.file, '.onnxtxt'), () => checkGoldenCase(c, options));
    });
  }
}
