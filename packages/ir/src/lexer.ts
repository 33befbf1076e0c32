/**
 * Tokens of the ONNX textual syntax. `#` starts a comment to the end of the line, except
 * `#@`, which starts a mixprec annotation: its tokens are ordinary tokens, framed by an
 * `annot` token and an `annot-end` token at the end of the line.
 */
import { decodeUtf8 } from './text-syntax.js';

export type TokenKind = 'id' | 'str' | 'int' | 'float' | 'punct' | 'annot' | 'annot-end' | 'ellipsis' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** Source text (for `str`: the decoded text; for `punct`: the character(s)). */
  readonly text: string;
  /** For `str` tokens with `\x` escapes that do not form valid UTF-8: the exact bytes. */
  readonly bytes?: Uint8Array;
  readonly line: number;
  readonly column: number;
  readonly offset: number;
}

/** A lexing or parsing failure at a source position (thrown inside the parser only). */
export class SyntaxFailure extends Error {
  constructor(message: string, readonly line: number, readonly column: number, readonly offset: number) {
    super(message);
  }
}

const PUNCT = '()[]{}<>,=:.@?';
const ENCODER = new TextEncoder();

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

function isIdStart(c: string | undefined): boolean {
  return c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_');
}

function isIdPart(c: string | undefined): boolean {
  return isIdStart(c) || isDigit(c);
}

/**
 * An incremental lexer: {@link next} returns one token at a time (then `eof` forever), so that
 * large texts are not held as token arrays. Throws {@link SyntaxFailure}.
 */
export class Lexer {
  #i = 0;
  #line = 1;
  #lineStart = 0;
  #inAnnotation = false;

  constructor(readonly src: string) {}

  #token(kind: TokenKind, text: string, start: number, bytes?: Uint8Array): Token {
    const column = start - this.#lineStart + 1;
    return bytes === undefined
      ? { kind, text, line: this.#line, column, offset: start }
      : { kind, text, bytes, line: this.#line, column, offset: start };
  }

  #fail(message: string, at: number): never {
    throw new SyntaxFailure(message, this.#line, at - this.#lineStart + 1, at);
  }

  next(): Token {
    const src = this.src;
    let i = this.#i;
    try {
      while (i < src.length) {
        const c = src[i]!;
        if (c === '\n') {
          if (this.#inAnnotation) {
            this.#inAnnotation = false;
            return this.#token('annot-end', '', i);
          }
          i++;
          this.#line++;
          this.#lineStart = i;
          continue;
        }
        if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v') {
          i++;
          continue;
        }
        if (c === '#') {
          if (src[i + 1] === '@' && !this.#inAnnotation) {
            this.#inAnnotation = true;
            i += 2;
            return this.#token('annot', '#@', i - 2);
          }
          while (i < src.length && src[i] !== '\n') i++;
          continue;
        }
        const start = i;
        if (c === '"') {
          const r = lexString(src, i, (m, at) => this.#fail(m, at));
          const tok = this.#token('str', r.text, start, r.bytes);
          for (const nl of r.newlines) {
            this.#line++;
            this.#lineStart = nl + 1;
          }
          i = r.end;
          return tok;
        }
        if (c === '=' && src[i + 1] === '>') {
          i += 2;
          return this.#token('punct', '=>', start);
        }
        if (c === '.' && src.startsWith('...', i)) {
          i += 3;
          return this.#token('ellipsis', '...', start);
        }
        if (c === '\u2026') {
          i++;
          return this.#token('ellipsis', '\u2026', start);
        }
        if (PUNCT.includes(c)) {
          i++;
          return this.#token('punct', c, start);
        }
        if (isIdStart(c)) {
          while (isIdPart(src[i])) i++;
          return this.#token('id', src.slice(start, i), start);
        }
        if (isDigit(c) || (c === '-' && (isDigit(src[i + 1]) || isIdStart(src[i + 1])))) {
          if (c === '-') i++;
          if (isIdStart(src[i])) {
            const w = i;
            while (isIdPart(src[i])) i++;
            if (!/^(inf|infinity|nan)$/i.test(src.slice(w, i))) this.#fail(`Expected a number after '-', found '${src.slice(w, i)}'`, start);
            return this.#token('float', src.slice(start, i), start);
          }
          let isFloat = false;
          while (isDigit(src[i])) i++;
          if (src[i] === '.' && src[i + 1] !== '.') {
            isFloat = true;
            i++;
            while (isDigit(src[i])) i++;
          }
          if ((src[i] === 'e' || src[i] === 'E') && (isDigit(src[i + 1]) || ((src[i + 1] === '+' || src[i + 1] === '-') && isDigit(src[i + 2])))) {
            isFloat = true;
            i += 2;
            while (isDigit(src[i])) i++;
          }
          return this.#token(isFloat ? 'float' : 'int', src.slice(start, i), start);
        }
        return this.#fail(`Unexpected character '${c}'`, start);
      }
      if (this.#inAnnotation) {
        this.#inAnnotation = false;
        return this.#token('annot-end', '', i);
      }
      return this.#token('eof', '', i);
    } finally {
      this.#i = i;
    }
  }
}

interface LexedString {
  readonly text: string;
  readonly bytes: Uint8Array | undefined;
  /** Offsets of raw newlines inside the literal. */
  readonly newlines: readonly number[];
  /** Index after the closing quote. */
  readonly end: number;
}

/** Lexes a string literal starting at the quote at `i` (raw newlines are allowed, as ONNX prints them). */
function lexString(src: string, i: number, fail: (m: string, at: number) => never): LexedString {
  const start = i;
  i++;
  let text = '';
  let bytes: number[] | undefined; // set once a \x escape appears
  const newlines: number[] = [];
  const addText = (s: string): void => {
    if (bytes === undefined) text += s;
    else for (const b of ENCODER.encode(s)) bytes.push(b);
  };
  for (;;) {
    if (i >= src.length) fail('Unterminated string literal', start);
    const c = src[i]!;
    if (c === '"') break;
    if (c !== '\\') {
      if (c === '\n') newlines.push(i);
      addText(c);
      i++;
      continue;
    }
    const e = src[i + 1];
    if (e === undefined) fail('Unterminated string literal', start);
    if (e === 'n') addText('\n');
    else if (e === 't') addText('\t');
    else if (e === 'r') addText('\r');
    else if (e === 'x') {
      const h = src.slice(i + 2, i + 4);
      if (!/^[0-9A-Fa-f]{2}$/.test(h)) fail('Expected two hex digits after \\x', i);
      if (bytes === undefined) bytes = [...ENCODER.encode(text)];
      bytes.push(parseInt(h, 16));
      i += 4;
      continue;
    } else if (e === 'u') {
      const m = /^\{([0-9A-Fa-f]{1,6})\}/.exec(src.slice(i + 2, i + 10));
      if (m === null) fail('Expected \\u{HEX} in string literal', i);
      const cp = parseInt(m[1]!, 16);
      if (cp > 0x10ffff) fail('Code point out of range in \\u{…}', i);
      addText(String.fromCodePoint(cp));
      i += 2 + m[0].length;
      continue;
    } else {
      if (e === '\n') newlines.push(i + 1);
      addText(e);
    }
    i += 2;
  }
  if (bytes === undefined) return { text, bytes: undefined, newlines, end: i + 1 };
  const arr = Uint8Array.from(bytes);
  const decoded = decodeUtf8(arr);
  return decoded !== undefined ? { text: decoded, bytes: undefined, newlines, end: i + 1 } : { text: '', bytes: arr, newlines, end: i + 1 };
}

/** The bytes of a string token (UTF-8 of its text, or its exact bytes). */
export function tokenBytes(t: Token): Uint8Array {
  return t.bytes ?? ENCODER.encode(t.text);
}
