import type { Graph } from './graph.js';
import type { Node } from './node.js';

/**
 * Hands out value and node names that are unique in one model graph tree (the root graph and
 * all its subgraphs, since ONNX forbids a subgraph to shadow an outer name).
 *
 * The authority learns the existing names lazily, by one scan of the tree on first use, and
 * from then on every insertion registers its names. Fresh names are deterministic: the same
 * sequence of requests on the same model gives the same names.
 */
export class NameAuthority {
  readonly #values = new Set<string>();
  readonly #nodes = new Set<string>();
  readonly #nextSuffix = new Map<string, number>();
  readonly #root: Graph;
  #ready = false;

  constructor(root: Graph) {
    this.#root = root;
  }

  #ensureReady(): void {
    if (this.#ready) return;
    this.#ready = true;
    this.#scanGraph(this.#root);
  }

  #scanGraph(g: Graph): void {
    for (const v of g.inputs) this.#values.add(v.name);
    for (const v of g.initializers.keys()) this.#values.add(v);
    for (const v of g.sparseInitializers.keys()) this.#values.add(v);
    for (const vi of g.valueInfoExtras) this.#values.add(vi.name);
    for (const n of g) this.#scanNode(n);
  }

  #scanNode(n: Node): void {
    if (n.name !== '') this.#nodes.add(n.name);
    for (const o of n.outputs) if (o.name !== '') this.#values.add(o.name);
    if (n.hasSubgraphs()) for (const sg of n.subgraphs()) this.#scanGraph(sg);
  }

  /** Records a value name now in use (no-op until the first scan). */
  registerValue(name: string): void {
    if (this.#ready && name !== '') this.#values.add(name);
  }

  /** Records a node name now in use (no-op until the first scan). */
  registerNode(name: string): void {
    if (this.#ready && name !== '') this.#nodes.add(name);
  }

  /** Records the names of a node, its outputs and its subgraphs (called on insertion). */
  registerNodeTree(n: Node): void {
    if (this.#ready) this.#scanNode(n);
  }

  /** Records the names inside a node's subgraphs (called when a graph attribute is set). */
  registerSubgraphs(n: Node): void {
    if (this.#ready) for (const sg of n.subgraphs()) this.#scanGraph(sg);
  }

  hasValueName(name: string): boolean {
    this.#ensureReady();
    return this.#values.has(name);
  }

  hasNodeName(name: string): boolean {
    this.#ensureReady();
    return this.#nodes.has(name);
  }

  /** A value name not used anywhere in the tree: `base`, else `base_1`, `base_2`, … (reserved). */
  freshValueName(base: string): string {
    this.#ensureReady();
    return this.#fresh(this.#values, base === '' ? 'v' : base, 'v:');
  }

  /** A node name not used anywhere in the tree (reserved). */
  freshNodeName(base: string): string {
    this.#ensureReady();
    return this.#fresh(this.#nodes, base === '' ? 'node' : base, 'n:');
  }

  #fresh(set: Set<string>, base: string, ns: string): string {
    if (!set.has(base)) {
      set.add(base);
      return base;
    }
    const key = ns + base;
    let i = this.#nextSuffix.get(key) ?? 1;
    while (set.has(`${base}_${i}`)) i++;
    const name = `${base}_${i}`;
    this.#nextSuffix.set(key, i + 1);
    set.add(name);
    return name;
  }
}
