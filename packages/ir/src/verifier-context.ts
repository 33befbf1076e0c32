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

/** One tree: a main graph or a function body, with its subgraphs. */
export class Tree {
  readonly graphs: GraphInfo[] = [];
  readonly infoOf = new Map<Graph, GraphInfo>();
  readonly nodeIndex = new Map<Node, number>();
  /** Position of each defined value in its graph: -1 for inputs and initializers, else the node index. */
  readonly defPos = new Map<Value, number>();
  /** The graph where each value is listed as defined (first site, in walk order). */
  readonly defGraph = new Map<Value, GraphInfo>();
  readonly out: Diagnostic[] = [];

  constructor(root: Graph, rootPath: string, subgraphs: boolean) {
    this.#add(root, rootPath, undefined, undefined, true, subgraphs);
  }

  #add(g: Graph, path: string, parent: GraphInfo | undefined, holder: Node | undefined, checked: boolean, subgraphs: boolean): void {
    if (this.infoOf.has(g)) return; // a graph object reachable twice: walked once
    const info: GraphInfo = { graph: g, path, parent, holder, checked };
    this.graphs.push(info);
    this.infoOf.set(g, info);
    const define = (v: Value, pos: number): void => {
      if (this.defPos.has(v)) return;
      this.defPos.set(v, pos);
      this.defGraph.set(v, info);
    };
    for (const v of g.inputs) define(v, -1);
    for (const v of g.initializers.values()) define(v, -1);
    for (const v of g.sparseInitializers.values()) define(v, -1);
    let i = 0;
    for (const n of g) {
      this.nodeIndex.set(n, i);
      for (const o of n.outputs) define(o, i);
      const label = n.hasSubgraphs() ? (n.name !== '' ? n.name : `${n.opType}#${i}`) : '';
      if (n.hasSubgraphs()) for (const [k, a] of n.attributes) {
        if (a.type === 'GRAPH') this.#add(a.value, `${path}/${label}.${k}`, info, n, checked && subgraphs, subgraphs);
        if (a.type === 'GRAPHS') a.value.forEach((sg, j) => this.#add(sg, `${path}/${label}.${k}[${j}]`, info, n, checked && subgraphs, subgraphs));
      }
      i++;
    }
  }

  report(code: string, message: string, where: { graph?: GraphInfo; node?: Node; value?: Value | string } = {}): void {
    const value = typeof where.value === 'string' ? where.value : where.value?.name;
    this.out.push({
      severity: 'error', code, message,
      ...(where.graph === undefined ? {} : { graph: where.graph.path }),
      ...(where.node === undefined ? {} : { node: where.node.name !== '' ? where.node.name : nodeLabel(where.node, this.nodeIndex.get(where.node)) }),
      ...(value === undefined ? {} : { value }),
    });
  }

  label(n: Node): string {
    return nodeLabel(n, this.nodeIndex.get(n));
  }
}
