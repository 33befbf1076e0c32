import { PreconditionError } from './errors.js';
import { NameAuthority } from './name-authority.js';
import type { Node } from './node.js';
import { NodeCursor } from './node-cursor.js';
import { topologicalOrder } from './topo-sort.js';
import type { Value } from './value.js';
import type { ValueType } from './value-type.js';

/** A `value_info` entry whose name matches no value of its graph, kept for lossless round trips. */
export interface ValueInfo {
  readonly name: string;
  readonly type: ValueType | undefined;
  readonly docString?: string;
  readonly metadataProps?: readonly (readonly [string, string])[];
}

/**
 * A computation graph: inputs, outputs, initializers and a doubly linked list of nodes.
 * Iterating the graph while inserting or removing nodes is safe: removed nodes are skipped,
 * nodes inserted after the current one are visited.
 */
export class Graph implements Iterable<Node> {
  name: string;
  docString: string | undefined;
  readonly metadataProps = new Map<string, string>();
  /** `value_info` entries naming no value of this graph. */
  readonly valueInfoExtras: ValueInfo[] = [];
  /** Fields of the file format this IR does not model (e.g. quantization annotations). */
  extras: Readonly<Record<string, unknown>> | undefined;

  readonly #inputs: Value[] = [];
  readonly #outputs: Value[] = [];
  readonly #initializers = new Map<string, Value>();
  readonly #sparse = new Map<string, Value>();
  #first: Node | undefined;
  #last: Node | undefined;
  #size = 0;
  #parent: Node | undefined;
  readonly #authority: NameAuthority = new NameAuthority(this);
  /**
   * @internal True while the node order is known to be topological: set by `topologicalOrder`
   * when it finds the graph sorted (and by {@link sortTopologically}), cleared by every edit
   * that may break it (see {@link _orderMayChange}).
   */
  _sorted = false;
  /** @internal Number of this graph's nodes that have a graph attribute (`hasSubgraphs()`). */
  _holders = 0;

  constructor(name = '') {
    this.name = name;
  }

  /** The node whose attribute holds this graph (If/Loop/Scan); undefined for a top graph. */
  get parentNode(): Node | undefined {
    return this.#parent;
  }

  /** @internal */
  _setParent(n: Node | undefined): void {
    if (n !== undefined && this.#parent !== undefined && this.#parent !== n) {
      throw new PreconditionError(`Graph '${this.name}' is already a subgraph of ${this.#parent.toString()}`);
    }
    this.#parent = n;
  }

  /**
   * @internal Forgets that this graph and its enclosing graphs are sorted: called when a node
   * is inserted or moved here, or an input of a node here starts reading a node output, or a
   * node here gets a subgraph (an enclosing graph's order depends on its subgraphs' captures).
   */
  _orderMayChange(): void {
    for (let g: Graph | undefined = this; g !== undefined; g = g.#parent?._graph) g._sorted = false;
  }

  /** The graph containing the parent node, if any. */
  get parentGraph(): Graph | undefined {
    return this.#parent?.graph;
  }

  /** The top graph of this graph tree. */
  get root(): Graph {
    let g: Graph = this;
    for (let p = g.parentGraph; p !== undefined; p = g.parentGraph) g = p;
    return g;
  }

  /** The name authority of the whole graph tree (owned by the root graph). */
  get names(): NameAuthority {
    const r = this.root;
    return r === this ? this.#authority : r.names;
  }

  // ---- interface: inputs, outputs, initializers ----

  get inputs(): readonly Value[] {
    return this.#inputs;
  }

  get outputs(): readonly Value[] {
    return this.#outputs;
  }

  /** Initializers by name, in file order. */
  get initializers(): ReadonlyMap<string, Value> {
    return this.#initializers;
  }

  get sparseInitializers(): ReadonlyMap<string, Value> {
    return this.#sparse;
  }

  /** Adds a graph input (at `index`, default the end). */
  addInput(v: Value, index = this.#inputs.length): void {
    this.#own(v, 'an input');
    this.#inputs.splice(index, 0, v);
    v._inputSlots++;
    this.names.registerValue(v.name);
  }

  /** Removes a graph input (the value keeps its uses; remove them first). */
  removeInput(v: Value): void {
    const i = this.#inputs.indexOf(v);
    if (i < 0) throw new PreconditionError(`Value '${v.name}' is not an input of graph '${this.name}'`);
    this.#inputs.splice(i, 1);
    v._inputSlots--;
    this.#disown(v);
  }

  addOutput(v: Value, index = this.#outputs.length): void {
    this.#outputs.splice(index, 0, v);
    (v._outputIn ??= []).push(this);
  }

  setOutput(index: number, v: Value): void {
    const old = this.#outputs[index];
    if (old === undefined) throw new PreconditionError(`Graph '${this.name}' has no output ${index}`);
    if (old === v) return;
    old._outputIn!.splice(old._outputIn!.indexOf(this), 1);
    this.#outputs[index] = v;
    (v._outputIn ??= []).push(this);
  }

  removeOutput(index: number): void {
    const old = this.#outputs[index];
    if (old === undefined) throw new PreconditionError(`Graph '${this.name}' has no output ${index}`);
    this.#outputs.splice(index, 1);
    old._outputIn!.splice(old._outputIn!.indexOf(this), 1);
  }

  /** @internal Replaces every output slot holding `old` with `v`. */
  _replaceOutputValue(old: Value, v: Value): void {
    for (let i = 0; i < this.#outputs.length; i++) if (this.#outputs[i] === old) this.setOutput(i, v);
  }

  /** Adds an initializer; the value must carry its tensor in `constValue`. */
  addInitializer(v: Value): void {
    if (v.constValue === undefined) throw new PreconditionError(`Initializer '${v.name}' has no constValue`);
    if (this.#initializers.has(v.name)) throw new PreconditionError(`Graph '${this.name}' already has an initializer '${v.name}'`);
    this.#own(v, 'an initializer');
    v._initializer = true;
    this.#initializers.set(v.name, v);
    this.names.registerValue(v.name);
  }

  /** Removes an initializer that has no uses (or that is also a graph input, IR < 4). */
  removeInitializer(v: Value): void {
    if (this.#initializers.get(v.name) !== v) throw new PreconditionError(`Value '${v.name}' is not an initializer of graph '${this.name}'`);
    if (v.useCount > 0 && !v.isGraphInput()) {
      throw new PreconditionError(`Initializer '${v.name}' still has ${v.useCount} use(s); replace them before removing it`);
    }
    this.#initializers.delete(v.name);
    v._initializer = false;
    this.#disown(v);
  }

  /** Adds a sparse initializer; the value must carry `sparseValue`. */
  addSparseInitializer(v: Value): void {
    if (v.sparseValue === undefined) throw new PreconditionError(`Sparse initializer '${v.name}' has no sparseValue`);
    this.#own(v, 'a sparse initializer');
    this.#sparse.set(v.name, v);
    this.names.registerValue(v.name);
  }

  removeSparseInitializer(v: Value): void {
    if (this.#sparse.get(v.name) !== v) throw new PreconditionError(`Value '${v.name}' is not a sparse initializer of graph '${this.name}'`);
    this.#sparse.delete(v.name);
    this.#disown(v);
  }

  /** @internal Keeps the initializer map keyed by the current name (order kept). */
  _renameInitializer(v: Value, oldName: string): void {
    for (const map of [this.#initializers, this.#sparse]) {
      if (map.get(oldName) !== v) continue;
      const entries = [...map.entries()].map(([k, x]): [string, Value] => (k === oldName ? [v.name, x] : [k, x]));
      map.clear();
      for (const [k, x] of entries) map.set(k, x);
    }
  }

  #own(v: Value, what: string): void {
    if (v.producer() !== undefined) throw new PreconditionError(`Value '${v.name}' is produced by ${v.producer()!.toString()} and cannot be ${what}`);
    if (v._owner !== undefined && v._owner !== this) throw new PreconditionError(`Value '${v.name}' belongs to another graph and cannot be ${what}`);
    v._owner = this;
  }

  #disown(v: Value): void {
    if (v._inputSlots === 0 && !v._initializer && !this.#sparse.has(v.name)) v._owner = undefined;
  }

  // ---- nodes ----

  /** Number of nodes (not counting subgraphs). */
  get size(): number {
    return this.#size;
  }

  get first(): Node | undefined {
    return this.#first;
  }

  /** True when some node of this graph (not counting deeper levels) has a graph attribute; no walk. */
  hasSubgraphNodes(): boolean {
    return this._holders > 0;
  }

  get last(): Node | undefined {
    return this.#last;
  }

  [Symbol.iterator](): IterableIterator<Node> {
    return new NodeCursor(this);
  }

  /** A snapshot of the nodes, in order. */
  nodes(): Node[] {
    const out = new Array<Node>(this.#size);
    let i = 0;
    for (let n = this.#first; n !== undefined; n = n._next) out[i++] = n;
    return out;
  }

  append(nodes: Node | readonly Node[]): void {
    if (!Array.isArray(nodes)) {
      this.#link(nodes as Node, this.#last, undefined);
      return;
    }
    const arr = nodes as readonly Node[];
    for (let i = 0; i < arr.length; i++) this.#link(arr[i]!, this.#last, undefined);
  }

  prepend(nodes: Node | readonly Node[]): void {
    const arr = toArray(nodes);
    for (let i = arr.length - 1; i >= 0; i--) this.#link(arr[i]!, undefined, this.#first);
  }

  insertBefore(at: Node, nodes: Node | readonly Node[]): void {
    this.#checkMember(at);
    if (!Array.isArray(nodes)) {
      this.#link(nodes as Node, at._prev, at);
      return;
    }
    const arr = nodes as readonly Node[];
    for (let i = 0; i < arr.length; i++) this.#link(arr[i]!, at._prev, at);
  }

  insertAfter(at: Node, nodes: Node | readonly Node[]): void {
    this.#checkMember(at);
    if (!Array.isArray(nodes)) {
      this.#link(nodes as Node, at, at._next);
      return;
    }
    let prev = at;
    for (const n of nodes as readonly Node[]) {
      this.#link(n, prev, prev._next);
      prev = n;
    }
  }

  /** Moves a node of this graph to just before `at`, keeping its uses. */
  moveBefore(n: Node, at: Node): void {
    this.#checkMember(n);
    this.#checkMember(at);
    if (n === at) return;
    this.#unlink(n);
    this.#link(n, at._prev, at);
  }

  /** Moves a node of this graph to just after `at`, keeping its uses. */
  moveAfter(n: Node, at: Node): void {
    this.#checkMember(n);
    this.#checkMember(at);
    if (n === at) return;
    this.#unlink(n);
    this.#link(n, at, at._next);
  }

  /**
   * Removes nodes, all or nothing. Their input uses (and those of their subgraphs) are dropped.
   * With `safe: true` it first checks that no output is a graph output or used by a node
   * that stays, and throws otherwise.
   */
  remove(nodes: Node | readonly Node[], options: { safe?: boolean } = {}): void {
    if (options.safe !== true && !Array.isArray(nodes)) {
      const n = nodes as Node;
      this.#checkMember(n);
      n.detach();
      this.#unlink(n);
      return;
    }
    const set = new Set(toArray(nodes));
    for (const n of set) this.#checkMember(n);
    if (options.safe === true) {
      for (const n of set) {
        for (const o of n.outputs) {
          if (o.isGraphOutput()) throw new PreconditionError(`Cannot remove ${n.toString()}: its output '${o.name}' is a graph output`);
          for (const u of o.uses()) {
            if (!withinAny(u.node, set)) throw new PreconditionError(`Cannot remove ${n.toString()}: its output '${o.name}' is used by ${u.node.toString()}`);
          }
        }
      }
    }
    for (const n of set) {
      n.detach();
      this.#unlink(n);
    }
  }

  /**
   * Reorders the nodes so that every value is defined before use (subgraph captures count),
   * keeping the current order wherever the dependencies allow. Throws {@link GraphCycleError}.
   */
  sortTopologically(): void {
    const order = topologicalOrder(this);
    this._sorted = true;
    // Already in that order (the common case): nothing to relink.
    let same = order.length === this.#size;
    let k = 0;
    for (let n = this.#first; same && n !== undefined; n = n._next) same = order[k++] === n;
    if (same) return;
    this.#first = undefined;
    this.#last = undefined;
    for (const n of order) {
      n._prev = this.#last;
      n._next = undefined;
      if (this.#last === undefined) this.#first = n;
      else this.#last._next = n;
      this.#last = n;
    }
  }

  #checkMember(n: Node): void {
    if (n._graph !== this) throw new PreconditionError(`${n.toString()} is not a node of graph '${this.name}'`);
  }

  #link(n: Node, prev: Node | undefined, next: Node | undefined): void {
    if (n._graph !== undefined) {
      throw new PreconditionError(n._graph === this ? `${n.toString()} is already in this graph` : `${n.toString()} already belongs to another graph`);
    }
    n._graph = this;
    n._prev = prev;
    n._next = next;
    if (prev === undefined) this.#first = n;
    else prev._next = n;
    if (next === undefined) this.#last = n;
    else next._prev = n;
    this.#size++;
    if (n.hasSubgraphs()) this._holders++;
    this._orderMayChange();
    this.names.registerNodeTree(n);
  }

  /** Unlinks a node; its `_next` is kept so that an iterator standing on it can go on. */
  #unlink(n: Node): void {
    const { _prev: prev, _next: next } = n;
    if (prev === undefined) this.#first = next;
    else prev._next = next;
    if (next === undefined) this.#last = prev;
    else next._prev = prev;
    this.#size--;
    if (n.hasSubgraphs()) this._holders--;
    n._graph = undefined;
  }
}

function toArray(nodes: Node | readonly Node[]): readonly Node[] {
  return Array.isArray(nodes) ? nodes : [nodes as Node];
}

/** True when `n` is one of `set` or sits in a subgraph of one of them. */
function withinAny(n: Node, set: ReadonlySet<Node>): boolean {
  for (let cur: Node | undefined = n; cur !== undefined; cur = cur.graph?.parentNode) if (set.has(cur)) return true;
  return false;
}
