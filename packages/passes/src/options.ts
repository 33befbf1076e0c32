import * as t from 'io-ts';
import type { OptionValue } from './pass.js';

/**
 * Option values as written in a textual pipeline, before the option's codec gives them a type:
 * a bare word (`true`, `3`, `aggressive`, `Resize,Softmax`), a double-quoted string, or a
 * bracketed list (`[Resize,Softmax]`).
 */
export type RawOptionValue =
  | { readonly form: 'bare'; readonly text: string }
  | { readonly form: 'quoted'; readonly text: string }
  | { readonly form: 'list'; readonly items: readonly RawOptionValue[] };

/** The io-ts `_tag` of a codec (every io-ts combinator class has one). */
function tagOf(codec: t.Mixed): string | undefined {
  return (codec as unknown as { _tag?: string })._tag;
}

/** The property codecs of an object codec (`t.type`, `t.strict`, `t.exact`, `t.partial`, intersections). */
export function optionProps(codec: t.Mixed): ReadonlyMap<string, t.Mixed> {
  const out = new Map<string, t.Mixed>();
  const visit = (c: t.Mixed): void => {
    const any = c as unknown as { props?: t.Props; type?: t.Mixed; types?: readonly t.Mixed[] };
    switch (tagOf(c)) {
      case 'InterfaceType': case 'PartialType': case 'StrictType':
        for (const [k, v] of Object.entries(any.props ?? {})) out.set(k, v);
        return;
      case 'ExactType': case 'ReadonlyType': case 'RefinementType':
        if (any.type !== undefined) visit(any.type);
        return;
      case 'IntersectionType':
        for (const s of any.types ?? []) visit(s);
        return;
      default:
    }
  };
  visit(codec);
  return out;
}

/** `keepIOTypes` → `keep-io-types`, `includeSubgraphs` → `include-subgraphs`. */
export function kebabCase(camel: string): string {
  return camel
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .toLowerCase();
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const BARE_SAFE = /^[A-Za-z0-9_.:/@+*-]+$/;

function rawText(raw: RawOptionValue): string | undefined {
  return raw.form === 'list' ? undefined : raw.text;
}

function describeRaw(raw: RawOptionValue): string {
  return raw.form === 'list' ? `[${raw.items.map(describeRaw).join(',')}]` : raw.form === 'quoted' ? JSON.stringify(raw.text) : raw.text;
}

type Coerced = { ok: true; value: unknown } | { ok: false; expected: string };

/**
 * Gives a raw option value the JavaScript type the codec expects (boolean, number, string,
 * array), so that the codec can then decode it. For codecs it does not know, it guesses:
 * `true`/`false` are booleans, numbers are numbers, everything else is text.
 */
export function coerceOptionValue(codec: t.Mixed, raw: RawOptionValue): Coerced {
  const inner = codec as unknown as { type?: t.Mixed; types?: readonly t.Mixed[]; value?: unknown };
  switch (tagOf(codec)) {
    case 'BooleanType': {
      const s = raw.form === 'bare' ? raw.text : undefined;
      return s === 'true' || s === 'false' ? { ok: true, value: s === 'true' } : { ok: false, expected: 'true or false' };
    }
    case 'NumberType': {
      const s = raw.form === 'bare' ? raw.text : undefined;
      return s !== undefined && NUMBER.test(s) ? { ok: true, value: Number(s) } : { ok: false, expected: 'a number' };
    }
    case 'StringType': case 'KeyofType': {
      const s = rawText(raw);
      return s === undefined ? { ok: false, expected: codec.name } : { ok: true, value: s };
    }
    case 'LiteralType': {
      const lit = inner.value;
      if (typeof lit === 'boolean') return coerceOptionValue(t.boolean, raw);
      if (typeof lit === 'number') return coerceOptionValue(t.number, raw);
      const s = rawText(raw);
      return s === undefined ? { ok: false, expected: codec.name } : { ok: true, value: s };
    }
    case 'RefinementType': case 'ReadonlyType': case 'ExactType':
      return inner.type === undefined ? guess(raw) : coerceOptionValue(inner.type, raw);
    case 'UnionType': {
      for (const member of inner.types ?? []) {
        const c = coerceOptionValue(member, raw);
        if (c.ok && member.is(c.value)) return c;
      }
      return { ok: false, expected: codec.name };
    }
    case 'ArrayType': case 'ReadonlyArrayType': {
      const itemCodec = inner.type!;
      const items: readonly RawOptionValue[] = raw.form === 'list' ? raw.items
        : raw.form === 'bare' ? raw.text.split(',').map((s): RawOptionValue => ({ form: 'bare', text: s }))
        : [raw];
      const out: unknown[] = [];
      for (const it of items) {
        const c = coerceOptionValue(itemCodec, it);
        if (!c.ok) return { ok: false, expected: `a list of ${c.expected}` };
        out.push(c.value);
      }
      return { ok: true, value: out };
    }
    default:
      return guess(raw);
  }
}

function guess(raw: RawOptionValue): Coerced {
  if (raw.form === 'quoted') return { ok: true, value: raw.text };
  if (raw.form === 'list') {
    const out: unknown[] = [];
    for (const it of raw.items) out.push((guess(it) as { value: unknown }).value);
    return { ok: true, value: out };
  }
  if (raw.text === 'true' || raw.text === 'false') return { ok: true, value: raw.text === 'true' };
  if (NUMBER.test(raw.text)) return { ok: true, value: Number(raw.text) };
  return { ok: true, value: raw.text };
}

/** For messages: how a raw value was written. */
export function rawOptionText(raw: RawOptionValue): string {
  return describeRaw(raw);
}

/**
 * The canonical pipeline spelling of an option value: `true`/`false`, numbers as JavaScript
 * prints them, strings bare when they consist of `[A-Za-z0-9_.:/@+*-]` and cannot be read as a
 * boolean or number (otherwise double-quoted with `\"` and `\\` escapes), lists as `[a,b]`.
 */
export function printOptionValue(v: OptionValue): string {
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new RangeError(`Option value ${v} has no textual form; use a finite number`);
    return String(v);
  }
  if (typeof v === 'string') {
    if (BARE_SAFE.test(v) && v !== 'true' && v !== 'false' && !NUMBER.test(v)) return v;
    return `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  }
  return `[${v.map(printOptionValue).join(',')}]`;
}

/** True when `v` is representable in a pipeline: a boolean, finite number or string, or a flat list of them. */
export function isOptionValue(v: unknown): v is OptionValue {
  return isScalar(v) || (Array.isArray(v) && v.every(isScalar));
}

function isScalar(v: unknown): boolean {
  return typeof v === 'boolean' || typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));
}

/**
 * io-ts errors as one-line messages with a PathReporter-style path:
 * `option 'policy': expected "aggressive" | "balanced", got "fast"`.
 */
export function formatCodecErrors(errors: t.Errors, label: (key: string) => string): string[] {
  const out: string[] = [];
  for (const e of errors) {
    const path = e.context.map((c) => c.key).filter((k) => k !== '');
    const last = e.context[e.context.length - 1];
    const expected = last?.type.name ?? 'a valid value';
    const where = path.length === 0 ? label('') : label(path[0]!) + path.slice(1).map((k) => `[${k}]`).join('');
    out.push(e.message ?? `${where}: expected ${expected}, got ${safeJson(e.value)}`);
  }
  return [...new Set(out)];
}

function safeJson(v: unknown): string {
  if (v === undefined) return 'nothing';
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
