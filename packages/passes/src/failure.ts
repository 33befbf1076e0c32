import type { Diagnostic } from '@mixprec/ir';

/**
 * Why a pipeline stopped: the pass that threw (or left an invalid model behind), the passes
 * that completed before it, and the canonical pipeline text, so the failure can be reproduced
 * with `mixprec opt -p '<pipeline>'` on the same input.
 */
export interface PassFailure {
  readonly _tag: 'PassFailure';
  /** Name of the failing pass (the innermost one, never a composite unless it failed itself). */
  readonly pass: string;
  /** The failing pass in pipeline syntax, with its options. */
  readonly passText: string;
  /** Leaf passes that completed before the failure, in pipeline syntax, in order. */
  readonly previousPasses: readonly string[];
  /** The canonical text of the whole pipeline that was run. */
  readonly pipeline: string;
  /** The thrown value (a {@link VerifyError} when the verifier rejected the pass's output). */
  readonly cause: unknown;
  /** The verifier's errors, when verification failed. */
  readonly diagnostics?: readonly Diagnostic[];
  /** The model as text just before the failing pass (only with `captureIrBefore`). */
  readonly irBefore?: string;
  /** One line: which pass failed, after what, and why. */
  readonly message: string;
}

/** The verifier rejected the model a pass left behind (`verifyEach`). */
export class VerifyError extends Error {
  override readonly name = 'VerifyError';
  constructor(readonly pass: string, readonly diagnostics: readonly Diagnostic[]) {
    super(`Pass '${pass}' left an invalid model: ${summarizeDiagnostics(diagnostics, 3)}`);
  }
}

/** Thrown out of composite passes run outside `runPipeline`; `runPipeline` turns it into a `Left`. */
export class PassFailureError extends Error {
  override readonly name = 'PassFailureError';
  constructor(readonly failure: PassFailure) {
    super(failure.message);
  }
}

/** `code: message` of the first `max` diagnostics, `; `-separated, with a count of the rest. */
export function summarizeDiagnostics(ds: readonly Diagnostic[], max: number): string {
  const shown = ds.slice(0, max).map((d) => `[${d.code}] ${d.message}`);
  if (ds.length > max) shown.push(`… and ${ds.length - max} more`);
  return shown.join('; ');
}

/** A one-line description of a thrown value. */
export function describeCause(cause: unknown): string {
  if (cause instanceof Error) return `${cause.name}: ${cause.message}`;
  return `thrown value: ${String(cause)}`;
}

/**
 * A multi-line report of a failure: the message, the passes run before it, the reproducer
 * pipeline, the stack of the cause and the IR before the pass when it was captured.
 */
export function formatPassFailure(f: PassFailure): string {
  const lines = [f.message];
  lines.push(`  passes completed before it: ${f.previousPasses.length === 0 ? '(none)' : f.previousPasses.join(', ')}`);
  lines.push(`  reproduce with the pipeline: ${f.pipeline}`);
  for (const d of f.diagnostics ?? []) lines.push(`  ${d.severity} [${d.code}] ${d.message}`);
  if (f.cause instanceof Error && f.cause.stack !== undefined && !(f.cause instanceof VerifyError)) {
    lines.push(...f.cause.stack.split('\n').map((l) => `  ${l}`));
  }
  if (f.irBefore !== undefined) {
    lines.push('  IR before the failing pass:');
    lines.push(...f.irBefore.split('\n').map((l) => `    ${l}`));
  }
  return lines.join('\n');
}
