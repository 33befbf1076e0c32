/**
 * One fuzz case, in process: write the bytes as a model file in the sandbox, then
 * load → verify → convert (the pluggable step) → I/O contract check → verify → save → reload
 * → verify → re-encode, and classify what happened. Hangs and process deaths are the
 * supervisor's job (see supervisor.ts); this module only sees what returns or throws.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DataType, GraphCycleError, formatDiagnostics, topologicalOrder, verify, walkGraphs, type Model } from '@mixprec/ir';
import { EXTRAS, encodeModel, formatLoadError, formatSaveError, loadModel, saveModel, type LoadError, type SaveOptions } from '@mixprec/onnx';
import type { Sandbox } from './sandbox.js';
import { contractViolation, ioSignature, type ConversionStep } from './steps.js';

/**
 * `typed-error`: the input was refused with a one-line message naming the file.
 * `valid`: the result verifies, saves, reloads, verifies and re-encodes to the same bytes.
 * Everything else is a failure of the converter: `crash` (an exception escaped, or an error
 * message is not one line / does not name the file, or the result is invalid), `contract`
 * (input/output names or dtypes changed), `unstable` (save → load → save changes bytes),
 * `oom` (memory the file does not justify), `hang` (set by the supervisor), `ort` (with the
 * optional onnxruntime judge: the runtime loads the input but not the output).
 */
export type Outcome = 'typed-error' | 'valid' | 'crash' | 'contract' | 'unstable' | 'oom' | 'hang' | 'ort';

export const FAILURES: ReadonlySet<Outcome> = new Set(['crash', 'contract', 'unstable', 'oom', 'hang', 'ort']);

export type Stage = 'load' | 'verify-input' | 'convert' | 'verify-output' | 'save' | 'reload' | 'cli' | 'ort';

export interface CaseResult {
  readonly outcome: Outcome;
  /** Where the case ended. */
  readonly stage: Stage | 'done';
  /** The error message (typed errors) or what went wrong (failures); first 300 characters. */
  readonly message: string;
  readonly ms: number;
  /** Largest growth of ArrayBuffer memory seen during the case, in bytes. */
  readonly memory: number;
}

const LOAD_TAGS: ReadonlySet<LoadError['_tag']> = new Set(['DecodeError', 'InvalidModel', 'UnsupportedFeature', 'ExternalDataError', 'ReadError']);

/** Memory a file of `size` bytes may justify: 64× its size plus 64 MiB. */
export function memoryBudget(size: number): number {
  return 64 * size + 64 * 1024 * 1024;
}

export interface CaseOptions {
  /** Save with external data (what `--external-data` does: 1024 bytes and up, Constant values too) instead of inline. */
  readonly externalData?: boolean;
}

/** Runs one case; never throws. */
export function runCase(bytes: Uint8Array, sandbox: Sandbox, step: ConversionStep, options: CaseOptions = {}): CaseResult {
  const t0 = performance.now();
  const base = process.memoryUsage().arrayBuffers;
  let peak = 0;
  const sample = (): void => {
    peak = Math.max(peak, process.memoryUsage().arrayBuffers - base);
  };
  let stage: Stage = 'load';
  const done = (outcome: Outcome, message: string, at: Stage | 'done' = stage): CaseResult => {
    sample();
    const over = peak > memoryBudget(bytes.length);
    return {
      outcome: over && !FAILURES.has(outcome) ? 'oom' : outcome,
      stage: at,
      message: (over && !FAILURES.has(outcome) ? `used ${peak} bytes of ArrayBuffers for a ${bytes.length}-byte file; ${message}` : message).slice(0, 300),
      ms: performance.now() - t0,
      memory: peak,
    };
  };
  try {
    fs.writeFileSync(sandbox.caseFile, bytes);
    const file = sandbox.caseFile;
    const loaded = loadModel(file);
    sample();
    if (loaded._tag === 'Left') {
      const line = formatLoadError(loaded.left);
      const bad = badMessage(line, file) ?? (LOAD_TAGS.has(loaded.left._tag) ? undefined : `unexpected error tag ${loaded.left._tag}`);
      return bad === undefined ? done('typed-error', `${loaded.left._tag}: ${line.slice(file.length + 2)}`) : done('crash', `${bad}: ${JSON.stringify(line.slice(0, 200))}`);
    }
    const model = loaded.right;
    // Like `mixprec convert`: a file without a graph (empty, or cut before it) or without graph
    // outputs has nothing to convert.
    const absent = model.extras?.[EXTRAS.absent];
    if (Array.isArray(absent) && absent.includes('graph')) return done('typed-error', 'the model has no graph');
    if (model.graph.outputs.length === 0) return done('typed-error', "the model's graph has no outputs");
    // Like the CLI (sortInputGraphs): graphs out of topological order but acyclic are sorted first.
    sortAcyclicGraphs(model);
    stage = 'verify-input';
    // Like the CLI: an input that does not verify still goes through the conversion (which may
    // repair it), but any failure on it is the input's fault, a typed error.
    const inputProblems = verify(model).filter((d) => d.severity === 'error');
    // The CLI also counts main-graph IO of element type UNDEFINED as an input problem (ORT rejects it).
    for (const v of [...model.graph.inputs, ...model.graph.outputs]) {
      if (v.type?.kind === 'tensor' && v.type.dtype === DataType.UNDEFINED) {
        inputProblems.push({ severity: 'error', code: 'undefined-io-dtype', message: `'${v.name}' of the main graph has element type UNDEFINED` });
      }
    }
    const invalid = inputProblems.length > 0 ? formatDiagnostics(inputProblems.slice(0, 1)) : undefined;
    if (invalid !== undefined) {
      const bad = badMessage(invalid);
      if (bad !== undefined) return done('crash', `${bad} in a verifier message: ${JSON.stringify(invalid.slice(0, 200))}`);
    }
    const refuse = (what: string): CaseResult => done('typed-error', `invalid input (${invalid!}); ${what}`);
    const before = ioSignature(model);
    stage = 'convert';
    let r: ReturnType<ConversionStep['run']>;
    try {
      r = step.run(model);
    } catch (e) {
      if (invalid === undefined || isAllocationFailure(e)) throw e;
      return refuse(`the conversion failed on it: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
    }
    sample();
    if (r._tag === 'Left') {
      const bad = badMessage(r.left);
      return bad === undefined ? done('typed-error', `refused: ${r.left}`) : done('crash', `${bad} in a refusal: ${JSON.stringify(r.left.slice(0, 200))}`);
    }
    stage = 'verify-output';
    const outputProblems = verify(model).filter((d) => d.severity === 'error');
    if (outputProblems.length > 0) {
      if (invalid !== undefined) return refuse('the conversion did not repair it');
      return done('crash', `the converted model does not verify: ${formatDiagnostics(outputProblems.slice(0, 2)).replace(/\n/g, '; ')}`);
    }
    const broken = contractViolation(before, ioSignature(model));
    if (broken !== undefined) return invalid !== undefined ? refuse(`the conversion changed the interface: ${broken}`) : done('contract', broken);
    stage = 'save';
    return saveAndReload(model, sandbox, options, done, sample);
  } catch (e) {
    return done(isAllocationFailure(e) ? 'oom' : 'crash', `${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`.split('\n')[0] ?? '');
  }
}

function saveAndReload(
  model: Model, sandbox: Sandbox, options: CaseOptions,
  done: (o: Outcome, m: string, at?: Stage | 'done') => CaseResult, sample: () => void,
): CaseResult {
  const out = path.join(sandbox.outDir, 'out.onnx');
  const saveOptions: SaveOptions = options.externalData === true ? { externalData: { threshold: 1024, attributes: true, location: 'out.data' } } : { externalData: false };
  const saved = saveModel(model, out, saveOptions);
  sample();
  if (saved._tag === 'Left') {
    const line = formatSaveError(saved.left);
    const bad = badMessage(line, out);
    // Refusing to write (e.g. over 2 GiB inline) is a typed error; a write failure is not expected here.
    if (bad === undefined && (saved.left._tag === 'EncodeError' || saved.left._tag === 'Refused')) return done('typed-error', `${saved.left._tag}: ${line}`);
    return done('crash', `save failed (${saved.left._tag}): ${line}`);
  }
  const leftovers = fs.readdirSync(sandbox.outDir).filter((f) => f.endsWith('.tmp'));
  if (leftovers.length > 0) return done('crash', `temporary files left after a successful save: ${leftovers.join(', ')}`);
  const again = loadModel(out);
  sample();
  if (again._tag === 'Left') return done('crash', `the saved model does not load: ${formatLoadError(again.left)}`, 'reload');
  const problems = verify(again.right).filter((d) => d.severity === 'error');
  if (problems.length > 0) return done('crash', `the saved model does not verify after reloading: ${formatDiagnostics(problems.slice(0, 2)).replace(/\n/g, '; ')}`, 'reload');
  if (options.externalData !== true) {
    const first = fs.readFileSync(out);
    const second = encodeModel(again.right);
    if (!Buffer.from(second).equals(first)) return done('unstable', `save → load → encode changed the bytes (${first.length} → ${second.length})`, 'reload');
  }
  return done('valid', '', 'done');
}

/** Sorts every graph of the model topologically, unless one has a cycle (then nothing changes). */
function sortAcyclicGraphs(model: Model): void {
  const graphs = [...walkGraphs(model, { functions: true })];
  for (const g of graphs) {
    try {
      topologicalOrder(g);
    } catch (e) {
      if (e instanceof GraphCycleError) return;
      throw e;
    }
  }
  for (const g of graphs) g.sortTopologically();
}

/** Why a user-facing message is unacceptable, or undefined when it is fine. */
export function badMessage(line: string, file?: string): string | undefined {
  if (line.trim() === '') return 'empty message';
  if (/[\n\r]/.test(line)) return 'multi-line message';
  if (/\n\s+at .+\(.+:\d+:\d+\)/.test(line)) return 'stack trace in message';
  if (file !== undefined && !line.includes(file)) return 'message does not name the file';
  return undefined;
}

/** A failed allocation (what a hostile size claim causes when it is not checked first). */
export function isAllocationFailure(e: unknown): boolean {
  return e instanceof RangeError && /allocation failed|Invalid typed array length|Array buffer allocation|Invalid array length|Invalid string length/i.test(e.message);
}
