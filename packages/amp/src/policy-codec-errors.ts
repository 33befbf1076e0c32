import type * as t from 'io-ts';

/** One problem in a policy file: where (`rules[2].color`) and what. */
export interface PolicyFileIssue {
  /** PathReporter-style path from the document root (`''` for the root itself). */
  readonly path: string;
  readonly message: string;
}

/** Why a policy file could not be turned into a policy. */
export type PolicyFileError =
  | { readonly _tag: 'PolicyFileUnreadable'; readonly file: string; readonly message: string }
  | { readonly _tag: 'PolicyFileSyntax'; readonly file?: string; readonly message: string; readonly line?: number; readonly column?: number }
  | { readonly _tag: 'PolicyFileInvalid'; readonly file?: string; readonly issues: readonly PolicyFileIssue[] };

/**
 * The error as lines a user can act on, each naming the file and the place:
 * `npu.json: rules[2].color: expected "green" | "gray" | "red", got "blue"`.
 */
export function formatPolicyFileError(e: PolicyFileError): string[] {
  const file = e.file ?? 'policy';
  switch (e._tag) {
    case 'PolicyFileUnreadable':
      return [`${file}: cannot read the policy file: ${e.message}`];
    case 'PolicyFileSyntax': {
      const at = e.line === undefined ? '' : `${e.line}:${e.column ?? 1}: `;
      return [`${file}:${at === '' ? ' ' : at}not valid JSON: ${e.message}`];
    }
    case 'PolicyFileInvalid':
      return e.issues.map((i) => `${file}: ${i.path === '' ? '(top level)' : i.path}: ${i.message}`);
  }
}

function tagOf(d: t.Decoder<unknown, unknown>): string | undefined {
  return (d as unknown as { _tag?: string })._tag;
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function step(path: string, key: string, parentTag: string | undefined): string {
  if (parentTag === 'ArrayType' || parentTag === 'ReadonlyArrayType') return `${path}[${key}]`;
  if (!IDENT.test(key)) return `${path}[${JSON.stringify(key)}]`;
  return path === '' ? key : `${path}.${key}`;
}

/** A value as a message shows it (JSON, shortened). */
export function showValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/**
 * io-ts errors as issues with PathReporter-style paths. A union reports once, at the union
 * (`op: expected string | Array<string>, got 5`), not once per member; a custom message of a
 * codec (unknown keys, bad regular expressions) is kept; duplicates are dropped.
 */
export function issuesFromErrors(errors: t.Errors): PolicyFileIssue[] {
  const out: PolicyFileIssue[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    const ctx = e.context;
    let path = '';
    let expected = ctx[ctx.length - 1]?.type.name ?? 'a valid value';
    let actual: unknown = e.value;
    let message = e.message;
    for (let i = 1; i < ctx.length; i++) {
      const parent = ctx[i - 1]!;
      const parentTag = tagOf(parent.type);
      if (parentTag === 'UnionType') {
        // Report at the union: what any member would have accepted.
        expected = parent.type.name;
        actual = parent.actual;
        message = undefined;
        break;
      }
      if (parentTag === 'IntersectionType') continue;
      path = step(path, ctx[i]!.key, parentTag);
    }
    const text = message ?? `expected ${expected}, got ${showValue(actual)}`;
    const key = `${path}\u0000${text}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ path, message: text });
  }
  return out;
}
