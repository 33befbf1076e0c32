import type { DataType } from './data-type.js';
import type { Graph } from './graph.js';
import type { Node } from './node.js';
import { PreconditionError } from './errors.js';
import type { SparseTensor } from './sparse-tensor.js';
import type { Tensor } from './tensor.js';
import { elementDType, type Dim, type ValueType } from './value-type.js';

/** One use of a value: input slot `index` of `node` (which may sit in a subgraph). */
export class Use {
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
  /** The value of a sparse initializer. */
  sparseValue: SparseTensor | undefined;
  docString: string | undefined;
  /** `ValueInfoProto.metadata_props`, when any. */
  metadataProps: Map<string, string> | undefined;

  /** @internal */ _producer: Node | undefined;
  /** @internal */ _index = -1;
  /** @internal */ readonly _uses = new Set<Use>();
  /** @internal Graph that lists this value as an input or initializer. */
  _owner: Graph | undefined;
  /** @internal Number of graph-input slots holding this value. */
  _inputSlots = 0;
  /** @internal Graphs whose output list holds this value (once per slot). */
  _outputIn: Graph[] | undefined;
  /** @internal True while listed in its owner's initializers. */
  _initializer = false;

  constructor(name = '', type?: ValueType, constValue?: Tensor) {
    this.#name = name;
    this.type = type;
    this.constValue = constValue;
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
    return this._producer !== undefined ? this._producer.graph : this._owner;
  }

  /** A copy of the use list, so the graph may be edited while iterating it. */
  uses(): Use[] {
    return [...this._uses];
  }

  get useCount(): number {
    return this._uses.size;
  }

  /** The distinct nodes that use this value, in first-use order. */
  consumers(): Node[] {
    const seen = new Set<Node>();
    for (const u of this._uses) seen.add(u.node);
    return [...seen];
  }

  isGraphInput(): boolean {
    return this._inputSlots > 0;
  }

  isGraphOutput(): boolean {
    return this._outputIn !== undefined && this._outputIn.length > 0;
  }

  isInitializer(): boolean {
    return this._initializer;
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
