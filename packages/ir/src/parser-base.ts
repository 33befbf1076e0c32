import { Lexer, SyntaxFailure, type Token } from './lexer.js';

/**
 * A syntax or name-resolution error in ONNX text. `line` and `column` are 1-based;
 * `context` is the source line where the error was found, as the ONNX parser shows it.
 */
export interface ParseError {
  readonly _tag: 'ParseError';
  readonly message: string;
  readonly line: number;
  readonly column: number;
  readonly context: string;
}

/** `line 3, column 7: message`, then the context line and a caret under the column. */
export function formatParseError(e: ParseError): string {
  const caret = `${' '.repeat(Math.max(0, e.column - 1))}^`;
  return `line ${e.line}, column ${e.column}: ${e.message}\n  ${e.context}\n  ${caret}`;
}

/** Builds a {@link ParseError} from a failure at an offset of `src`. */
export function toParseError(src: string, f: SyntaxFailure): ParseError {
  const lineStart = src.lastIndexOf('\n', f.offset - 1) + 1;
  let lineEnd = src.indexOf('\n', lineStart);
  if (lineEnd < 0) lineEnd = src.length;
  return { _tag: 'ParseError', message: f.message, line: f.line, column: f.column, context: src.slice(lineStart, lineEnd).replace(/\r$/, '') };
}

/** Describes a token for messages: `'('`, `identifier 'x'`, `end of input`. */
export function describe(t: Token): string {
  switch (t.kind) {
    case 'eof': return 'end of input';
    case 'id': return `identifier '${t.text}'`;
    case 'str': return 'string literal';
    case 'int': case 'float': return `number ${t.text}`;
    case 'annot': return "annotation '#@'";
    case 'annot-end': return 'end of annotation line';
    case 'ellipsis': return "elided values '...'";
    default: return `'${t.text}'`;
  }
}

/** A cursor over the tokens of one source text, lexed on demand (lookahead of a few tokens). */
export class Cursor {
  readonly #lexer: Lexer;
  /** Tokens read ahead, next first. */
  readonly #ahead: Token[] = [];

  constructor(readonly src: string) {
    this.#lexer = new Lexer(src);
  }

  peek(k = 0): Token {
    while (this.#ahead.length <= k) {
      const last = this.#ahead[this.#ahead.length - 1];
      this.#ahead.push(last?.kind === 'eof' ? last : this.#lexer.next());
    }
    return this.#ahead[k]!;
  }

  next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.#ahead.shift();
    return t;
  }

  /** True when the next token is the punctuation `p`. */
  isPunct(p: string, k = 0): boolean {
    const t = this.peek(k);
    return t.kind === 'punct' && t.text === p;
  }

  /** Consumes the punctuation `p` if it is next. */
  eat(p: string): boolean {
    if (!this.isPunct(p)) return false;
    this.next();
    return true;
  }

  /** Consumes the punctuation `p` or fails naming what was found. */
  expect(p: string, what?: string): Token {
    const t = this.peek();
    if (t.kind !== 'punct' || t.text !== p) this.fail(`Expected '${p}'${what === undefined ? '' : ` ${what}`} but found ${describe(t)}`, t);
    return this.next();
  }

  /** Consumes an identifier or fails. */
  expectId(what: string): Token {
    const t = this.peek();
    if (t.kind !== 'id') this.fail(`Expected ${what} but found ${describe(t)}`, t);
    return this.next();
  }

  /** Consumes a string literal or fails; returns its text. */
  expectString(what: string): string {
    const t = this.peek();
    if (t.kind !== 'str') this.fail(`Expected ${what} (a string literal) but found ${describe(t)}`, t);
    if (t.bytes !== undefined) this.fail(`${what} must be valid UTF-8`, t);
    this.next();
    return t.text;
  }

  /** Consumes an identifier or a string literal (a quotable id) and returns the name. */
  quotableId(what: string): string {
    const t = this.peek();
    if (t.kind === 'id') return this.next().text;
    if (t.kind !== 'str') this.fail(`Expected ${what} but found ${describe(t)}`, t);
    return this.expectString(what);
  }

  /** True when a quotable id is next. */
  isQuotableId(k = 0): boolean {
    const t = this.peek(k);
    return t.kind === 'id' || t.kind === 'str';
  }

  fail(message: string, at: Token = this.peek()): never {
    throw new SyntaxFailure(message, at.line, at.column, at.offset);
  }
}
