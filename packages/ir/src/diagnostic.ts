/**
 * A finding about a model: from the verifier, a pass, the loader or the converter.
 * `code` is a stable kebab-case identifier (e.g. `dangling-input`, `cast-to-mismatch`).
 */
export interface Diagnostic {
  readonly severity: 'error' | 'warning' | 'info';
  readonly code: string;
  /** One line: what is wrong, where, and what to do. */
  readonly message: string;
  /** Name of the graph (path for subgraphs, e.g. `main/If_0.then_branch`). */
  readonly graph?: string;
  /** Name of the node concerned, if any. */
  readonly node?: string;
  /** Name of the value concerned, if any. */
  readonly value?: string;
}

/**
 * The result of an operation on user input: structurally the same as fp-ts `Either`
 * (`{ _tag: 'Left', left } | { _tag: 'Right', right }`), so callers may use fp-ts on it,
 * while this package stays free of runtime dependencies.
 */
export type Result<E, A> = { readonly _tag: 'Left'; readonly left: E } | { readonly _tag: 'Right'; readonly right: A };

export function ok<A>(right: A): Result<never, A> {
  return { _tag: 'Right', right };
}

export function err<E>(left: E): Result<E, never> {
  return { _tag: 'Left', left };
}
