/** Parsing of attributes: `name [: type] = value`, lists, references and subgraphs. */
import { fromBigInt, type Attr, type AttrType } from './attr.js';
import { DataType } from './data-type.js';
import { Graph } from './graph.js';
import type { Token } from './lexer.js';
import { describe, type Cursor } from './parser-base.js';
import type { GraphSyntax } from './parser-syntax.js';
import { parseSparseData, parseTensorData, parseType } from './parser-values.js';
import { Tensor } from './tensor.js';
import { isFloatWord, isTypeStart, parseFloatLiteral } from './text-syntax.js';
import { tensorType } from './value-type.js';

/** An attribute as parsed: a final value, or subgraphs still to be built. */
export type AttrSyntax =
  | { readonly name: string; readonly tok: Token; readonly value: Attr }
  | { readonly name: string; readonly tok: Token; readonly graphs: readonly GraphSyntax[]; readonly list: boolean };

/** Parses a graph whose name token is next (supplied by the syntax parser). */
export type GraphParser = (c: Cursor) => GraphSyntax;

const ATTR_TYPES: Readonly<Record<string, AttrType>> = {
  int: 'INT', float: 'FLOAT', string: 'STRING', tensor: 'TENSOR', graph: 'GRAPH', sparse_tensor: 'SPARSE_TENSOR',
  type_proto: 'TYPE_PROTO', ints: 'INTS', floats: 'FLOATS', strings: 'STRINGS', tensors: 'TENSORS', graphs: 'GRAPHS',
  sparse_tensors: 'SPARSE_TENSORS', type_protos: 'TYPE_PROTOS', undefined: 'UNDEFINED',
};

const LIST_OF: Readonly<Partial<Record<AttrType, AttrType>>> = {
  INTS: 'INT', FLOATS: 'FLOAT', STRINGS: 'STRING', TENSORS: 'TENSOR', GRAPHS: 'GRAPH', SPARSE_TENSORS: 'SPARSE_TENSOR', TYPE_PROTOS: 'TYPE_PROTO',
};

const LIST_FOR: Readonly<Partial<Record<AttrType, AttrType>>> = Object.fromEntries(Object.entries(LIST_OF).map(([l, s]) => [s, l])) as Partial<Record<AttrType, AttrType>>;

type Single = { readonly type: AttrType; readonly value: unknown; readonly tok: Token };

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/** One attribute: `name [: type] = value`. */
export function parseAttribute(c: Cursor, graph: GraphParser): AttrSyntax {
  const tok = c.peek();
  const name = c.quotableId('an attribute name');
  let declared: AttrType | undefined;
  if (c.eat(':')) {
    const tt = c.expectId('an attribute type');
    declared = ATTR_TYPES[tt.text];
    if (declared === undefined) c.fail(`Unknown attribute type '${tt.text}'; use one of ${Object.keys(ATTR_TYPES).join(', ')}`, tt);
  }
  c.expect('=', `after attribute '${name}'`);
  if (c.eat('@')) {
    const ref = c.quotableId('a referenced attribute name');
    return { name, tok, value: refPlaceholder(declared ?? 'UNDEFINED', ref) };
  }
  if (c.isPunct('[')) {
    const open = c.next();
    const elemType = declared === undefined ? undefined : LIST_OF[declared];
    if (declared !== undefined && elemType === undefined && declared !== 'UNDEFINED') c.fail(`Attribute '${name}' is declared ${declared} but has a list value`, open);
    const items: Single[] = [];
    if (!c.isPunct(']')) {
      do items.push(parseSingle(c, elemType, graph));
      while (c.eat(','));
    }
    c.expect(']', 'to close the attribute list');
    if (declared === 'UNDEFINED') {
      if (items.length > 0) c.fail(`Attribute '${name}' of type undefined must be written []`, open);
      return { name, tok, value: { type: 'UNDEFINED', value: undefined } };
    }
    let listType: AttrType | undefined = declared;
    if (listType === undefined) {
      if (items.length === 0) c.fail(`The empty list of attribute '${name}' needs a type, e.g. ${name}: ints = []`, open);
      const kinds = new Set(items.map((i) => i.type));
      const single = kinds.size === 2 && kinds.has('INT') && kinds.has('FLOAT') ? 'FLOAT' : items[0]!.type;
      listType = LIST_FOR[single];
      if (listType === undefined) c.fail(`Attribute '${name}' cannot hold a list of ${single}`, open);
    }
    const elem = LIST_OF[listType]!;
    const values = items.map((i) => coerce(c, i, elem).value);
    if (elem === 'GRAPH') return { name, tok, graphs: values as GraphSyntax[], list: true };
    return { name, tok, value: { type: listType, value: values } as Attr };
  }
  const one = coerce(c, parseSingle(c, declared, graph), declared);
  if (declared !== undefined && LIST_OF[declared] !== undefined) c.fail(`Attribute '${name}' is declared ${declared}; write its value as a list [...]`, one.tok);
  if (one.type === 'GRAPH') return { name, tok, graphs: [one.value as GraphSyntax], list: false };
  return { name, tok, value: { type: one.type, value: one.value } as Attr };
}

function coerce(c: Cursor, s: Single, expected: AttrType | undefined): Single {
  if (expected === undefined || expected === s.type || LIST_OF[expected] !== undefined) return s;
  if (expected === 'FLOAT' && s.type === 'INT') return { type: 'FLOAT', value: Math.fround(Number(s.value)), tok: s.tok };
  return c.fail(`Expected a ${expected} attribute value but found a ${s.type}`, s.tok);
}

function parseSingle(c: Cursor, expected: AttrType | undefined, graph: GraphParser): Single {
  const t = c.peek();
  if (t.kind === 'annot') return { type: 'GRAPH', value: graph(c), tok: t }; // an annotated graph
  if (t.kind === 'int') {
    const v = BigInt(c.next().text);
    if (v < INT64_MIN || v > INT64_MAX) c.fail(`Integer ${t.text} does not fit in int64`, t);
    return { type: 'INT', value: fromBigInt(v), tok: t };
  }
  if (t.kind === 'float') return { type: 'FLOAT', value: Math.fround(parseFloatLiteral(c.next().text)), tok: t };
  if (t.kind === 'str') {
    if (c.isPunct('(', 1)) return { type: 'GRAPH', value: graph(c), tok: t };
    c.next();
    return { type: 'STRING', value: t.bytes ?? t.text, tok: t };
  }
  if (t.kind === 'id') {
    if (isTypeStart(t.text)) {
      const type = parseType(c);
      const n = c.peek();
      const isData = c.isPunct('{') || c.isPunct('=') || n.kind === 'id' || n.kind === 'str' || (c.isPunct('[') && expected !== 'TYPE_PROTO');
      if (!isData) return { type: 'TYPE_PROTO', value: type, tok: t };
      const name = c.isQuotableId() ? c.quotableId('a tensor name') : undefined;
      c.eat('=');
      if (type.kind === 'sparse_tensor') {
        const sp = parseSparseData(c, type, t);
        return { type: 'SPARSE_TENSOR', value: name === undefined ? sp : { ...sp, values: sp.values.withMeta({ ...sp.values.meta, name }) }, tok: t };
      }
      return { type: 'TENSOR', value: parseTensorData(c, type, t, name === undefined ? {} : { name }), tok: t };
    }
    if (isFloatWord(t.text)) return { type: 'FLOAT', value: parseFloatLiteral(c.next().text), tok: t };
    if (c.isPunct('(', 1)) return { type: 'GRAPH', value: graph(c), tok: t };
    return c.fail(`Expected an attribute value but found identifier '${t.text}' (a graph value needs its signature: name (inputs) => (outputs) {...})`, t);
  }
  return c.fail(`Expected an attribute value but found ${describe(t)}`, t);
}

/** The value of an attribute that refers to a function attribute (`@name`): a type-correct placeholder. */
function refPlaceholder(type: AttrType, refAttrName: string): Attr {
  const base = { refAttrName };
  switch (type) {
    case 'INT': return { ...base, type, value: 0 };
    case 'FLOAT': return { ...base, type, value: 0 };
    case 'STRING': return { ...base, type, value: '' };
    case 'INTS': case 'FLOATS': case 'STRINGS': case 'TENSORS': case 'GRAPHS': case 'SPARSE_TENSORS': case 'TYPE_PROTOS':
      return { ...base, type, value: [] } as Attr;
    case 'TENSOR': return { ...base, type, value: Tensor.of(DataType.FLOAT, [0], new Float32Array(0)) };
    case 'SPARSE_TENSOR': {
      const values = Tensor.of(DataType.FLOAT, [0], new Float32Array(0));
      return { ...base, type, value: { values, indices: Tensor.of(DataType.INT64, [0], new BigInt64Array(0)), dims: [0] } };
    }
    case 'TYPE_PROTO': return { ...base, type, value: tensorType(DataType.UNDEFINED) };
    case 'GRAPH': return { ...base, type, value: new Graph('') };
    default: return { ...base, type: 'UNDEFINED', value: undefined };
  }
}
