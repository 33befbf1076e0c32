/**
 * The conversion step the hardening suite drives, pluggable: `cleanup` runs the `opt -p cleanup`
 * pipeline; `convert` runs the real mixed-precision conversion (`castTo16BitPrecision` from
 * @mixprec/amp with its default options plus keepIoTypes) once that package exports it.
 * `auto` (the default) picks `convert` when available, else `cleanup`.
 */
import * as amp from '@mixprec/amp';
import { err, ok, type DataType, type Model, type Result } from '@mixprec/ir';
import { createPassContext, createPassRegistry, parsePipeline, runPipeline } from '@mixprec/passes';
import { transformAliases, transformPasses } from '@mixprec/transforms';

export type StepName = 'cleanup' | 'convert';

/**
 * One conversion. `run` edits the model in place; a `Left` is a refusal with a one-line reason
 * (a typed error); a throw is a bug. Names and dtypes of the main graph's inputs and outputs
 * must be unchanged afterwards (the cleanup pipeline, and conversion with keepIoTypes).
 */
export interface ConversionStep {
  readonly name: StepName;
  /** What it runs, for reports. */
  readonly description: string;
  /** The CLI arguments that do the same (after the input and `-o OUT`). */
  readonly cliArgs: readonly string[];
  /** The CLI command (`opt` or `convert`). */
  readonly cliCommand: 'opt' | 'convert';
  run(model: Model): Result<string, void>;
}

export function cleanupStep(): ConversionStep {
  const registry = createPassRegistry({ passes: [...transformPasses], aliases: [...transformAliases] });
  const parsed = parsePipeline('cleanup', registry);
  if (parsed._tag === 'Left') throw new Error(`cannot parse the cleanup pipeline: ${parsed.left.message}`);
  const pass = parsed.right;
  return {
    name: 'cleanup',
    description: "opt -p cleanup (topo-sort, eliminate-identity, fixpoint(cse, cast-cleanup, dce))",
    cliCommand: 'opt',
    cliArgs: ['-p', 'cleanup'],
    run(model) {
      const ctx = createPassContext({ registry });
      if (ctx._tag === 'Left') throw new Error(ctx.left.message);
      const r = runPipeline(model, pass, ctx.right);
      // A pass failing on a model that verified is a bug, not a refusal: rethrow it.
      if (r._tag === 'Left') throw new Error(`pass failure: ${r.left.message.split('\n')[0] ?? ''}`);
      return ok(undefined);
    },
  };
}

/** The conversion function of @mixprec/amp as this harness calls it (the report is not used). */
type CastTo16 = (model: Model, options?: { keepIoTypes?: boolean }) => unknown;

/**
 * Finds `castTo16BitPrecision` in @mixprec/amp (undefined while that package does not export
 * it). A static namespace import, not `import()`: under mocha + tsx a dynamic import loads a
 * second copy of the packages, and tensors of one copy fail `instanceof` checks of the other.
 */
export async function findConversion(): Promise<CastTo16 | undefined> {
  const f = (amp as Record<string, unknown>)['castTo16BitPrecision'];
  return typeof f === 'function' ? (f as CastTo16) : undefined;
}

/**
 * The real conversion. It returns a report or throws: `AmpError` is its user-input error
 * (invalid options) and counts as a refusal; anything else it throws is a bug.
 */
export function convertStep(cast: CastTo16): ConversionStep {
  return {
    name: 'convert',
    description: 'castTo16BitPrecision(model, { keepIoTypes: true }) from @mixprec/amp, defaults otherwise',
    cliCommand: 'convert',
    cliArgs: ['--keep-io-types'],
    run(model) {
      try {
        cast(model, { keepIoTypes: true });
        return ok(undefined);
      } catch (e) {
        if (e instanceof Error && e.name === 'AmpError') return err(e.message);
        throw e;
      }
    },
  };
}

/** The step to run: `auto` → convert when @mixprec/amp exports it, else cleanup. */
export async function selectStep(name: StepName | 'auto' = 'auto'): Promise<ConversionStep> {
  if (name === 'cleanup') return cleanupStep();
  const cast = await findConversion();
  if (cast !== undefined) return convertStep(cast);
  if (name === 'convert') throw new Error('@mixprec/amp does not export castTo16BitPrecision yet; use --step cleanup');
  return cleanupStep();
}

/** Names and element types of the main graph's inputs and outputs. */
export interface IoSignature {
  readonly inputs: readonly (readonly [string, DataType | undefined])[];
  readonly outputs: readonly (readonly [string, DataType | undefined])[];
}

export function ioSignature(m: Model): IoSignature {
  const dt = (v: { type?: { kind?: string; dtype?: DataType } | undefined }): DataType | undefined =>
    v.type !== undefined && v.type.kind === 'tensor' ? v.type.dtype : undefined;
  return {
    inputs: m.graph.inputs.map((v) => [v.name, dt(v as never)] as const),
    outputs: m.graph.outputs.map((v) => [v.name, dt(v as never)] as const),
  };
}

/** Undefined when `after` keeps the contract with `before`, else what broke. */
export function contractViolation(before: IoSignature, after: IoSignature): string | undefined {
  const cmp = (what: string, a: IoSignature['inputs'], b: IoSignature['inputs']): string | undefined => {
    if (a.length !== b.length) return `${what} count changed from ${a.length} to ${b.length}`;
    for (let i = 0; i < a.length; i++) {
      if (a[i]![0] !== b[i]![0]) return `${what} ${i} renamed from '${a[i]![0]}' to '${b[i]![0]}'`;
      if (a[i]![1] !== b[i]![1]) return `${what} '${a[i]![0]}' changed dtype from ${a[i]![1]} to ${b[i]![1]}`;
    }
    return undefined;
  };
  return cmp('input', before.inputs, after.inputs) ?? cmp('output', before.outputs, after.outputs);
}
