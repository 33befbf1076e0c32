/** Exit codes of every mixprec command (documented in the README). */
export const ExitCode = {
  /** Done. */
  ok: 0,
  /** Validation failed: a tolerance or check did not hold (usable as a CI gate). */
  validationFailed: 1,
  /** Bad input or usage: nothing was written. */
  badInput: 2,
  /** An internal error (a bug in mixprec). */
  internal: 3,
} as const;

/**
 * A user-facing failure: a one-line message naming the file, node or option and what to do.
 * The CLI prints it without a stack trace and exits with `code`.
 */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(message: string, readonly code: number = ExitCode.badInput) {
    super(message);
  }
}
