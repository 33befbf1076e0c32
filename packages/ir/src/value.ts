import type { DataType } from './data-type.js';
import type { Graph } from './graph.js';
import type { Node } from './node.js';
import { PreconditionError } from './errors.js';
import type { SparseTensor } from './sparse-tensor.js';
import type { Tensor } from './tensor.js';
import { elementDType, type Dim, type ValueType } from './value-type.js';

/** One use of a value: input slot `index` of `node` (which may sit in a subgraph). */
export class Use {
  /** @internal The value whose use list holds this entry (undefined while unlinked). */
  _list: Value | undefined = undefined;
  /** @internal Neighbours in that list (insertion order). */
  _prevUse: Use | undefined = undefined;
  /** @internal */ _nextUse: Use | undefined = undefined;

  constructor(readonly node: Node, readonly index: number) {}
}

/**
 * A named value of the graph: a graph input, an initializer, or a node output.
 * Its producer and uses are kept in sync by the only mutating methods of
 * {@link Node} and {@link Graph}; do not edit them by hand.
 */
export class Value {
  #name: string;
  /** Static type; undefined when unknown. */
  type: ValueType | undefined;
  /** The value of an initializer (or a value known to be constant). */
  constValue: Tensor | undefined;

  /** @internal */ _producer: Node | undefined;
  /** @internal */ _index = -1;
  /**
   * @internal The use list: a doubly linked list of {@link Use} entries in insertion order
   * (no container object per value; O(1) insertion and removal whatever the fan-out).
   */
  _firstUse: Use | undefined = undefined;
  /** @internal */ _lastUse: Use | undefined = undefined;
  /** @internal */ _useCount = 0;
  /**
   * @internal Scratch of one synchronous walk of the IR package (the verifier's value numbers):
   * `_pos` is meaningful only while `_mark` is that walk's own token object.
   */
  _mark: object | undefined = undefined;
  /** @internal See `_mark`. */
  _pos = 0;
  /**
   * Fields most values never set (graph interface membership, sparse data, doc string,
   * metadata), in one object made when the first of them is set: a node output of a big
   * graph carries one slot for all of them.
   */
  #rare: RareValueFields | undefined = undefined;

  constructor(name = '', type?: ValueType, constValue?: Tensor) {
    this.#name = name;
    this.type = type;
    this.constValue = constValue;
  }

  #side(): RareValueFields {
    return (this.#rare ??= new RareValueFields());
  }

  /** The value of a sparse initializer. */
  get sparseValue(): SparseTensor | undefined {
    return this.#rare?.sparseValue;
  }

  set sparseValue(s: SparseTensor | undefined) {
    if (s !== undefined || this.#rare !== undefined) this.#side().sparseValue = s;
  }

  get docString(): string | undefined {
    return this.#rare?.docString;
  }

  set docString(d: string | undefined) {
    if (d !== undefined || this.#rare !== undefined) this.#side().docString = d;
  }

  /** `ValueInfoProto.metadata_props`, when any. */
  get metadataProps(): Map<string, string> | undefined {
    return this.#rare?.metadataProps;
  }

  set metadataProps(m: Map<string, string> | undefined) {
    if (m !== undefined || this.#rare !== undefined) this.#side().metadataProps = m;
  }

  /** @internal Graph that lists this value as an input or initializer. */
  get _owner(): Graph | undefined {
    return this.#rare?.owner;
  }

  set _owner(g: Graph | undefined) {
    if (g !== undefined || this.#rare !== undefined) this.#side().owner = g;
  }

  /** @internal Number of graph-input slots holding this value. */
  get _inputSlots(): number {
    return this.#rare === undefined ? 0 : this.#rare.inputSlots;
  }

  set _inputSlots(k: number) {
    if (k !== 0 || this.#rare !== undefined) this.#side().inputSlots = k;
  }

  /** @internal Graphs whose output list holds this value (once per slot). */
  get _outputIn(): Graph[] | undefined {
    return this.#rare?.outputIn;
  }

  set _outputIn(gs: Graph[] | undefined) {
    if (gs !== undefined || this.#rare !== undefined) this.#side().outputIn = gs;
  }

  /** @internal True while listed in its owner's initializers. */
  get _initializer(): boolean {
    return this.#rare !== undefined && this.#rare.initializer;
  }

  set _initializer(b: boolean) {
    if (b || this.#rare !== undefined) this.#side().initializer = b;
  }

  /** The value's name; `''` marks an omitted optional node output. */
  get name(): string {
    return this.#name;
  }

  set name(name: string) {
    if (name === this.#name) return;
    const old = this.#name;
    this.#name = name;
    const g = this.graph();
    if (g !== undefined) {
      if (this._initializer) g._renameInitializer(this, old);
      g.names.registerValue(name);
    }
  }

  /** The node that produces this value; undefined for graph inputs and initializers. */
  producer(): Node | undefined {
    return this._producer;
  }

  /** Output slot on the producer; undefined for graph inputs and initializers. */
  index(): number | undefined {
    return this._producer === undefined ? undefined : this._index;
  }

  /** The graph where the value is defined (its producer's graph, or its owner). */
  graph(): Graph | undefined {
    return this._producer !== undefined ? this._producer.graph : this.#rare?.owner;
  }

  /** A copy of the use list, so the graph may be edited while iterating it. */
  uses(): Use[] {
    const out: Use[] = [];
    for (let u = this._firstUse; u !== undefined; u = u._nextUse) out.push(u);
    return out;
  }

  get useCount(): number {
    return this._useCount;
  }

  /** The distinct nodes that use this value, in first-use order. */
  consumers(): Node[] {
    const seen = new Set<Node>();
    for (let u = this._firstUse; u !== undefined; u = u._nextUse) seen.add(u.node);
    return [...seen];
  }

  /** @internal Appends an unlinked entry to the use list (Node keeps the lists in sync). */
  _addUse(u: Use): void {
    if (u._list !== undefined) throw new PreconditionError(`A use of '${u._list.name}' cannot be listed twice`);
    u._list = this;
    u._prevUse = this._lastUse;
    u._nextUse = undefined;
    if (this._lastUse === undefined) this._firstUse = u;
    else this._lastUse._nextUse = u;
    this._lastUse = u;
    this._useCount++;
  }

  /** @internal Removes an entry from the use list (no-op when it is not in this list). */
  _removeUse(u: Use): void {
    if (u._list !== this) return;
    const { _prevUse: prev, _nextUse: next } = u;
    if (prev === undefined) this._firstUse = next;
    else prev._nextUse = next;
    if (next === undefined) this._lastUse = prev;
    else next._prevUse = prev;
    u._list = undefined;
    u._prevUse = undefined;
    u._nextUse = undefined;
    this._useCount--;
  }

  isGraphInput(): boolean {
    const r = this.#rare;
    return r !== undefined && r.inputSlots > 0;
  }

  isGraphOutput(): boolean {
    const r = this.#rare;
    return r !== undefined && r.outputIn !== undefined && r.outputIn.length > 0;
  }

  isInitializer(): boolean {
    const r = this.#rare;
    return r !== undefined && r.initializer;
  }

  /** Tensor element type (looking through sequence/optional); undefined when unknown. */
  get dtype(): DataType | undefined {
    return elementDType(this.type);
  }

  /** Tensor shape; undefined when unknown or not a tensor. */
  get shape(): readonly Dim[] | undefined {
    const t = this.type;
    return t !== undefined && (t.kind === 'tensor' || t.kind === 'sparse_tensor') ? t.shape : undefined;
  }

  /**
   * Makes every use of this value use `other`.
   * Graph outputs move too only with `replaceGraphOutputs: true`; otherwise a value that is a
   * graph output is an error, because the graph interface would silently change.
   */
  replaceAllUsesWith(other: Value, options: { replaceGraphOutputs?: boolean } = {}): void {
    if (other === this) return;
    if (this.isGraphOutput()) {
      if (options.replaceGraphOutputs !== true) {
        throw new PreconditionError(`Value '${this.name}' is a graph output; set replaceGraphOutputs: true to replace it there too`);
      }
      for (const g of [...this._outputIn!]) g._replaceOutputValue(this, other);
    }
    for (const u of this.uses()) u.node.replaceInput(u.index, other);
  }

  toString(): string {
    return `%${this.name}`;
  }
}

/** The fields of a {@link Value} that most values never set (see `Value.#rare`). */
class RareValueFields {
  sparseValue: SparseTensor | undefined = undefined;
  docString: string | undefined = undefined;
  metadataProps: Map<string, string> | undefined = undefined;
  owner: Graph | undefined = undefined;
  inputSlots = 0;
  outputIn: Graph[] | undefined = undefined;
  initializer = false;
}
