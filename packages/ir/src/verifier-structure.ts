/**
 * Structural checks of the verifier, per value and per input slot: definition sites and names,
 * use-list entries, scopes. Driven by the one walk per graph in `verifier.ts`.
 */
import type { Graph } from './graph.js';
import type { Node } from './node.js';
import type { Value } from './value.js';
import type { GraphInfo, Tree } from './verifier-context.js';

/**
 * The definitions of one graph being checked (`gi`: its index among the checked graphs):
 * multiple definitions, duplicate names, names shadowing an enclosing graph's.
 */
export class Definitions {
  /**
   * Names defined so far in this graph. A value reaching the name check is defined here for
   * the first time (the site table catches a second definition of the same object), so a name
   * already present belongs to another value: one `add` per value, no lookup before it.
   */
  readonly #names = new Set<string>();

  constructor(readonly t: Tree, readonly info: GraphInfo, readonly gi: number, readonly names: DefinedNames, readonly sites: SiteTable) {}

  /** Records that `v` is defined at `site` (output `slot` of a node site). */
  define(v: Value, site: Site, slot = 0): void {
    const { t, info } = this;
    const id = t.valueId(v);
    const prev = this.sites.get(id, this.gi);
    if (prev !== undefined) {
      if (!(typeof prev === 'number' && prev >= 0 && site === INITIALIZER)) {
        t.report('multiple-definitions', `Value '${v.name}' is defined twice in graph '${info.path}', as ${describeSite(t, v, prev)} and as ${describeSite(t, v, site, slot)}`, { graph: info, value: v });
      }
      return;
    }
    this.sites.set(id, this.gi, site);
    const name = v.name;
    if (name === '') return;
    const names = this.#names;
    const before = names.size;
    names.add(name);
    if (names.size === before) {
      t.report('duplicate-value-name', `Graph '${info.path}' has two different values named '${name}'; rename one (NameAuthority.freshValueName)`, { graph: info, value: v });
      return;
    }
    for (let p = info.parent; p !== undefined; p = p.parent) {
      if (this.names.of(p.graph).has(name)) {
        t.report('shadowed-value-name', `Value '${v.name}' in graph '${info.path}' shadows a value of enclosing graph '${p.path}'; rename it`, { graph: info, value: v });
        break;
      }
    }
  }

  /** The graph's inputs, initializers and sparse initializers (owner checks and definitions). */
  defineInterface(): void {
    const { t, info } = this;
    const g = info.graph;
    g.inputs.forEach((v, k) => {
      if (v.producer() !== undefined || v._owner !== g) t.report('owner-mismatch', `Input ${k} '${v.name}' of graph '${info.path}' ${v.producer() !== undefined ? `is also produced by ${v.producer()!.toString()}` : 'belongs to another graph'}`, { graph: info, value: v });
      this.define(v, k);
    });
    for (const map of [g.initializers, g.sparseInitializers]) {
      for (const v of map.values()) {
        if (v.producer() !== undefined || v._owner !== g) t.report('owner-mismatch', `Initializer '${v.name}' of graph '${info.path}' ${v.producer() !== undefined ? `is also produced by ${v.producer()!.toString()}` : 'belongs to another graph'}`, { graph: info, value: v });
        this.define(v, INITIALIZER);
      }
    }
  }

  /** The outputs of node `n` (producer checks and definitions). */
  defineOutputs(n: Node): void {
    const { t, info } = this;
    const outs = n.outputs;
    for (let j = 0; j < outs.length; j++) {
      const o = outs[j]!;
      if (o._producer !== n || o._index !== j) {
        t.report('producer-mismatch', `Output ${j} '${o.name}' of node ${t.label(n)} in graph '${info.path}' names ${o.producer() === undefined ? 'no producer' : `${o.producer()!.toString()} output ${o.index()}`} as its producer; create outputs through the Node constructor or appendOutput`, { graph: info, node: n, value: o });
      }
      this.define(o, n, j);
    }
  }
}

/** Where a value is defined: input `k` (a number ≥ 0), an initializer, or an output of a node. */
export type Site = number | Node;
export const INITIALIZER = -1;

/** `slot`: the output slot of a node site (default: the value's first slot on it, where it was first defined). */
function describeSite(t: Tree, v: Value, s: Site, slot?: number): string {
  if (typeof s === 'number') return s === INITIALIZER ? `initializer '${v.name}'` : `input ${s}`;
  return `output ${slot ?? s.outputs.indexOf(v)} of node ${t.label(s)}`;
}

/**
 * Where each value is defined in the graph being checked, by value number: a value's site
 * counts only when it was recorded for that graph (`graphOf`), so the table is not cleared
 * between graphs.
 */
export class SiteTable {
  readonly #graphOf: number[];
  readonly #site: Site[];

  /** `expected`: the number of values known up front (the table grows past it when needed). */
  constructor(expected = 0) {
    // Filled by push: a packed list (`new Array(n)` would make a holey one).
    this.#graphOf = [];
    this.#site = [];
    for (let i = 0; i < expected; i++) {
      this.#graphOf.push(-1);
      this.#site.push(INITIALIZER);
    }
  }

  get(id: number, graph: number): Site | undefined {
    return id < this.#graphOf.length && this.#graphOf[id] === graph ? this.#site[id] : undefined;
  }

  set(id: number, graph: number, s: Site): void {
    while (this.#graphOf.length <= id) {
      this.#graphOf.push(-1);
      this.#site.push(INITIALIZER);
    }
    this.#graphOf[id] = graph;
    this.#site[id] = s;
  }
}

/** The names each graph defines (inputs, initializers, node outputs), computed once per graph. */
export class DefinedNames {
  readonly #byGraph = new Map<Graph, Set<string>>();

  of(g: Graph): ReadonlySet<string> {
    let set = this.#byGraph.get(g);
    if (set === undefined) {
      set = new Set<string>();
      for (const v of g.inputs) set.add(v.name);
      for (const name of g.initializers.keys()) set.add(name);
      for (const name of g.sparseInitializers.keys()) set.add(name);
      for (const n of g) for (const o of n.outputs) set.add(o.name);
      this.#byGraph.set(g, set);
    }
    return set;
  }
}

/**
 * The state of each value's use list, by value number, found by walking the list once, when
 * first needed (so a value with many uses, or a subgraph inside a big graph, costs linear
 * time: the fuzzer found quadratic cases taking over 10 s). An entry is clean when it is its
 * node's own entry for that slot, that slot holds the value, and the node is in a graph of
 * this tree. A list is dirty when some entry is not its node's own entry for its slot (entries
 * may then repeat a slot: they are counted); suspect when some entry is not clean (it is then
 * read again, by {@link checkUseList}).
 */
export class UseLists {
  /** By value number (the tree's `useState`): 0 not walked yet, else CLEAN, SUSPECT or DIRTY (dirty implies suspect). */
  readonly #state: number[];
  readonly #byValue = new Map<Value, Map<Node, Map<number, number>>>();

  constructor(readonly t: Tree) {
    this.#state = t.useState;
  }

  #stateOf(v: Value): number {
    const id = this.t.valueId(v);
    const st = this.#state;
    let s = st[id]!;
    if (s !== 0) return s;
    s = CLEAN;
    for (let u = v._firstUse; u !== undefined; u = u._nextUse) {
      const n = u.node;
      if (n._useAt(u.index) !== u) {
        s = DIRTY;
        break;
      }
      if (n.graph === undefined || !this.t.hasNode(n) || n.inputs[u.index] !== v) s = SUSPECT;
    }
    st[id] = s;
    return s;
  }

  /** True when input `k` of `n` is listed once in `v`'s list, by `n`'s own entry, in a list that is not dirty. */
  clean(v: Value, n: Node, k: number): boolean {
    const own = n._useAt(k);
    if (own === undefined || own._list !== v || own.node !== n || own.index !== k) return false;
    const s = this.#state[this.t.valueId(v)]!;
    return s !== 0 ? s !== DIRTY : this.#stateOf(v) !== DIRTY;
  }

  /** Whether `v`'s list has an entry that is not clean. */
  suspect(v: Value): boolean {
    return this.#stateOf(v) !== CLEAN;
  }

  /** How many entries of `v`'s use list name input `k` of `n`. */
  count(v: Value, n: Node, k: number): number {
    if (this.#stateOf(v) !== DIRTY) {
      // Entries are then distinct slots, so (n, k) is listed at most once: by n's own entry.
      const own = n._useAt(k);
      return own !== undefined && own.node === n && own.index === k && own._list === v ? 1 : 0;
    }
    let byNode = this.#byValue.get(v);
    if (byNode === undefined) {
      byNode = new Map();
      for (let u = v._firstUse; u !== undefined; u = u._nextUse) {
        let slots = byNode.get(u.node);
        if (slots === undefined) byNode.set(u.node, (slots = new Map()));
        slots.set(u.index, (slots.get(u.index) ?? 0) + 1);
      }
      this.#byValue.set(v, byNode);
    }
    return byNode.get(n)?.get(k) ?? 0;
  }
}

const CLEAN = 1;
const SUSPECT = 2;
const DIRTY = 3;

export function checkUseEntry(t: Tree, info: GraphInfo, n: Node, k: number, v: Value, usesOf: UseLists): void {
  const count = usesOf.count(v, n, k);
  if (count === 0) t.report('missing-use', `Node ${t.label(n)} in graph '${info.path}' has '${v.name}' in input ${k}, but the value's use list lacks that use; change inputs only through Node.replaceInput`, { graph: info, node: n, value: v });
  if (count > 1) t.report('duplicate-use', `Value '${v.name}' lists input ${k} of node ${t.label(n)} in graph '${info.path}' ${count} times`, { graph: info, node: n, value: v });
}

export function checkUseList(t: Tree, info: GraphInfo, v: Value): void {
  for (let u = v._firstUse; u !== undefined; u = u._nextUse) {
    let why: string | undefined;
    if (u.node.graph === undefined) why = 'is not in any graph (removed or never inserted)';
    else if (!t.hasNode(u.node)) why = 'belongs to a graph outside this model';
    else if (u.node.inputs[u.index] !== v) why = `holds ${u.node.inputs[u.index] === undefined ? 'nothing' : `'${u.node.inputs[u.index]!.name}'`} in that slot`;
    if (why !== undefined) {
      t.report('stale-use', `Value '${v.name}' (graph '${info.path}') lists a use by input ${u.index} of ${u.node.toString()}, which ${why}; edit inputs only through Node and Graph methods`, { graph: info, value: v });
    }
  }
}

type Scope = 'ok' | 'before-def' | 'out-of-scope' | 'dangling';

/**
 * Where `v` stands for a use at position `at` of graph `info` (∞ for graph outputs), judged by
 * the tree as walked (definition sites and attribute nesting), not by back-pointers.
 */
export function scopeOf(t: Tree, info: GraphInfo, at: number, v: Value): Scope {
  const d = t.defGraph(v);
  if (d === undefined) return 'dangling';
  let cur: GraphInfo = info;
  let where = at;
  while (cur !== d) {
    if (cur.parent === undefined || cur.holder === undefined) return 'out-of-scope';
    where = t.nodeIndex(cur.holder)!;
    cur = cur.parent;
  }
  return t.defPos(v) < where ? 'ok' : 'before-def';
}

export function checkScope(t: Tree, info: GraphInfo, n: Node, i: number, k: number, v: Value): void {
  const s = scopeOf(t, info, i, v);
  if (s === 'ok') return;
  const at = `Node ${t.label(n)} in graph '${info.path}' reads '${v.name}' (input ${k})`;
  const where = { graph: info, node: n, value: v };
  if (s === 'before-def') t.report('use-before-def', `${at} before it is defined; sort the graph topologically (Graph.sortTopologically)`, where);
  else if (s === 'out-of-scope') t.report('out-of-scope-use', `${at}, which is defined in graph '${t.defGraph(v)!.path}' that does not enclose it`, where);
  else if (s === 'dangling') t.report('dangling-input', `${at}, which no graph of the model defines; connect it to an input, initializer or node output`, where);
}
