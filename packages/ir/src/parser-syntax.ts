/**
 * The structural grammar of ONNX text (model header, graphs, nodes, functions), parsed into
 * a small syntax tree; names are resolved afterwards by `parser-build.ts`.
 */
import type { Token } from './lexer.js';
import { parseAttribute, type AttrSyntax } from './parser-attr.js';
import { describe, type Cursor } from './parser-base.js';
import {
  nextIsType, parseAnnotation, parseIntToken, parseSparseData, parseStringPairs, parseTensorData, parseType,
  type Annotation, type AnnotationKey,
} from './parser-values.js';
import type { SparseTensor } from './sparse-tensor.js';
import type { Tensor, TensorMeta } from './tensor.js';
import type { ValueType } from './value-type.js';

export interface NameRef {
  readonly name: string;
  readonly tok: Token;
}

/** A value declaration in an input, output or `<…>` list, with optional initializer data. */
export interface DeclSyntax extends NameRef {
  readonly type: ValueType | undefined;
  readonly tensor?: Tensor;
  readonly sparse?: SparseTensor;
  readonly ann: Annotation | undefined;
}

export interface NodeSyntax {
  readonly tok: Token;
  readonly ann: Annotation | undefined;
  readonly name: string;
  readonly outputs: readonly NameRef[];
  readonly domain: string;
  readonly opType: string;
  readonly overload: string;
  readonly attrs: readonly AttrSyntax[];
  /** `undefined` for an omitted input. */
  readonly inputs: readonly (NameRef | undefined)[];
}

export interface GraphSyntax extends NameRef {
  readonly ann: Annotation | undefined;
  readonly inputs: readonly DeclSyntax[];
  readonly outputs: readonly DeclSyntax[];
  readonly items: readonly DeclSyntax[];
  readonly nodes: readonly NodeSyntax[];
}

/** `key: value` pairs of a model or function header. */
export type HeaderValue = bigint | string | [string, string][] | [string, bigint][];

export interface FunctionSyntax {
  readonly header: ReadonlyMap<string, HeaderValue>;
  readonly attrNames: readonly string[];
  readonly attrDefaults: readonly AttrSyntax[];
  readonly body: GraphSyntax;
}

export interface ModelSyntax {
  readonly header: ReadonlyMap<string, HeaderValue>;
  readonly graph: GraphSyntax;
  readonly functions: readonly FunctionSyntax[];
}

const VALUE_KEYS: readonly AnnotationKey[] = ['doc_string', 'metadata_props', 'tensor_doc_string', 'tensor_metadata_props'];
const NODE_KEYS: readonly AnnotationKey[] = ['doc_string', 'metadata_props'];
const MODEL_KEYS = ['ir_version', 'opset_import', 'producer_name', 'producer_version', 'domain', 'model_version', 'doc_string', 'metadata_props'];
const FUNCTION_KEYS = ['domain', 'opset_import', 'doc_string', 'overload', 'metadata_props'];

export function parseModelSyntax(c: Cursor): ModelSyntax {
  const header = c.isPunct('<') ? parseHeader(c, MODEL_KEYS, 'the model header') : new Map<string, HeaderValue>();
  const graph = parseGraphSyntax(c);
  const functions: FunctionSyntax[] = [];
  while (c.peek().kind !== 'eof') functions.push(parseFunctionSyntax(c));
  return { header, graph, functions };
}

/** `<key: value, …>` of a model or function. */
function parseHeader(c: Cursor, keys: readonly string[], what: string): Map<string, HeaderValue> {
  const out = new Map<string, HeaderValue>();
  c.expect('<');
  if (c.eat('>')) return out;
  do {
    const kt = c.expectId(`a key of ${what}`);
    if (!keys.includes(kt.text)) c.fail(`Unknown key '${kt.text}' in ${what}; expected one of ${keys.join(', ')}`, kt);
    if (out.has(kt.text)) c.fail(`Key '${kt.text}' appears twice in ${what}`, kt);
    c.expect(':', `after '${kt.text}'`);
    switch (kt.text) {
      case 'ir_version': case 'model_version': out.set(kt.text, parseIntToken(c, kt.text)); break;
      case 'metadata_props': out.set(kt.text, parseStringPairs(c)); break;
      case 'opset_import': out.set(kt.text, parseOpsets(c)); break;
      default: out.set(kt.text, c.expectString(kt.text));
    }
  } while (c.eat(','));
  c.expect('>', `to close ${what}`);
  return out;
}

function parseOpsets(c: Cursor): [string, bigint][] {
  const out: [string, bigint][] = [];
  c.expect('[');
  if (c.eat(']')) return out;
  do {
    const d = c.expectString('an opset domain');
    c.expect(':', 'between domain and version');
    out.push([d, parseIntToken(c, 'an opset version')]);
  } while (c.eat(','));
  c.expect(']');
  return out;
}

/** `[#@ …] name (inputs) => (outputs) [<items>] {nodes}`. */
export function parseGraphSyntax(c: Cursor): GraphSyntax {
  const ann = parseAnnotation(c, NODE_KEYS, 'a graph');
  const tok = c.peek();
  const name = c.quotableId('a graph name');
  const inputs = parseDecls(c, '(', ')', true, 'graph input');
  c.expect('=>', 'between the inputs and outputs of a graph');
  const outputs = parseDecls(c, '(', ')', false, 'graph output');
  const items = c.isPunct('<') ? parseDecls(c, '<', '>', true, 'value') : [];
  return { name, tok, ann, inputs, outputs, items, nodes: parseNodes(c) };
}

function parseDecls(c: Cursor, open: string, close: string, allowData: boolean, what: string): DeclSyntax[] {
  const out: DeclSyntax[] = [];
  c.expect(open);
  if (c.eat(close)) return out;
  do {
    const ann = parseAnnotation(c, allowData ? VALUE_KEYS : NODE_KEYS, `a ${what}`);
    const typeTok = c.peek();
    const type = nextIsType(c) ? parseType(c) : undefined;
    const tok = c.peek();
    const name = c.quotableId(`a ${what} name`);
    if (allowData && c.eat('=')) {
      if (type === undefined) c.fail(`Initializer '${name}' needs a type before its name`, tok);
      if (type.kind === 'sparse_tensor') {
        out.push({ name, tok, type, ann, sparse: parseSparseData(c, type, typeTok) });
      } else {
        const meta: TensorMeta = {
          ...(ann?.tensorDocString === undefined ? {} : { docString: ann.tensorDocString }),
          ...(ann?.tensorMetadataProps === undefined ? {} : { metadataProps: ann.tensorMetadataProps }),
        };
        out.push({ name, tok, type, ann, tensor: parseTensorData(c, type, typeTok, meta) });
      }
    } else {
      if (ann?.tensorDocString !== undefined || ann?.tensorMetadataProps !== undefined) c.fail(`tensor_* annotation keys need an initializer ('${name}' has no data)`, ann.tok);
      out.push({ name, tok, type, ann });
    }
  } while (c.eat(','));
  c.expect(close, `to close the ${what} list`);
  return out;
}

function parseNodes(c: Cursor): NodeSyntax[] {
  const out: NodeSyntax[] = [];
  c.expect('{', 'to start the node list');
  while (!c.eat('}')) {
    if (c.peek().kind === 'eof') c.fail("Expected a node or '}' but found end of input");
    out.push(parseNode(c));
  }
  return out;
}

/** A comma-separated list of names where an empty entry is an omitted value; a trailing comma is ignored (as in ONNX). */
function idList(c: Cursor, close: string): (NameRef | undefined)[] {
  const out: (NameRef | undefined)[] = [];
  if (c.isPunct(close)) return out;
  for (;;) {
    const tok = c.peek();
    if (c.isPunct(',')) out.push(undefined);
    else {
      const name = c.quotableId('a value name');
      out.push(name === '' ? undefined : { name, tok });
    }
    if (!c.eat(',') || c.isPunct(close)) break;
  }
  return out;
}

/** `[#@ …] [[name]] outputs = [domain.]Op[:overload] [<attrs>] (inputs) [<attrs>]`. */
export function parseNode(c: Cursor): NodeSyntax {
  const ann = parseAnnotation(c, NODE_KEYS, 'a node');
  const tok = c.peek();
  let name = '';
  if (c.eat('[')) {
    if (!c.isPunct(']')) name = c.quotableId('a node name');
    c.expect(']', 'to close the node name');
  }
  const outputs = idList(c, '=').map((r) => r ?? { name: '', tok });
  c.expect('=', 'after the node outputs');
  const segments = [c.quotableId('an operator name')];
  while (c.eat('.')) segments.push(c.quotableId('an operator name'));
  const opType = segments.pop()!;
  const overload = c.eat(':') ? c.quotableId('an overload name') : '';
  let attrs = c.isPunct('<') ? parseAttrList(c) : [];
  c.expect('(', `to start the inputs of ${opType}`);
  const inputs = idList(c, ')');
  c.expect(')', `to close the inputs of ${opType}`);
  if (attrs.length === 0 && c.isPunct('<')) attrs = parseAttrList(c);
  return { tok, ann, name, outputs, domain: segments.join('.'), opType, overload, attrs, inputs };
}

function parseAttrList(c: Cursor): AttrSyntax[] {
  const out: AttrSyntax[] = [];
  c.expect('<');
  do {
    const a = parseAttribute(c, parseGraphSyntax);
    if (out.some((x) => x.name === a.name)) c.fail(`Attribute '${a.name}' is given twice`, a.tok);
    out.push(a);
  } while (c.eat(','));
  c.expect('>', 'to close the attribute list');
  return out;
}

/** `[<header>] [#@ …] name [<attr params>] (inputs) => (outputs) [<value infos>] {nodes}`. */
export function parseFunctionSyntax(c: Cursor): FunctionSyntax {
  const header = c.isPunct('<') ? parseHeader(c, FUNCTION_KEYS, 'the function header') : new Map<string, HeaderValue>();
  const ann = parseAnnotation(c, NODE_KEYS, 'a function body');
  const tok = c.peek();
  if (!c.isQuotableId()) c.fail(`Expected a function (or the end of the model) but found ${describe(tok)}`, tok);
  const name = c.quotableId('a function name');
  const attrNames: string[] = [];
  const attrDefaults: AttrSyntax[] = [];
  if (c.eat('<')) {
    do {
      if (c.isQuotableId() && (c.isPunct(':', 1) || c.isPunct('=', 1))) attrDefaults.push(parseAttribute(c, parseGraphSyntax));
      else attrNames.push(c.quotableId('an attribute parameter'));
    } while (c.eat(','));
    c.expect('>', 'to close the attribute parameters');
  }
  const inputs = parseDecls(c, '(', ')', true, 'function input');
  c.expect('=>', 'between the inputs and outputs of a function');
  const outputs = parseDecls(c, '(', ')', false, 'function output');
  const items = c.isPunct('<') ? parseDecls(c, '<', '>', true, 'value') : [];
  const body: GraphSyntax = { name, tok, ann, inputs, outputs, items, nodes: parseNodes(c) };
  return { header, attrNames, attrDefaults, body };
}
