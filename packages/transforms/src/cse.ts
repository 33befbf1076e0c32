import * as t from 'io-ts';
import { typesEqual, type Graph, type Node, type Value } from '@mixprec/ir';
import { definePass } from '@mixprec/passes';
import { attrsEqual, attrsKey } from './node-key.js';
import { canForwardValue, forwardValue } from './rewrite.js';
import { bucketKey, tensorsEqual } from './tensor-key.js';

/** Operators whose outputs differ between two evaluations with the same inputs. */
const NONDETERMINISTIC: ReadonlySet<string> = new Set([
  'RandomNormal', 'RandomUniform', 'RandomNormalLike', 'RandomUniformLike', 'Multinomial', 'Bernoulli', 'Dropout',
]);
/** Binary operators whose two inputs may be swapped with a bit-identical result. */
const COMMUTATIVE: ReadonlySet<string> = new Set([
  'Add', 'Mul', 'Max', 'Min', 'Sum', 'Mean', 'And', 'Or', 'Xor', 'Equal', 'BitwiseAnd', 'BitwiseOr', 'BitwiseXor',
]);
const STANDARD_DOMAINS: ReadonlySet<string> = new Set(['', 'ai.onnx.ml']);

/**
 * A node's key: numbers for domain, op type, overload, output count, attributes and input
 * count (strings by their first-seen order in the run), then the input values' numbers
 * (commutative pairs ordered). Nodes with equal keys are merge candidates.
 */
type Key = readonly number[];

/** A node available for merging, with its key. */
interface Entry {
  readonly node: Node;
  readonly key: Key;
}

/** A scope of available expressions: one per graph, chained to the enclosing graph's; by key hash. */
interface Scope {
  readonly table: Map<number, Entry[]>;
  readonly parent: Scope | undefined;
}

function hashKey(key: Key): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key[i]!, 16777619);
  return h | 0;
}

function sameKey(a: Key, b: Key): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Common subexpression elimination over the graph tree, scoped like dominance: a node can be
 * replaced by an identical node earlier in its graph or earlier in an enclosing graph (before
 * the If/Loop/Scan holding it), never by one in a sibling branch.
 * 1. Two nodes are identical when domain, op type, overload, output count, attributes (tensors
 *    byte for byte) and input values are the same; the two inputs of commutative binary ops
 *    (Add, Mul, Max, Min, And, Or, Xor, Equal, Bitwise*) may be swapped.
 * 2. Random ops (Random*, Multinomial, Bernoulli, Dropout), nodes holding subgraphs, lazily
 *    loaded tensor attributes and, unless `include-custom-domains=true`, domains other than
 *    ONNX and `ai.onnx.ml` are never merged.
 * 3. The later node's outputs are forwarded to the earlier one's (see `forwardValue`): when one
 *    is an output of its graph, the earlier output takes its name; when both define the graph
 *    interface, or an output the later node needs is omitted on the earlier one, both stay.
 * 4. With `dedupe-initializers=true`, initializers of one graph with the same type and bytes
 *    are merged first (graph inputs, graph outputs and lazily loaded tensors are skipped).
 *
 * ```
 * before: main (float[2] X) => (float[2] Y) { a = Relu (X)  b = Relu (X)  Y = Add (a, b) }
 * after:  main (float[2] X) => (float[2] Y) { a = Relu (X)  Y = Add (a, a) }
 * ```
 */
export const cse = definePass({
  name: 'cse',
  description: 'Merge identical computations (common subexpression elimination)',
  optLevel: 1,
  options: t.strict({ dedupeInitializers: t.boolean, includeCustomDomains: t.boolean }),
  defaults: { dedupeInitializers: false, includeCustomDomains: false },
  optionDocs: {
    dedupeInitializers: 'Also merge initializers with the same type and bytes',
    includeCustomDomains: 'Also merge nodes of custom domains (assumes they are pure)',
  },
  run(model, _ctx, opts) {
    let modified = false;
    const ids = new Map<Value, number>();
    const idOf = (v: Value | undefined): number => {
      if (v === undefined) return 0;
      let id = ids.get(v);
      if (id === undefined) {
        id = ids.size + 1;
        ids.set(v, id);
      }
      return id;
    };
    const strings = new Map<string, number>();
    const stringId = (s: string): number => {
      let id = strings.get(s);
      if (id === undefined) {
        id = strings.size + 1;
        strings.set(s, id);
      }
      return id;
    };
    const keyOf = (n: Node): number[] | undefined => {
      if (!STANDARD_DOMAINS.has(n.domain) && !opts.includeCustomDomains) return undefined;
      if (NONDETERMINISTIC.has(n.opType) || n.outputs.length === 0) return undefined;
      const attrs = attrsKey(n);
      if (attrs === undefined) return undefined;
      const ins = n.inputs;
      const key = [stringId(n.domain), stringId(n.opType), stringId(n.overload), n.outputs.length, stringId(attrs), ins.length];
      if (ins.length === 2) {
        const a = idOf(ins[0]);
        const b = idOf(ins[1]);
        if (a > b && COMMUTATIVE.has(n.opType) && n.domain === '') key.push(b, a);
        else key.push(a, b);
      } else {
        for (let i = 0; i < ins.length; i++) key.push(idOf(ins[i]));
      }
      return key;
    };
    /** The first node of the innermost scope with this key (in insertion order) that is still in a graph and has equal attributes. */
    const find = (scope: Scope | undefined, key: Key, hash: number, n: Node): Node | undefined => {
      for (let s = scope; s !== undefined; s = s.parent) {
        const bucket = s.table.get(hash);
        if (bucket === undefined) continue;
        for (let i = 0; i < bucket.length; i++) {
          const cand = bucket[i]!;
          if (sameKey(cand.key, key) && cand.node.graph !== undefined && attrsEqual(cand.node, n)) return cand.node;
        }
      }
      return undefined;
    };
    const canMerge = (dup: Node, rep: Node): boolean => {
      for (let i = 0; i < dup.outputs.length; i++) {
        const from = dup.outputs[i]!;
        if (from.useCount === 0 && !from.isGraphOutput()) continue;
        const to = rep.outputs[i]!;
        if (to.name === '' || !canForwardValue(from, to)) return false;
      }
      return true;
    };
    const visit = (g: Graph, scope: Scope): void => {
      if (opts.dedupeInitializers && dedupeInitializers(g)) modified = true;
      for (const n of g) {
        const key = !n.hasSubgraphs() || n.subgraphs().length === 0 ? keyOf(n) : undefined;
        if (key !== undefined) {
          const hash = hashKey(key);
          const rep = find(scope, key, hash, n);
          if (rep !== undefined && canMerge(n, rep)) {
            n.outputs.forEach((from, i) => {
              if (from.useCount > 0 || from.isGraphOutput()) forwardValue(from, rep.outputs[i]!);
            });
            g.remove(n);
            modified = true;
            continue;
          }
          const bucket = scope.table.get(hash);
          if (bucket === undefined) scope.table.set(hash, [{ node: n, key }]);
          else bucket.push({ node: n, key });
        }
        if (n.hasSubgraphs()) for (const sg of n.subgraphs()) visit(sg, { table: new Map(), parent: scope });
      }
    };
    visit(model.graph, { table: new Map(), parent: undefined });
    return { modified };
  },
});

/** Merges initializers of `g` with equal type and bytes; returns whether any was merged. */
function dedupeInitializers(g: Graph): boolean {
  const seen = new Map<string, Value[]>();
  let merged = false;
  for (const v of [...g.initializers.values()]) {
    const tv = v.constValue;
    if (tv === undefined || v.isGraphInput() || v.isGraphOutput()) continue;
    const key = bucketKey(tv);
    const bucket = seen.get(key);
    const rep = bucket?.find((r) => typesEqual(r.type, v.type) && tensorsEqual(r.constValue!, tv));
    if (rep === undefined) {
      if (bucket === undefined) seen.set(key, [v]);
      else bucket.push(v);
      continue;
    }
    v.replaceAllUsesWith(rep);
    g.removeInitializer(v);
    merged = true;
  }
  return merged;
}
