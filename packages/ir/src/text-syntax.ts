/**
 * Lexical conventions shared by the printer and the parser of the ONNX textual syntax:
 * identifiers and quoting, string escapes, data-type keywords and number spelling.
 */
import { DataType, dataTypeText } from './data-type.js';
import { float32ToBFloat16Bits, float32ToFloat16Bits } from './float16.js';

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DOTTED = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const FLOAT_WORD = /^(inf|infinity|nan)$/i;
const UNKNOWN_DTYPE = /^dtype(\d+)$/;

/** Keywords that start a non-tensor type. */
export const TYPE_KEYWORDS: ReadonlySet<string> = new Set(['seq', 'map', 'optional', 'sparse_tensor', 'opaque']);

const DTYPE_BY_TEXT: ReadonlyMap<string, number> = new Map(
  Object.values(DataType).filter((v): v is number => typeof v === 'number').map((v) => [dataTypeText(v), v]),
);

/** The data type spelled `text` in a type (`float16`, `dtype27`), or undefined. */
export function dtypeFromText(text: string): number | undefined {
  const known = DTYPE_BY_TEXT.get(text);
  if (known !== undefined) return known;
  const m = UNKNOWN_DTYPE.exec(text);
  return m === null ? undefined : Number(m[1]);
}

/** True when `id` starts a type (`float`, `seq`, `sparse_tensor`, …). */
export function isTypeStart(id: string): boolean {
  return dtypeFromText(id) !== undefined || TYPE_KEYWORDS.has(id);
}

/** `inf`, `infinity` or `nan` in any case: identifiers that are float literals. */
export function isFloatWord(id: string): boolean {
  return FLOAT_WORD.test(id);
}

export function isIdentifier(s: string): boolean {
  return IDENT.test(s);
}

/** True for `a`, `com.microsoft`, `ai.onnx.ml`: domains printed without quotes. */
export function isDottedIdentifier(s: string): boolean {
  return DOTTED.test(s);
}

/** A name as a quotable id: bare when it is an identifier that is no keyword, else quoted. */
export function formatId(name: string): string {
  return IDENT.test(name) && !isTypeStart(name) && !FLOAT_WORD.test(name) ? name : quoteString(name);
}

/**
 * A string literal. `"` and `\` are escaped, as ONNX does; newline, tab and carriage return
 * are written `\n`, `\t`, `\r`, other control characters `\xHH`, lone surrogates `\u{HHHH}`
 * (mixprec extensions: the ONNX parser reads `\n` as `n`). Other characters are kept.
 */
export function quoteString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x0d) out += '\\r';
    else if (c < 0x20 || c === 0x7f) out += `\\x${hex2(c)}`;
    else if (c >= 0xd800 && c <= 0xdfff) {
      const d = s.charCodeAt(i + 1);
      if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
        out += s[i]! + s[i + 1]!;
        i++;
      } else {
        out += `\\u{${c.toString(16).toUpperCase()}}`;
      }
    } else out += s[i]!;
  }
  return `${out}"`;
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes strict UTF-8, or undefined when the bytes are not valid UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return STRICT_UTF8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** A byte string as a literal: as text when it is valid UTF-8, else with `\xHH` for non-ASCII bytes. */
export function quoteBytes(bytes: Uint8Array): string {
  const text = decodeUtf8(bytes);
  if (text !== undefined) return quoteString(text);
  let out = '"';
  for (const b of bytes) {
    if (b === 0x22) out += '\\"';
    else if (b === 0x5c) out += '\\\\';
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += `\\x${hex2(b)}`;
  }
  return `${out}"`;
}

function hex2(n: number): string {
  return n.toString(16).toUpperCase().padStart(2, '0');
}

/**
 * The shortest decimal that reads back (through float64, then float32 rounding) as exactly
 * the float32 value `x`: `0.1`, `1`, `1e+30`, `-0`, `inf`, `-inf`, `nan`.
 */
export function formatFloat32(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  // Round-tripping is monotone in the number of digits: binary search the shortest.
  let lo = 1;
  let hi = 9;
  let best: string | undefined;
  while (lo <= hi) {
    const p = (lo + hi) >> 1;
    const n = Number(x.toPrecision(p));
    if (Math.fround(n) === x) {
      best = String(n);
      hi = p - 1;
    } else {
      lo = p + 1;
    }
  }
  return best ?? String(x);
}

/** The shortest decimal of a float64 (JavaScript's), with `-0`, `inf`, `-inf`, `nan`. */
export function formatFloat64(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  return String(x);
}

/** Appends `.0` to a number spelled without `.`, exponent or letters, so it lexes as a float. */
export function asFloatLiteral(s: string): string {
  return /^-?\d+$/.test(s) ? `${s}.0` : s;
}

/** Bit patterns of quiet NaN in the 16-bit formats, as the conversions produce them. */
export const FLOAT16_NAN = float32ToFloat16Bits(Float32Array.of(NaN))[0]!;
export const BFLOAT16_NAN = float32ToBFloat16Bits(Float32Array.of(NaN))[0]!;

/** Reads a numeric literal as a float64 (`inf`, `-nan`, … included). */
export function parseFloatLiteral(text: string): number {
  const neg = text.startsWith('-');
  const body = neg ? text.slice(1) : text;
  if (/^inf(inity)?$/i.test(body)) return neg ? -Infinity : Infinity;
  if (/^nan$/i.test(body)) return NaN;
  return Number(text);
}
