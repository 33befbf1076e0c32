/**
 * Reading the element literals of a tensor constant into its storage array.
 *
 * FLOAT16/BFLOAT16 accept both spellings: an integer is the 16-bit pattern (as ONNX prints
 * them), a float literal (`1.0`, `inf`, `nan`, `6.1e-05`) is the numeric value, rounded to
 * nearest even (exact for the values mixprec prints). 8-bit float types take byte patterns;
 * 4- and 2-bit types take one value per element and are packed low bits first.
 */
import { bitWidth, DataType, dataTypeText, integerRange, isKnownDataType } from './data-type.js';
import { toBFloat16Bits, toFloat16Bits } from './float16.js';
import { tokenBytes, type Token } from './lexer.js';
import { describe, type Cursor } from './parser-base.js';
import { elementCount, storageArrayType, storageLength, type TensorData } from './tensor.js';
import { BFLOAT16_NAN, FLOAT16_NAN, isFloatWord, parseFloatLiteral } from './text-syntax.js';

/** Bytes of the raw little-endian data of a tensor of `dtype` and `dims` (not STRING). */
export function rawByteLength(dtype: number, dims: readonly number[]): number {
  const ctor = storageArrayType(dtype)!;
  return storageLength(dtype, elementCount(dims)) * ctor.BYTES_PER_ELEMENT;
}

function isNumberToken(t: Token): boolean {
  return t.kind === 'int' || t.kind === 'float' || (t.kind === 'id' && isFloatWord(t.text));
}

function isNaNToken(t: Token): boolean {
  return /^-?nan$/i.test(t.text);
}

/** Reads the comma-separated literals up to (not including) `}` into the storage of a `dtype` tensor with `dims`. */
export function parseTensorValues(c: Cursor, dtype: number, dims: readonly number[], open: Token): TensorData {
  const n = elementCount(dims);
  const typeText = dataTypeText(dtype);
  const complex = dtype === DataType.COMPLEX64 || dtype === DataType.COMPLEX128;
  const want = complex ? 2 * n : n;
  /** Calls `f` on each literal (streamed from the cursor), then checks the count. */
  const each = (f: (t: Token, i: number) => void): void => {
    let count = 0;
    if (!c.isPunct('}')) {
      do {
        const t = c.next();
        if (count < want) f(t, count);
        count++;
      } while (c.eat(','));
    }
    if (count !== want) {
      c.fail(`${typeText}[${dims.join(',')}] needs ${want} value${want === 1 ? '' : 's'}${complex ? ' (real and imaginary parts interleaved)' : ''} but ${count} ${count === 1 ? 'is' : 'are'} given`, open);
    }
  };
  const num = (t: Token): number => {
    if (!isNumberToken(t)) c.fail(`Expected a number in the ${typeText} tensor but found ${describe(t)}`, t);
    return parseFloatLiteral(t.text);
  };
  const int = (t: Token, lo: bigint, hi: bigint): bigint => {
    if (t.kind !== 'int') c.fail(`Expected an integer in the ${typeText} tensor but found ${describe(t)}`, t);
    const v = BigInt(t.text);
    if (v < lo || v > hi) c.fail(`Value ${t.text} is out of range for ${typeText} (${lo}..${hi})`, t);
    return v;
  };
  switch (dtype) {
    case DataType.FLOAT: case DataType.COMPLEX64: {
      const out = new Float32Array(want);
      const bits = new Uint32Array(out.buffer);
      each((t, i) => {
        const v = num(t);
        if (Number.isNaN(v)) bits[i] = t.text.startsWith('-') ? 0xffc00000 : 0x7fc00000;
        else out[i] = v;
      });
      return out;
    }
    case DataType.DOUBLE: case DataType.COMPLEX128: {
      const out = new Float64Array(want);
      const bits = new Uint32Array(out.buffer);
      each((t, i) => {
        const v = num(t);
        out[i] = v;
        if (Number.isNaN(v)) {
          bits[2 * i] = 0;
          bits[2 * i + 1] = t.text.startsWith('-') ? 0xfff80000 : 0x7ff80000;
        }
      });
      return out;
    }
    case DataType.FLOAT16: case DataType.BFLOAT16: {
      const out = new Uint16Array(n);
      const nan = dtype === DataType.FLOAT16 ? FLOAT16_NAN : BFLOAT16_NAN;
      const conv = dtype === DataType.FLOAT16 ? toFloat16Bits : toBFloat16Bits;
      each((t, i) => {
        if (t.kind === 'int') out[i] = Number(int(t, 0n, 65535n));
        else if (isNaNToken(t)) out[i] = t.text.startsWith('-') ? nan | 0x8000 : nan;
        else out[i] = conv(num(t));
      });
      return out;
    }
    case DataType.INT64: case DataType.UINT64: {
      const [lo, hi] = integerRange(dtype)!;
      const out = dtype === DataType.INT64 ? new BigInt64Array(n) : new BigUint64Array(n);
      each((t, i) => {
        out[i] = int(t, lo, hi);
      });
      return out;
    }
    case DataType.INT8: case DataType.UINT8: case DataType.INT16: case DataType.UINT16: case DataType.INT32: case DataType.UINT32: {
      const [lo, hi] = integerRange(dtype)!;
      const ctor = storageArrayType(dtype) as Int32ArrayConstructor;
      const out = new ctor(n);
      each((t, i) => {
        out[i] = Number(int(t, lo, hi));
      });
      return out;
    }
    case DataType.BOOL: {
      const out = new Uint8Array(n);
      each((t, i) => {
        if (t.kind === 'id' && (t.text === 'true' || t.text === 'false')) out[i] = t.text === 'true' ? 1 : 0;
        else out[i] = Number(int(t, 0n, 1n));
      });
      return out;
    }
    case DataType.STRING:
    {
      const out: Uint8Array[] = [];
      each((t) => {
        if (t.kind !== 'str') c.fail(`Expected a string literal in the string tensor but found ${describe(t)}`, t);
        out.push(tokenBytes(t));
      });
      return out;
    }
    default:
      return packed(dtype, n, each, int);
  }
}

/** Sub-byte types (packed, low bits first), byte-pattern types and unknown types. */
type Each = (f: (t: Token, i: number) => void) => void;

function packed(dtype: number, n: number, each: Each, int: (t: Token, lo: bigint, hi: bigint) => bigint): Uint8Array {
  const bits = isKnownDataType(dtype) ? bitWidth(dtype) : 8;
  if (bits !== 4 && bits !== 2) {
    const out = new Uint8Array(n);
    each((t, i) => {
      out[i] = Number(int(t, 0n, 255n));
    });
    return out;
  }
  const signed = dtype === DataType.INT4 || dtype === DataType.INT2;
  const half = 1n << BigInt(bits - 1);
  const lo = signed ? -half : 0n;
  const hi = signed ? half - 1n : 2n * half - 1n;
  const mask = (1 << bits) - 1;
  const perByte = 8 / bits;
  const out = new Uint8Array(storageLength(dtype, n));
  each((t, i) => {
    const v = Number(int(t, lo, hi)) & mask;
    out[Math.floor(i / perByte)]! |= v << ((i % perByte) * bits);
  });
  return out;
}
