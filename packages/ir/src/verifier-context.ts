/** The graph tree as the verifier sees it: paths, node positions, definition sites, findings. */
import type { Diagnostic } from './diagnostic.js';
import type { Graph } from './graph.js';
import type { Node } from './node.js';
import type { Value } from './value.js';

/** Options of `verify`. */
export interface VerifyOptions {
  /** Also read lazy tensors and check their actual data length (default false: declared size only). */
  readonly checkTensorData?: boolean;
  /** Check inside If/Loop/Scan bodies (default true). */
  readonly subgraphs?: boolean;
  /** Check the bodies of model-local functions (default true). */
  readonly functions?: boolean;
}

export interface GraphInfo {
  readonly graph: Graph;
  /** `main`, `main/if_1.then_branch`, `main/loop#3.body[0]`, `function local.foo`. */
  readonly path: string;
  readonly parent: GraphInfo | undefined;
  /** The node whose attribute holds this graph (as walked, whatever the graph's own back-pointer says). */
  readonly holder: Node | undefined;
  /** Whether its own contents are checked (false inside subgraphs with `subgraphs: false`). */
  readonly checked: boolean;
}

/** A label for messages: `'conv1' (Conv)` or `Conv #3 (unnamed)`. */
export function nodeLabel(n: Node, index: number | undefined): string {
  return n.name !== '' ? `'${n.name}' (${n.domain === '' ? '' : `${n.domain}.`}${n.opType})` : `${n.opType} #${index ?? '?'} (unnamed)`;
}

/**
 * One tree: a main graph or a function body, with its subgraphs. Node positions and value
 * numbers live in the objects' scratch fields under this tree's tokens (no map per node or
 * value); a tree is built and checked before the next one is built.
 */
export class Tree {
  readonly graphs: GraphInfo[] = [];
  readonly infoOf = new Map<Graph, GraphInfo>();
  readonly out: Diagnostic[] = [];
  /** Where {@link report} puts findings (`out`, or a list appended to it later to keep the order). */
  sink: Diagnostic[] = this.out;
  /** Marks nodes walked in this tree (`_pos`: the index in their graph, last walk wins). */
  readonly #nodeTok = {};
  /** Marks values numbered in this tree (`_pos`: the number). */
  readonly #valueTok = {};
  /** Values by number. */
  readonly values: Value[] = [];
  /** By value number: position of the definition in its graph (-1: input or initializer). */
  readonly #defPos: number[] = [];
  /** By value number: the graph where it is listed as defined (first site, in walk order). */
  readonly #defGraph: (GraphInfo | undefined)[] = [];
  /** By value number: the state of its use list (see `UseLists`; 0 = not looked at yet). */
  readonly useState: number[] = [];

  constructor(root: Graph, rootPath: string, subgraphs: boolean) {
    this.#add(root, rootPath, undefined, undefined, true, subgraphs);
  }

  /** The number of `v` in this tree, given on first request (dense: 0, 1, 2, …). */
  valueId(v: Value): number {
    if (v._mark === this.#valueTok) return v._pos;
    const id = this.values.length;
    v._mark = this.#valueTok;
    v._pos = id;
    this.values.push(v);
    this.#defPos.push(0);
    this.#defGraph.push(undefined);
    this.useState.push(0);
    return id;
  }

  /** Whether `v` has a number yet (was defined or read in the walked part). */
  numbered(v: Value): boolean {
    return v._mark === this.#valueTok;
  }

  /** The node's index in its graph, or undefined for a node outside this tree. */
  nodeIndex(n: Node): number | undefined {
    return n._mark === this.#nodeTok ? n._pos : undefined;
  }

  hasNode(n: Node): boolean {
    return n._mark === this.#nodeTok;
  }

  /** The graph where `v` is first listed as defined, if any. */
  defGraph(v: Value): GraphInfo | undefined {
    return v._mark === this.#valueTok ? this.#defGraph[v._pos] : undefined;
  }

  /** Position of `v`'s first definition (-1: input or initializer); only for defined values. */
  defPos(v: Value): number {
    return this.#defPos[v._pos]!;
  }

  #define(v: Value, pos: number, info: GraphInfo): void {
    const id = this.valueId(v);
    if (this.#defGraph[id] !== undefined) return;
    this.#defPos[id] = pos;
    this.#defGraph[id] = info;
  }

  #add(g: Graph, path: string, parent: GraphInfo | undefined, holder: Node | undefined, checked: boolean, subgraphs: boolean): void {
    if (this.infoOf.has(g)) return; // a graph object reachable twice: walked once
    const info: GraphInfo = { graph: g, path, parent, holder, checked };
    this.graphs.push(info);
    this.infoOf.set(g, info);
    const ins = g.inputs;
    for (let k = 0; k < ins.length; k++) this.#define(ins[k]!, -1, info);
    for (const v of g.initializers.values()) this.#define(v, -1, info);
    for (const v of g.sparseInitializers.values()) this.#define(v, -1, info);
    const tok = this.#nodeTok;
    let i = 0;
    for (let n = g.first; n !== undefined; n = n._next) {
      n._mark = tok;
      n._pos = i;
      const outs = n.outputs;
      for (let j = 0; j < outs.length; j++) this.#define(outs[j]!, i, info);
      if (n.hasSubgraphs()) {
        const label = n.name !== '' ? n.name : `${n.opType}#${i}`;
        for (const [k, a] of n.attributes) {
          if (a.type === 'GRAPH') this.#add(a.value, `${path}/${label}.${k}`, info, n, checked && subgraphs, subgraphs);
          if (a.type === 'GRAPHS') a.value.forEach((sg, j) => this.#add(sg, `${path}/${label}.${k}[${j}]`, info, n, checked && subgraphs, subgraphs));
        }
      }
      i++;
    }
  }

  report(code: string, message: string, where: { graph?: GraphInfo; node?: Node; value?: Value | string } = {}): void {
    const value = typeof where.value === 'string' ? where.value : where.value?.name;
    this.sink.push({
      severity: 'error', code, message,
      ...(where.graph === undefined ? {} : { graph: where.graph.path }),
      ...(where.node === undefined ? {} : { node: where.node.name !== '' ? where.node.name : nodeLabel(where.node, this.nodeIndex(where.node)) }),
      ...(value === undefined ? {} : { value }),
    });
  }

  label(n: Node): string {
    return nodeLabel(n, this.nodeIndex(n));
  }
}
