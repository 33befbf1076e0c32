import * as E from 'fp-ts/lib/Either.js';
import type { RawOptionValue } from './options.js';

/** One element of a parsed pipeline, before names are resolved (columns are 1-based). */
export type PipelineNode =
  | { readonly kind: 'pass'; readonly name: string; readonly column: number; readonly options: readonly PipelineOption[] }
  | { readonly kind: 'repeat'; readonly steps: number; readonly column: number; readonly body: readonly PipelineNode[] }
  | { readonly kind: 'fixpoint'; readonly maxIterations: number | undefined; readonly column: number; readonly body: readonly PipelineNode[] };

/** `key=value` inside `{…}`. */
export interface PipelineOption {
  readonly key: string;
  readonly column: number;
  readonly value: RawOptionValue;
  readonly valueColumn: number;
}

/** A pipeline that cannot be parsed or resolved; `column` is 1-based. */
export interface PipelineError {
  readonly _tag: 'PipelineError';
  readonly kind: 'syntax' | 'unknown-pass' | 'unknown-option' | 'invalid-option';
  /** One line: `pipeline column 12: unknown pass 'dcee'; did you mean 'dce'? valid passes: …`. */
  readonly message: string;
  readonly column: number;
  /** The pipeline text. */
  readonly text: string;
  /** Valid names at that point (passes, or options of the pass). */
  readonly candidates?: readonly string[];
}

/** The message, then the pipeline and a caret under the column (as the ONNX parser shows errors). */
export function formatPipelineError(e: PipelineError): string {
  return `${e.message}\n  ${e.text}\n  ${' '.repeat(Math.max(0, e.column - 1))}^`;
}

class SyntaxFailure extends Error {
  constructor(readonly column: number, readonly detail: string) {
    super(detail);
  }
}

const NAME = /[A-Za-z][A-Za-z0-9_-]*/y;
const INT = /[0-9]+/y;
const BARE = /[^\s{}[\]"]+/y;
const BARE_ITEM = /[^\s,{}[\]"]+/y;

/**
 * Parses pipeline text (HOUSE-STYLE §5) into elements:
 * ```
 * pipeline ::= element (',' element)*            (an empty text is the empty pipeline)
 * element  ::= name options? | 'repeat' '<' int '>' '(' pipeline ')' | 'fixpoint' ('<' int '>')? '(' pipeline ')'
 * options  ::= '{' (key '=' value (' '+ key '=' value)*)? '}'
 * value    ::= bare | '"' chars '"' | '[' (item (',' item)*)? ']'
 * ```
 * Whitespace is allowed around elements and commas. A bare value runs to the next space or
 * `}` and may contain commas (`block-ops=Resize,Softmax`); quoted strings escape `"` and `\`
 * with a backslash.
 */
export function parsePipelineSyntax(text: string): E.Either<PipelineError, readonly PipelineNode[]> {
  let pos = 0;
  const col = (): number => pos + 1;
  const fail = (detail: string, at = pos): never => {
    throw new SyntaxFailure(at + 1, detail);
  };
  const ws = (): void => {
    while (pos < text.length && /\s/.test(text[pos]!)) pos++;
  };
  const match = (re: RegExp): string | undefined => {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (m === null) return undefined;
    pos += m[0].length;
    return m[0];
  };
  const expect = (ch: string, what: string): void => {
    if (text[pos] !== ch) fail(`expected '${ch}' ${what}, found ${found()}`);
    pos++;
  };
  const found = (): string => (pos >= text.length ? 'the end of the pipeline' : `'${text[pos]}'`);

  const quoted = (): string => {
    const start = pos;
    pos++; // opening quote
    let out = '';
    for (;;) {
      if (pos >= text.length) fail('unterminated string: add the closing \'"\'', start);
      const ch = text[pos++]!;
      if (ch === '"') return out;
      if (ch === '\\') {
        const next = text[pos++];
        if (next !== '"' && next !== '\\') fail('in a quoted string only \\" and \\\\ are escapes', pos - 2);
        out += next;
      } else {
        out += ch;
      }
    }
  };

  const item = (): RawOptionValue => {
    if (text[pos] === '"') return { form: 'quoted', text: quoted() };
    const s = match(BARE_ITEM);
    if (s === undefined) fail(`expected a list item, found ${found()}`);
    return { form: 'bare', text: s! };
  };

  const value = (): RawOptionValue => {
    if (text[pos] === '"') return { form: 'quoted', text: quoted() };
    if (text[pos] === '[') {
      pos++;
      ws();
      const items: RawOptionValue[] = [];
      if (text[pos] === ']') {
        pos++;
        return { form: 'list', items };
      }
      for (;;) {
        ws();
        items.push(item());
        ws();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        expect(']', 'to close the list');
        return { form: 'list', items };
      }
    }
    const s = match(BARE);
    if (s === undefined) fail(`expected an option value, found ${found()}`);
    return { form: 'bare', text: s! };
  };

  const options = (): PipelineOption[] => {
    const out: PipelineOption[] = [];
    const seen = new Set<string>();
    pos++; // '{'
    for (;;) {
      ws();
      if (text[pos] === '}') {
        pos++;
        return out;
      }
      const column = col();
      const key = match(NAME);
      if (key === undefined) fail(`expected an option name or '}', found ${found()}`);
      if (seen.has(key!)) fail(`option '${key}' is given twice`, column - 1);
      seen.add(key!);
      expect('=', `after option '${key}'`);
      const valueColumn = col();
      out.push({ key: key!, column, value: value(), valueColumn });
      if (text[pos] !== '}' && !(pos < text.length && /\s/.test(text[pos]!))) {
        fail(`expected a space or '}' after the value of '${key}', found ${found()}`);
      }
    }
  };

  const count = (what: string): number => {
    expect('<', `after '${what}'`);
    const at = pos;
    const digits = match(INT);
    if (digits === undefined) fail(`expected a positive integer after '${what}<', found ${found()}`);
    const n = Number(digits);
    if (!Number.isSafeInteger(n) || n < 1) fail(`${what}<N> needs N ≥ 1, got ${digits}`, at);
    expect('>', `after the count of '${what}'`);
    return n;
  };

  const body = (what: string): PipelineNode[] => {
    ws();
    expect('(', `to open the body of '${what}'`);
    const inner = sequence(false);
    ws();
    expect(')', `to close the body of '${what}'`);
    return inner;
  };

  const element = (): PipelineNode => {
    ws();
    const column = col();
    const name = match(NAME);
    if (name === undefined) fail(`expected a pass name, found ${found()}`);
    if (name === 'repeat') {
      const steps = count('repeat');
      return { kind: 'repeat', steps, column, body: body('repeat') };
    }
    if (name === 'fixpoint') {
      const max = text[pos] === '<' ? count('fixpoint') : undefined;
      return { kind: 'fixpoint', maxIterations: max, column, body: body('fixpoint') };
    }
    return { kind: 'pass', name: name!, column, options: text[pos] === '{' ? options() : [] };
  };

  const sequence = (top: boolean): PipelineNode[] => {
    const out: PipelineNode[] = [];
    ws();
    if (top && pos >= text.length) return out;
    for (;;) {
      out.push(element());
      ws();
      if (text[pos] !== ',') return out;
      pos++;
    }
  };

  try {
    const nodes = sequence(true);
    ws();
    if (pos < text.length) fail(`expected ',' or the end of the pipeline, found ${found()}`);
    return E.right(nodes);
  } catch (e) {
    if (!(e instanceof SyntaxFailure)) throw e;
    return E.left({ _tag: 'PipelineError', kind: 'syntax', column: e.column, text, message: `pipeline column ${e.column}: ${e.detail}` });
  }
}
