import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import * as t from 'io-ts';
import { err, type Result } from '@mixprec/ir';

/**
 * An element-wise tolerance: element i of an output passes when
 * `|got[i] − ref[i]| ≤ atol + rtol · |ref[i]|` (numpy `allclose` without its NaN rule). Any
 * non-finite value where the reference is finite fails whatever the tolerance.
 */
export interface Tolerance {
  readonly atol: number;
  readonly rtol: number;
}

/** Why a tolerance could not be read (a user-input error: the message says what to write). */
export interface ToleranceError {
  readonly _tag: 'ToleranceError';
  readonly input: string;
  readonly message: string;
}

interface NonNegativeBrand {
  readonly NonNegative: unique symbol;
}

/** A finite number ≥ 0. */
const NonNegative = t.brand(
  t.number,
  (n): n is t.Branded<number, NonNegativeBrand> => Number.isFinite(n) && n >= 0,
  'NonNegative',
);

/** The object form of a tolerance: `{ atol?, rtol? }`, at least one given, nothing else. */
export const ToleranceC = t.exact(t.partial({ atol: NonNegative, rtol: NonNegative }));

const SYNTAX = "write a number (max absolute error, e.g. 1e-3) or atol=A,rtol=R (e.g. atol=1e-4,rtol=1e-2)";

function fail(input: string, message: string): Result<ToleranceError, never> {
  return err({ _tag: 'ToleranceError', input, message });
}

function fromObject(input: string, o: unknown): Result<ToleranceError, Tolerance> {
  if (typeof o === 'object' && o !== null) {
    const extra = Object.keys(o).filter((k) => k !== 'atol' && k !== 'rtol');
    if (extra.length > 0) return fail(input, `Tolerance '${input}': unknown key '${extra[0]}'; ${SYNTAX}`);
  }
  return pipe(
    ToleranceC.decode(o),
    E.mapLeft((errors) => {
      const e = errors[0];
      const key = e?.context.map((c) => c.key).filter((k) => k !== '').join('.') ?? '';
      return key === ''
        ? { _tag: 'ToleranceError' as const, input, message: `Tolerance '${input}': ${SYNTAX}` }
        : { _tag: 'ToleranceError' as const, input, message: `Tolerance '${input}': ${key} must be a finite number ≥ 0, got ${JSON.stringify(e?.value)}` };
    }),
    E.chain((d) => (d.atol === undefined && d.rtol === undefined
      ? E.left({ _tag: 'ToleranceError' as const, input, message: `Tolerance '${input}': give atol and/or rtol; ${SYNTAX}` })
      : E.right({ atol: d.atol ?? 0, rtol: d.rtol ?? 0 }))),
  );
}

function numberOf(s: string): number | undefined {
  const x = s.trim();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(x)) return undefined;
  return Number(x);
}

/**
 * Reads a tolerance: a number is the max absolute error (`1e-3` = `atol=1e-3,rtol=0`);
 * `atol=…,rtol=…` (either or both, comma or space separated) is the element-wise rule of
 * {@link Tolerance}; an object `{ atol?, rtol? }` is decoded by {@link ToleranceC}.
 */
export function parseTolerance(input: string | number | Readonly<Record<string, unknown>>): Result<ToleranceError, Tolerance> {
  if (typeof input === 'number') return fromObject(String(input), { atol: input });
  if (typeof input === 'object') return fromObject(JSON.stringify(input), input);
  const text = input.trim();
  if (text === '') return fail(input, `Tolerance is empty; ${SYNTAX}`);
  const n = numberOf(text);
  if (n !== undefined) return fromObject(input, { atol: n });
  const o: Record<string, unknown> = {};
  for (const part of text.split(/[,\s]+/).filter((p) => p !== '')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return fail(input, `Tolerance '${input}': cannot read '${part}'; ${SYNTAX}`);
    const key = part.slice(0, eq).trim();
    if (key !== 'atol' && key !== 'rtol') return fail(input, `Tolerance '${input}': unknown key '${key}'; ${SYNTAX}`);
    if (key in o) return fail(input, `Tolerance '${input}': ${key} is given twice`);
    const value = numberOf(part.slice(eq + 1));
    o[key] = value ?? part.slice(eq + 1);
  }
  return fromObject(input, o);
}

/** `atol=1e-3` / `atol=1e-4,rtol=1e-2`: the canonical spelling (parses back to the same). */
export function formatTolerance(tol: Tolerance): string {
  const parts: string[] = [];
  if (tol.atol !== 0 || tol.rtol === 0) parts.push(`atol=${tol.atol}`);
  if (tol.rtol !== 0) parts.push(`rtol=${tol.rtol}`);
  return parts.join(',');
}
