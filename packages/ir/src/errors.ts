/** A broken invariant of the IR: a bug in mixprec or in a pass, never a user mistake. */
export class InvariantError extends Error {
  override readonly name = 'InvariantError';
}

/** A caller broke a documented precondition of an IR method. */
export class PreconditionError extends Error {
  override readonly name = 'PreconditionError';
}

/** Throws an {@link InvariantError} when `cond` is false. */
export function invariant(cond: unknown, message: string | (() => string)): asserts cond {
  if (!cond) throw new InvariantError(typeof message === 'string' ? message : message());
}

/** Throws a {@link PreconditionError} when `cond` is false. */
export function precondition(cond: unknown, message: string | (() => string)): asserts cond {
  if (!cond) throw new PreconditionError(typeof message === 'string' ? message : message());
}
