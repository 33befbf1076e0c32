/** Formatting of types, tensor constants and attribute values in ONNX text. */
import type { Attr, AttrType } from './attr.js';
import { bitWidth, DataType, dataTypeText, isKnownDataType } from './data-type.js';
import type { Graph } from './graph.js';
import { fromBFloat16Bits, fromFloat16Bits } from './float16.js';
import type { SparseTensor } from './sparse-tensor.js';
import type { Tensor } from './tensor.js';
import {
  asFloatLiteral, BFLOAT16_NAN, FLOAT16_NAN, formatFloat32, formatFloat64, formatId, isDottedIdentifier, quoteBytes,
  quoteString,
} from './text-syntax.js';
import { tensorType, type Dim, type ValueType } from './value-type.js';

/** Options of `printModel`, `printGraph` and `printNode`. */
export interface PrintOptions {
  /**
   * Print the values of tensors with more than this many elements as `{...}`, which the parser
   * rejects (for reading only). Default: print every value.
   */
  readonly elideTensorsAbove?: number;
  /**
   * `'reference'` (default): a tensor that came from external data prints as its ONNX
   * external-data list `["location": "…", "offset": "…", "length": "…"]`. `'values'`: print
   * its values (reading lazy tensors).
   */
  readonly externalData?: 'reference' | 'values';
}

export function formatDim(d: Dim): string {
  return d === undefined ? '?' : typeof d === 'number' ? String(d) : formatId(d);
}

function tensorPart(dtype: number, shape: readonly Dim[] | undefined): string {
  const t = dataTypeText(dtype);
  if (shape === undefined) return `${t}[]`;
  return shape.length === 0 ? t : `${t}[${shape.map(formatDim).join(',')}]`;
}

/** A domain as printed before an operator or in `opaque(…)`: bare when dotted identifiers, else quoted. */
export function formatDomain(d: string): string {
  return isDottedIdentifier(d) ? d : quoteString(d);
}

export function formatType(t: ValueType): string {
  switch (t.kind) {
    case 'tensor': return tensorPart(t.dtype, t.shape);
    case 'sparse_tensor': return `sparse_tensor(${tensorPart(t.dtype, t.shape)})`;
    case 'sequence': return `seq(${t.elem === undefined ? '' : formatType(t.elem)})`;
    case 'optional': return `optional(${t.elem === undefined ? '' : formatType(t.elem)})`;
    case 'map': return `map(${dataTypeText(t.keyType)}${t.valueType === undefined ? '' : `, ${formatType(t.valueType)}`})`;
    case 'opaque':
      if (t.domain === '') return `opaque(${t.name === '' ? '' : formatId(t.name)})`;
      return `opaque(${formatDomain(t.domain)}, ${formatId(t.name)})`;
  }
}

/** Element literals of a tensor (complex: real and imaginary parts interleaved). */
export function formatTensorValues(t: Tensor): string[] {
  const d = t.data;
  switch (t.dtype) {
    case DataType.FLOAT: case DataType.COMPLEX64: {
      const f = d as Float32Array;
      const bits = new Uint32Array(f.buffer, f.byteOffset, f.length);
      return Array.from(f, (x, i) => (Number.isNaN(x) ? (bits[i]! >>> 31 ? '-nan' : 'nan') : formatFloat32(x)));
    }
    case DataType.DOUBLE: case DataType.COMPLEX128: {
      const f = d as Float64Array;
      const bits = new Uint32Array(f.buffer, f.byteOffset, 2 * f.length);
      return Array.from(f, (x, i) => (Number.isNaN(x) ? (bits[2 * i + 1]! >>> 31 ? '-nan' : 'nan') : formatFloat64(x)));
    }
    case DataType.FLOAT16: case DataType.BFLOAT16: {
      const half = t.dtype === DataType.FLOAT16;
      const nan = half ? FLOAT16_NAN : BFLOAT16_NAN;
      const decode = half ? fromFloat16Bits : fromBFloat16Bits;
      return Array.from(d as Uint16Array, (h) => {
        const v = decode(h);
        if (!Number.isNaN(v)) return asFloatLiteral(formatFloat32(v));
        // Canonical quiet NaNs print as nan; any other NaN payload prints as its exact bit pattern.
        return (h & 0x7fff) === nan ? (h & 0x8000 ? '-nan' : 'nan') : String(h);
      });
    }
    case DataType.STRING:
      return (d as readonly Uint8Array[]).map(quoteBytes);
    case DataType.INT64: case DataType.UINT64:
      return Array.from(d as BigInt64Array, String);
    case DataType.INT8: case DataType.UINT8: case DataType.INT16: case DataType.UINT16: case DataType.INT32:
    case DataType.UINT32: case DataType.BOOL:
      return Array.from(d as Int32Array, String);
    default:
      return unpacked(t.dtype, d as Uint8Array, t.size);
  }
}

function unpacked(dtype: number, bytes: Uint8Array, n: number): string[] {
  const bits = isKnownDataType(dtype) ? bitWidth(dtype) : 8;
  if (bits !== 4 && bits !== 2) return Array.from(bytes, String);
  const signed = dtype === DataType.INT4 || dtype === DataType.INT2;
  const perByte = 8 / bits;
  const mask = (1 << bits) - 1;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    let v = (bytes[Math.floor(i / perByte)]! >> ((i % perByte) * bits)) & mask;
    if (signed && v >= 1 << (bits - 1)) v -= 1 << bits;
    out.push(String(v));
  }
  return out;
}

/** `["location": "w.bin", "offset": "0", "length": "64"]`. */
function externalList(t: Tensor): string {
  const e = t.meta.external!;
  const pairs: [string, string][] = [['location', e.location]];
  if (e.offset !== undefined) pairs.push(['offset', String(e.offset)]);
  if (e.length !== undefined) pairs.push(['length', String(e.length)]);
  if (e.checksum !== undefined) pairs.push(['checksum', e.checksum]);
  for (const [k, v] of e.extra ?? []) pairs.push([k, v]);
  return `[${pairs.map(([k, v]) => `${quoteString(k)}: ${quoteString(v)}`).join(', ')}]`;
}

/** The data part of a tensor constant: `{1, 2}`, an external-data list, or the elided `{...}`. */
export function formatTensorBody(t: Tensor, opts: PrintOptions): string {
  const external = t.meta.external !== undefined;
  if (external && opts.externalData !== 'values') return externalList(t);
  if (opts.elideTensorsAbove !== undefined && t.size > opts.elideTensorsAbove) return '{...}';
  let values: string[];
  try {
    values = formatTensorValues(t);
  } catch (e) {
    // An unreadable lazy tensor: keep its reference when there is one, else mark it elided.
    if (!t.isLazy) throw e;
    return external ? externalList(t) : '{...}';
  }
  return `{${values.join(', ')}}`;
}

/** The type of a tensor constant: its dtype and dims. */
export function tensorConstType(t: Tensor): string {
  return formatType(tensorType(t.dtype, t.dims));
}

/** A tensor constant in an attribute: `float[2] {1, 2}` (with its name when it has one). */
export function formatTensorConstant(t: Tensor, opts: PrintOptions): string {
  const name = t.meta.name;
  return `${tensorConstType(t)}${name === undefined || name === '' ? '' : ` ${formatId(name)}`} ${formatTensorBody(t, opts)}`;
}

/** The data of a sparse constant: `{values: float[3] {…}, indices: int64[3] {…}}`. */
export function formatSparseBody(s: SparseTensor, opts: PrintOptions): string {
  const values = `${tensorConstType(s.values)} ${formatTensorBody(s.values, opts)}`;
  return `{values: ${values}, indices: ${formatTensorConstant(s.indices, opts)}}`;
}

/** A sparse constant in an attribute: `sparse_tensor(float[4,4]) [name] {values: …, indices: …}`. */
export function formatSparseConstant(s: SparseTensor, opts: PrintOptions): string {
  const name = s.values.meta.name;
  const type = `sparse_tensor(${tensorPart(s.values.dtype, s.dims)})`;
  return `${type}${name === undefined || name === '' ? '' : ` ${formatId(name)}`} ${formatSparseBody(s, opts)}`;
}

const ATTR_TYPE_TEXT: Readonly<Record<AttrType, string>> = {
  INT: 'int', FLOAT: 'float', STRING: 'string', TENSOR: 'tensor', GRAPH: 'graph', SPARSE_TENSOR: 'sparse_tensor',
  TYPE_PROTO: 'type_proto', INTS: 'ints', FLOATS: 'floats', STRINGS: 'strings', TENSORS: 'tensors', GRAPHS: 'graphs',
  SPARSE_TENSORS: 'sparse_tensors', TYPE_PROTOS: 'type_protos', UNDEFINED: 'undefined',
};

/** Prints a graph-valued attribute: the graph text, starting at the current column, closing at `indent`. */
export type GraphFormatter = (g: Graph, indent: string) => string;

function formatInt(v: number | bigint): string {
  return typeof v === 'bigint' ? v.toString() : Number.isInteger(v) ? BigInt(v).toString() : String(v);
}

function formatString(v: string | Uint8Array): string {
  return typeof v === 'string' ? quoteString(v) : quoteBytes(v);
}

/**
 * `name = value`, with a `: type` annotation only where the value does not show its type:
 * references, empty lists, lists of tensors/graphs/types/sparse tensors, and UNDEFINED.
 */
export function formatAttr(name: string, a: Attr, opts: PrintOptions, indent: string, graph: GraphFormatter): string {
  const id = formatId(name);
  const typed = `${id}: ${ATTR_TYPE_TEXT[a.type]} = `;
  if (a.refAttrName !== undefined) return `${typed}@${formatId(a.refAttrName)}`;
  switch (a.type) {
    case 'INT': return `${id} = ${formatInt(a.value)}`;
    case 'FLOAT': return `${id} = ${asFloatLiteral(formatFloat32(Math.fround(a.value)))}`;
    case 'STRING': return `${id} = ${formatString(a.value)}`;
    case 'TENSOR': return `${id} = ${formatTensorConstant(a.value, opts)}`;
    case 'SPARSE_TENSOR': return `${id} = ${formatSparseConstant(a.value, opts)}`;
    case 'TYPE_PROTO': return `${id} = ${formatType(a.value)}`;
    case 'GRAPH': {
      const text = graph(a.value, indent);
      return `${id} =${text.startsWith('\n') ? '' : ' '}${text}`;
    }
    case 'INTS': return a.value.length === 0 ? `${typed}[]` : `${id} = [${a.value.map(formatInt).join(', ')}]`;
    case 'FLOATS':
      return a.value.length === 0 ? `${typed}[]` : `${id} = [${a.value.map((f) => asFloatLiteral(formatFloat32(Math.fround(f)))).join(', ')}]`;
    case 'STRINGS': return a.value.length === 0 ? `${typed}[]` : `${id} = [${a.value.map(formatString).join(', ')}]`;
    case 'TENSORS': return `${typed}[${a.value.map((t) => formatTensorConstant(t, opts)).join(', ')}]`;
    case 'SPARSE_TENSORS': return `${typed}[${a.value.map((s) => formatSparseConstant(s, opts)).join(', ')}]`;
    case 'TYPE_PROTOS': return `${typed}[${a.value.map(formatType).join(', ')}]`;
    case 'GRAPHS': return `${typed}[${a.value.map((g) => graph(g, indent)).join(', ')}]`;
    case 'UNDEFINED': return `${typed}[]`;
  }
}
