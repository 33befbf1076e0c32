import { DataType, dataTypeText, parseDataType } from '../data-type.js';
import type { ValueType } from '../value-type.js';

/**
 * ONNX type strings as operator schemas spell them: `tensor(float16)`, `seq(tensor(float))`,
 * `optional(seq(tensor(int64)))`, `sparse_tensor(float)`, `map(string, float)` (a map's value is
 * written by its element type when it is a tensor, as in the ai.onnx.ml schemas).
 */

/** `tensor(float16)` for FLOAT16; for a value type, its full type string (undefined when incomplete or opaque). */
export function typeStringOf(t: DataType): string;
export function typeStringOf(t: ValueType | DataType): string | undefined;
export function typeStringOf(t: ValueType | DataType): string | undefined {
  if (typeof t === 'number') return `tensor(${dataTypeText(t)})`;
  switch (t.kind) {
    case 'tensor':
      return `tensor(${dataTypeText(t.dtype)})`;
    case 'sparse_tensor':
      return `sparse_tensor(${dataTypeText(t.dtype)})`;
    case 'sequence': {
      const e = t.elem === undefined ? undefined : typeStringOf(t.elem);
      return e === undefined ? undefined : `seq(${e})`;
    }
    case 'optional': {
      const e = t.elem === undefined ? undefined : typeStringOf(t.elem);
      return e === undefined ? undefined : `optional(${e})`;
    }
    case 'map': {
      const v = t.valueType;
      if (v === undefined) return undefined;
      const vs = v.kind === 'tensor' ? dataTypeText(v.dtype) : typeStringOf(v);
      return vs === undefined ? undefined : `map(${dataTypeText(t.keyType)}, ${vs})`;
    }
    default:
      return undefined;
  }
}

/** FLOAT16 for `tensor(float16)`; undefined for any other kind of type string or an unknown element type. */
export function dataTypeOfTypeString(s: string): DataType | undefined {
  const m = /^\s*tensor\(\s*([a-z0-9]+)\s*\)\s*$/.exec(s);
  return m?.[1] === undefined ? undefined : elementType(m[1]);
}

/**
 * The value type a type string denotes (shapes unknown), or undefined when it is not a well-formed
 * ONNX type string. `parseTypeString('seq(tensor(float))')` → a sequence of float tensors.
 */
export function parseTypeString(s: string): ValueType | undefined {
  const text = s.replace(/\s+/g, '');
  const m = /^([a-z_]+)\((.*)\)$/.exec(text);
  if (m?.[1] === undefined || m[2] === undefined) return undefined;
  const [, kind, inner] = m;
  switch (kind) {
    case 'tensor':
    case 'sparse_tensor': {
      const dtype = elementType(inner);
      if (dtype === undefined) return undefined;
      return kind === 'tensor' ? { kind: 'tensor', dtype } : { kind: 'sparse_tensor', dtype };
    }
    case 'seq':
    case 'optional': {
      const elem = parseTypeString(inner);
      if (elem === undefined) return undefined;
      return kind === 'seq' ? { kind: 'sequence', elem } : { kind: 'optional', elem };
    }
    case 'map': {
      const comma = inner.indexOf(',');
      if (comma < 0) return undefined;
      const keyType = elementType(inner.slice(0, comma));
      const rest = inner.slice(comma + 1);
      const bare = elementType(rest);
      const valueType: ValueType | undefined = bare !== undefined ? { kind: 'tensor', dtype: bare } : parseTypeString(rest);
      return keyType === undefined || valueType === undefined ? undefined : { kind: 'map', keyType, valueType };
    }
    default:
      return undefined;
  }
}

/** The element type named by bare text (`float16`), excluding aliases like `fp16`. */
function elementType(text: string): DataType | undefined {
  if (!/^[a-z][a-z0-9]*$/.test(text)) return undefined;
  const d = parseDataType(text);
  return d !== undefined && d !== DataType.UNDEFINED && dataTypeText(d) === text ? d : undefined;
}

/** The canonical spelling of a type string (whitespace as the schemas write it), or the input when malformed. */
export function canonicalTypeString(s: string): string {
  const t = parseTypeString(s);
  return (t === undefined ? undefined : typeStringOf(t)) ?? s;
}
