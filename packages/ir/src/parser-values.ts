/**
 * Parsing of the value-level parts of ONNX text: types, tensor constants (dense, sparse,
 * external), attribute values, string-string lists and mixprec `#@` annotations.
 */
import { DataType } from './data-type.js';
import { PreconditionError } from './errors.js';
import type { Token } from './lexer.js';
import { describe, type Cursor } from './parser-base.js';
import type { SparseTensor } from './sparse-tensor.js';
import { parseTensorValues, rawByteLength } from './parser-tensor.js';
import { Tensor, type ExternalLocation, type TensorMeta } from './tensor.js';
import { dtypeFromText, isTypeStart } from './text-syntax.js';
import { tensorType, type Dim, type ValueType } from './value-type.js';

/** The contents of `#@` annotation lines. */
export interface Annotation {
  readonly tok: Token;
  docString?: string;
  metadataProps?: [string, string][];
  tensorDocString?: string;
  tensorMetadataProps?: [string, string][];
}

const KEYS_ALL = ['doc_string', 'metadata_props', 'tensor_doc_string', 'tensor_metadata_props'] as const;
export type AnnotationKey = (typeof KEYS_ALL)[number];

/** Parses consecutive `#@` lines, if any, allowing only `keys`. */
export function parseAnnotation(c: Cursor, keys: readonly AnnotationKey[], what: string): Annotation | undefined {
  if (c.peek().kind !== 'annot') return undefined;
  const ann: Annotation = { tok: c.peek() };
  while (c.peek().kind === 'annot') {
    c.next();
    while (c.peek().kind !== 'annot-end') {
      const kt = c.expectId('an annotation key');
      if (!(keys as readonly string[]).includes(kt.text)) {
        c.fail(`Annotation key '${kt.text}' is not allowed on ${what}; use ${keys.join(', ')}`, kt);
      }
      c.expect(':', `after annotation key '${kt.text}'`);
      switch (kt.text as AnnotationKey) {
        case 'doc_string': ann.docString = c.expectString('doc_string'); break;
        case 'tensor_doc_string': ann.tensorDocString = c.expectString('tensor_doc_string'); break;
        case 'metadata_props': (ann.metadataProps ??= []).push(...parseStringPairs(c)); break;
        case 'tensor_metadata_props': (ann.tensorMetadataProps ??= []).push(...parseStringPairs(c)); break;
      }
      if (!c.eat(',')) break;
    }
    if (c.peek().kind !== 'annot-end') c.fail(`Expected ',' or the end of the annotation line but found ${describe(c.peek())}`);
    c.next();
  }
  return ann;
}

/** `[ "k": "v", … ]` (brackets included). */
export function parseStringPairs(c: Cursor): [string, string][] {
  const out: [string, string][] = [];
  c.expect('[');
  if (c.eat(']')) return out;
  do {
    const k = c.expectString('a key');
    c.expect(':', 'between key and value');
    out.push([k, c.expectString('a value')]);
  } while (c.eat(','));
  c.expect(']');
  return out;
}

/** An integer literal as an exact bigint. */
export function parseIntToken(c: Cursor, what: string): bigint {
  const t = c.peek();
  if (t.kind !== 'int') c.fail(`Expected ${what} (an integer) but found ${describe(t)}`, t);
  c.next();
  return BigInt(t.text);
}

// ---- types ----

/** True when a type starts at the cursor (`float`, `seq(`, …). */
export function nextIsType(c: Cursor): boolean {
  const t = c.peek();
  return t.kind === 'id' && isTypeStart(t.text);
}

function primType(c: Cursor): number {
  const t = c.expectId('an element type');
  const d = dtypeFromText(t.text);
  if (d === undefined) c.fail(`Unknown element type '${t.text}'`, t);
  return d;
}

/** `[` dims `]`, `[]` (unknown rank) or nothing (a scalar). */
function shapeSuffix(c: Cursor): Dim[] | undefined {
  if (!c.eat('[')) return [];
  if (c.eat(']')) return undefined;
  const dims: Dim[] = [];
  do {
    const t = c.peek();
    if (c.eat('?')) dims.push(undefined);
    else if (t.kind === 'int') dims.push(Number(c.next().text));
    else if (c.isQuotableId()) dims.push(c.quotableId('a dimension'));
    else c.fail(`Expected a dimension (integer, name or '?') but found ${describe(t)}`, t);
  } while (c.eat(','));
  c.expect(']', 'to close the shape');
  return dims;
}

export function parseType(c: Cursor): ValueType {
  const t = c.expectId('a type');
  const dtype = dtypeFromText(t.text);
  if (dtype !== undefined) return tensorType(dtype, shapeSuffix(c));
  switch (t.text) {
    case 'seq': case 'optional': {
      c.expect('(');
      const elem = c.isPunct(')') ? undefined : parseType(c);
      c.expect(')');
      return t.text === 'seq' ? { kind: 'sequence', elem } : { kind: 'optional', elem };
    }
    case 'map': {
      c.expect('(');
      const keyType = primType(c);
      const valueType = c.eat(',') ? parseType(c) : undefined;
      c.expect(')');
      return { kind: 'map', keyType, valueType };
    }
    case 'sparse_tensor': {
      c.expect('(');
      const d = primType(c);
      const shape = shapeSuffix(c);
      c.expect(')');
      return shape === undefined ? { kind: 'sparse_tensor', dtype: d } : { kind: 'sparse_tensor', dtype: d, shape };
    }
    case 'opaque': {
      c.expect('(');
      let domain = '';
      let name = '';
      if (!c.isPunct(')')) {
        const first = dottedOrString(c, 'an opaque type name');
        if (c.eat(',')) {
          domain = first;
          name = c.quotableId('an opaque type name');
        } else {
          name = first;
        }
      }
      c.expect(')');
      return { kind: 'opaque', domain, name };
    }
    default:
      return c.fail(`Expected a type but found identifier '${t.text}'`, t);
  }
}

/** `a.b.c` or a string literal. */
export function dottedOrString(c: Cursor, what: string): string {
  if (c.peek().kind === 'str') return c.expectString(what);
  let s = c.expectId(what).text;
  while (c.isPunct('.') && c.peek(1).kind === 'id') {
    c.next();
    s += `.${c.next().text}`;
  }
  return s;
}

// ---- tensor constants ----

/** The data of a tensor constant of type `type` (`{…}` or an external-data list). */
export function parseTensorData(c: Cursor, type: ValueType, typeTok: Token, meta: TensorMeta): Tensor {
  if (type.kind !== 'tensor' || type.shape === undefined || type.shape.some((d) => typeof d !== 'number' || d < 0)) {
    c.fail('A tensor constant needs a tensor type with non-negative integer dimensions, e.g. float[2,3]', typeTok);
  }
  const dims = type.shape as number[];
  if (c.isPunct('[')) return externalTensor(c, type.dtype, dims, meta);
  const open = c.expect('{', 'to start the tensor values');
  if (c.peek().kind === 'ellipsis') {
    c.fail('Tensor values were elided when this text was printed (elideTensorsAbove); print the model without elision to get parseable text');
  }
  const data = parseTensorValues(c, type.dtype, dims, open);
  c.expect('}', 'to close the tensor values');
  try {
    return Tensor.of(type.dtype, dims, data, meta);
  } catch (e) {
    if (e instanceof PreconditionError) c.fail(e.message, open);
    throw e;
  }
}

function externalTensor(c: Cursor, dtype: number, dims: readonly number[], meta: TensorMeta): Tensor {
  const open = c.peek();
  const pairs = parseStringPairs(c);
  let location: string | undefined;
  let offset: number | undefined;
  let length: number | undefined;
  let checksum: string | undefined;
  const extra: [string, string][] = [];
  for (const [k, v] of pairs) {
    if (k === 'location') location = v;
    else if (k === 'offset' || k === 'length') {
      if (!/^\d+$/.test(v)) c.fail(`External-data '${k}' must be a non-negative integer, got "${v}"`, open);
      if (k === 'offset') offset = Number(v);
      else length = Number(v);
    } else if (k === 'checksum') checksum = v;
    else extra.push([k, v]);
  }
  if (location === undefined) c.fail('External data needs a "location" entry', open);
  const external: ExternalLocation = {
    location,
    ...(offset === undefined ? {} : { offset }),
    ...(length === undefined ? {} : { length }),
    ...(checksum === undefined ? {} : { checksum }),
    ...(extra.length === 0 ? {} : { extra }),
  };
  const where = `${location}${offset === undefined ? '' : ` @ ${offset}`}${length === undefined ? '' : `+${length}`}`;
  if (dtype === DataType.STRING) c.fail('STRING tensors cannot be stored as external data', open);
  const byteLength = length ?? rawByteLength(dtype, dims);
  return Tensor.lazy(dtype, dims, {
    byteLength,
    description: where,
    read: () => {
      throw new PreconditionError(`Tensor data is in external file '${location}', which parsing text does not load; load the model from its .onnx file, or print it with externalData: 'values'`);
    },
  }, { ...meta, external });
}

/** `sparse_tensor(float[4,4]) … {values: <tensor constant>, indices: <tensor constant>}`. */
export function parseSparseData(c: Cursor, type: ValueType, typeTok: Token): SparseTensor {
  if (type.kind !== 'sparse_tensor' || type.shape === undefined || type.shape.some((d) => typeof d !== 'number' || d < 0)) {
    c.fail('A sparse tensor constant needs a type sparse_tensor(<type>[<integer dims>])', typeTok);
  }
  c.expect('{', 'to start the sparse tensor');
  let values: Tensor | undefined;
  let indices: Tensor | undefined;
  do {
    const k = c.expectId("'values' or 'indices'");
    if (k.text !== 'values' && k.text !== 'indices') c.fail(`Expected 'values' or 'indices' but found '${k.text}'`, k);
    c.expect(':');
    const t = parseTensorConstant(c);
    if (k.text === 'values') values = t;
    else indices = t;
  } while (c.eat(','));
  c.expect('}', 'to close the sparse tensor');
  if (values === undefined || indices === undefined) c.fail('A sparse tensor constant needs both values and indices', typeTok);
  if (values.dtype !== type.dtype) c.fail('The values of a sparse tensor must have its element type', typeTok);
  return { values, indices, dims: type.shape as number[] };
}

/** `type [name] [=] {…}`: a tensor constant with its own type. */
export function parseTensorConstant(c: Cursor): Tensor {
  const typeTok = c.peek();
  const type = parseType(c);
  const name = c.isQuotableId() ? c.quotableId('a tensor name') : undefined;
  c.eat('=');
  return parseTensorData(c, type, typeTok, name === undefined ? {} : { name });
}

