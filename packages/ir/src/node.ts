import { attrGraphs, type Attr, type AttrInt } from './attr.js';
import { readFloat, readInt, readInts, readString, readStrings } from './attr-read.js';
import { NO_ATTRIBUTES } from './empty-attributes.js';
import { PreconditionError } from './errors.js';
import type { Graph } from './graph.js';
import type { Tensor } from './tensor.js';
import type { NodeInit } from './node-init.js';
import { Use, Value } from './value.js';

export type { NodeInit } from './node-init.js';

/**
 * An operator application. Inputs change only through {@link replaceInput} and friends,
 * which keep the use lists of the values in sync; outputs are created with the node.
 * A node becomes part of a graph through `Graph.append`/`insertBefore`/`insertAfter`.
 */
export class Node {
  domain: string;
  opType: string;
  name: string;
  overload: string;

  readonly #inputs: (Value | undefined)[];
  readonly #uses: (Use | undefined)[];
  readonly #outputs: Value[];
  /** Created by the first attribute (most nodes of a big graph have none). */
  #attributes: Map<string, Attr> | undefined;
  /**
   * Created on first access of {@link metadataProps} (almost no node has metadata). Its own
   * field, not in `#rare`: readers that do not test {@link hasMetadata} first make a map per
   * node, and should not make a side object too.
   */
  #metadata: Map<string, string> | undefined;
  /** Fields most nodes never set (doc string, unmodelled file fields), made when the first is set. */
  #rare: RareNodeFields | undefined;
  /** Number of GRAPH/GRAPHS attributes, so that nodes without subgraphs are skipped cheaply. */
  #graphAttrs = 0;

  /** @internal */ _graph: Graph | undefined;
  /** @internal */ _prev: Node | undefined;
  /** @internal */ _next: Node | undefined;
  /**
   * @internal Scratch of one synchronous walk of the IR package (topological order, verifier):
   * `_pos` is meaningful only while `_mark` is that walk's own token object, so a stale value
   * left by an earlier walk is never read as current.
   */
  _mark: object | undefined = undefined;
  /** @internal See `_mark`. */
  _pos = 0;

  constructor(init: NodeInit) {
    this.opType = init.opType;
    this.domain = init.domain === 'ai.onnx' ? '' : (init.domain ?? '');
    this.name = init.name ?? '';
    this.overload = init.overload ?? '';
    this.#rare = undefined;
    if (init.docString !== undefined) this.#side().docString = init.docString;
    const meta = init.metadataProps;
    this.#metadata = undefined;
    if (meta !== undefined) {
      const m = new Map(meta);
      if (m.size > 0) this.#metadata = m;
    }
    this.#attributes = undefined;
    const attrs = init.attributes;
    if (attrs !== undefined) {
      const entries = Symbol.iterator in attrs ? (attrs as Iterable<readonly [string, Attr]>) : Object.entries(attrs);
      for (const [k, a] of entries) this.setAttr(k, a);
    }
    // Input and output lists of their final length (a list grown by push reserves 17 slots).
    const ins = init.inputs;
    const ni = ins === undefined ? 0 : ins.length;
    this.#inputs = new Array<Value | undefined>(ni);
    this.#uses = new Array<Use | undefined>(ni);
    for (let i = 0; i < ni; i++) {
      const v = ins![i];
      this.#inputs[i] = v;
      if (v === undefined) {
        this.#uses[i] = undefined;
      } else {
        const u = new Use(this, i);
        v._addUse(u);
        this.#uses[i] = u;
      }
    }
    const outs = init.outputs;
    const no = outs === undefined ? 0 : outs.length;
    this.#outputs = new Array<Value>(no);
    for (let i = 0; i < no; i++) this.#outputs[i] = this.#adopt(outs![i]!, i);
  }

  /** Makes a fresh value (or a new one named `output`) output `index` of this node. */
  #adopt(output: Value | string, index: number): Value {
    const v = typeof output === 'string' ? new Value(output) : output;
    if (v._producer !== undefined || v._owner !== undefined) {
      throw new PreconditionError(`Value '${v.name}' is already defined elsewhere; a node output must be a fresh value`);
    }
    v._producer = this;
    v._index = index;
    return v;
  }

  /** The graph holding this node; undefined once removed (or before insertion). */
  get graph(): Graph | undefined {
    return this._graph;
  }

  /** The next node in the graph's order. */
  get next(): Node | undefined {
    return this._graph === undefined ? undefined : this._next;
  }

  /** The previous node in the graph's order. */
  get prev(): Node | undefined {
    return this._graph === undefined ? undefined : this._prev;
  }

  /** Input values; `undefined` marks an omitted optional input. Do not mutate. */
  get inputs(): readonly (Value | undefined)[] {
    return this.#inputs;
  }

  /** Output values; a value named `''` is an omitted optional output. Do not mutate. */
  get outputs(): readonly Value[] {
    return this.#outputs;
  }

  /**
   * `NodeProto.metadata_props` (mixprec writes `mixprec.accumulation` here). The map is created
   * on first access; readers that only look should test {@link hasMetadata} or
   * use {@link metadataOrUndefined}, so that nodes without metadata never get a map.
   */
  get metadataProps(): Map<string, string> {
    return (this.#metadata ??= new Map());
  }

  /** True when the node has at least one metadata entry (no allocation). */
  hasMetadata(): boolean {
    const m = this.#metadata;
    return m !== undefined && m.size > 0;
  }

  /** The metadata entries when there are any, else undefined (no allocation). */
  metadataOrUndefined(): ReadonlyMap<string, string> | undefined {
    const m = this.#metadata;
    return m !== undefined && m.size > 0 ? m : undefined;
  }

  get docString(): string | undefined {
    return this.#rare?.docString;
  }

  set docString(d: string | undefined) {
    if (d !== undefined || this.#rare !== undefined) this.#side().docString = d;
  }

  /** Fields of the file format this IR does not model, kept for lossless round trips. */
  get extras(): Readonly<Record<string, unknown>> | undefined {
    return this.#rare?.extras;
  }

  set extras(x: Readonly<Record<string, unknown>> | undefined) {
    if (x !== undefined || this.#rare !== undefined) this.#side().extras = x;
  }

  #side(): RareNodeFields {
    return (this.#rare ??= new RareNodeFields());
  }

  /** Attributes by name. Change them with {@link setAttr} / {@link removeAttr}. */
  get attributes(): ReadonlyMap<string, Attr> {
    return this.#attributes ?? NO_ATTRIBUTES;
  }

  /** Sets input slot `index` (which must exist) to `value`, updating use lists. */
  replaceInput(index: number, value: Value | undefined): void {
    if (index < 0 || index >= this.#inputs.length) {
      throw new PreconditionError(`Node '${this.name}' (${this.opType}) has no input slot ${index}`);
    }
    const old = this.#inputs[index];
    if (old === value) return;
    const oldUse = this.#uses[index];
    if (old !== undefined && oldUse !== undefined) old._removeUse(oldUse);
    this.#inputs[index] = value;
    if (value === undefined) {
      this.#uses[index] = undefined;
    } else {
      const u = new Use(this, index);
      value._addUse(u);
      this.#uses[index] = u;
      if (value._producer !== undefined && this._graph !== undefined) this._graph._orderMayChange();
    }
  }

  /** Adds an input slot at the end. */
  appendInput(value: Value | undefined): void {
    this.#inputs.push(undefined);
    this.#uses.push(undefined);
    this.replaceInput(this.#inputs.length - 1, value);
  }

  /** Replaces the whole input list (for variadic ops), updating use lists. */
  setInputs(values: readonly (Value | undefined)[]): void {
    for (let i = 0; i < this.#inputs.length; i++) this.replaceInput(i, undefined);
    this.#inputs.length = 0;
    this.#uses.length = 0;
    for (const v of values) this.appendInput(v);
  }

  /** Drops trailing omitted inputs (`""` at the end of an ONNX input list). */
  trimOptionalInputs(): void {
    while (this.#inputs.length > 0 && this.#inputs[this.#inputs.length - 1] === undefined) {
      this.#inputs.pop();
      this.#uses.pop();
    }
  }

  /** Adds an output (a fresh value or a name) and returns it. */
  appendOutput(output: Value | string): Value {
    const v = this.#adopt(output, this.#outputs.length);
    this.#outputs.push(v);
    if (this._graph !== undefined && v.name !== '') this._graph.names.registerValue(v.name);
    return v;
  }

  /** Removes input uses of this node and of every node in its subgraphs (the node is dead). */
  detach(): void {
    for (let i = 0; i < this.#inputs.length; i++) this.replaceInput(i, undefined);
    if (this.#graphAttrs > 0) for (const g of this.subgraphs()) for (const n of g) n.detach();
  }

  /** Sets an attribute; graph-valued attributes become subgraphs of this node. */
  setAttr(name: string, a: Attr): void {
    const map = (this.#attributes ??= new Map());
    const old = map.get(name);
    const held = this.#graphAttrs > 0;
    if (old !== undefined && isGraphAttr(old)) {
      for (const g of attrGraphs(old)) g._setParent(undefined);
      this.#graphAttrs--;
    }
    const graphAttr = isGraphAttr(a);
    if (graphAttr) for (const g of attrGraphs(a)) g._setParent(this);
    map.set(name, a);
    if (graphAttr) this.#graphAttrs++;
    this.#holderChanged(held);
    if (graphAttr) {
      if (this._graph !== undefined) this._graph._orderMayChange();
      if (this._graph !== undefined && attrGraphs(a).length > 0) this._graph.names.registerSubgraphs(this);
    }
  }

  /** Keeps the graph's count of nodes with subgraphs in step (`held`: whether this node had any before). */
  #holderChanged(held: boolean): void {
    const holds = this.#graphAttrs > 0;
    if (holds !== held && this._graph !== undefined) this._graph._holders += holds ? 1 : -1;
  }

  removeAttr(name: string): void {
    const old = this.#attributes?.get(name);
    if (old === undefined) return;
    if (isGraphAttr(old)) for (const g of attrGraphs(old)) g._setParent(undefined);
    const held = this.#graphAttrs > 0;
    if (isGraphAttr(old)) this.#graphAttrs--;
    this.#holderChanged(held);
    this.#attributes!.delete(name);
  }

  /** True when the node has a graph-valued attribute (cheap; no allocation). */
  hasSubgraphs(): boolean {
    return this.#graphAttrs > 0;
  }

  /** Graph-valued attributes (If branches, Loop/Scan bodies), in attribute order. */
  subgraphs(): Graph[] {
    const out: Graph[] = [];
    if (this.#graphAttrs === 0) return out;
    for (const a of this.#attributes!.values()) out.push(...attrGraphs(a));
    return out;
  }

  /** @internal The use-list entry this node registered for input slot `index`. */
  _useAt(index: number): Use | undefined {
    return this.#uses[index];
  }

  getInt(name: string): number | undefined;
  getInt(name: string, fallback: number): number;
  getInt(name: string, fallback?: number): number | undefined {
    return readInt(this.#attributes?.get(name), fallback);
  }

  getFloat(name: string): number | undefined;
  getFloat(name: string, fallback: number): number;
  getFloat(name: string, fallback?: number): number | undefined {
    return readFloat(this.#attributes?.get(name), fallback);
  }

  getString(name: string): string | undefined;
  getString(name: string, fallback: string): string;
  getString(name: string, fallback?: string): string | undefined {
    return readString(this.#attributes?.get(name), fallback);
  }

  getInts(name: string): number[] | undefined {
    return readInts(this.#attributes?.get(name));
  }

  /** INTS as exact values (bigints where needed). */
  getIntsExact(name: string): readonly AttrInt[] | undefined {
    const a = this.#attributes?.get(name);
    return a?.type === 'INTS' ? a.value : undefined;
  }

  getFloats(name: string): readonly number[] | undefined {
    const a = this.#attributes?.get(name);
    return a?.type === 'FLOATS' ? a.value : undefined;
  }

  getStrings(name: string): string[] | undefined {
    return readStrings(this.#attributes?.get(name));
  }

  getTensor(name: string): Tensor | undefined {
    const a = this.#attributes?.get(name);
    return a?.type === 'TENSOR' ? a.value : undefined;
  }

  getGraph(name: string): Graph | undefined {
    const a = this.#attributes?.get(name);
    return a?.type === 'GRAPH' ? a.value : undefined;
  }

  /** `domain::opType`, e.g. `::Conv` or `com.microsoft::FusedMatMul`. */
  get qualifiedOpType(): string {
    return `${this.domain}::${this.opType}`;
  }

  /** For messages: `Conv 'conv1'` (or the first output's name when unnamed). */
  toString(): string {
    const label = this.name !== '' ? this.name : `<unnamed, output '${this.#outputs[0]?.name ?? ''}'>`;
    return `${this.domain === '' ? '' : `${this.domain}.`}${this.opType} '${label}'`;
  }
}

/** The fields of a {@link Node} that most nodes never set (see `Node.#rare`). */
class RareNodeFields {
  docString: string | undefined = undefined;
  extras: Readonly<Record<string, unknown>> | undefined = undefined;
}

function isGraphAttr(a: Attr): boolean {
  return a.type === 'GRAPH' || a.type === 'GRAPHS';
}
