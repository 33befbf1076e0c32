import * as t from 'io-ts';
import { dataTypeName, type Graph, type Node, type Value } from '@mixprec/ir';
import { definePass } from '@mixprec/passes';
import { castTarget, chainCollapse, isPlainCast } from './cast-lattice.js';
import { canForwardValue, forwardValue } from './rewrite.js';

interface Scope {
  readonly table: Map<string, Node>;
  readonly parent: Scope | undefined;
}

/**
 * Removes redundant Casts, in every graph of the tree, in one forward walk:
 * 1. Chains: `z = Cast(Cast(x, to=B), to=C)` with x of known type A reads x directly when the
 *    result is the same for every value, i.e. when A → B is exact (fp16→fp32→fp64 = fp16→fp64,
 *    int8→int32→int64 = int8→int64). A lossy first step (fp32→fp16→fp32) is removed only with
 *    `allow-precision-change=true`, all three types floating, and a `cast-precision-change`
 *    warning for each removal. The first Cast goes when nothing else uses it.
 * 2. `Cast(x, to=T)` with x known to be of type T is removed (its uses read x).
 * 3. Casts of the same value to the same type (and `saturate`) are merged into the first one,
 *    also across an enclosing graph (a subgraph then captures the outer Cast's output).
 * 4. A Cast whose output is a graph output keeps that output and its name; when removing it
 *    would change the interface it stays (see `forwardValue`).
 *
 * ```
 * before: main (float16[2] X) => (double[2] Y) { a = Cast <to = 1> (X)  b = Cast <to = 1> (X)  Y = Cast <to = 11> (a) }
 * after:  main (float16[2] X) => (double[2] Y) { Y = Cast <to = 11> (X) }
 * ```
 */
export const castCleanup = definePass({
  name: 'cast-cleanup',
  description: 'Merge duplicate Casts, drop no-op Casts and collapse exact Cast chains',
  optLevel: 1,
  options: t.strict({ allowPrecisionChange: t.boolean }),
  defaults: { allowPrecisionChange: false },
  optionDocs: { allowPrecisionChange: 'Also collapse float chains whose first Cast rounds (reported as warnings)' },
  run(model, ctx, opts) {
    let modified = false;
    const orphans: Node[] = [];
    const ids = new Map<Value, number>();
    const idOf = (v: Value): number => {
      let id = ids.get(v);
      if (id === undefined) {
        id = ids.size + 1;
        ids.set(v, id);
      }
      return id;
    };
    const find = (scope: Scope | undefined, key: string): Node | undefined => {
      for (let s = scope; s !== undefined; s = s.parent) {
        const n = s.table.get(key);
        if (n !== undefined && n.graph !== undefined) return n;
      }
      return undefined;
    };

    /** Returns true when the node was removed. */
    const simplify = (n: Node, g: Graph, scope: Scope): boolean => {
      const c = castTarget(n)!;
      let x = n.inputs[0]!;
      const p = x.producer();
      if (p !== undefined && isPlainCast(p)) {
        const w = p.inputs[0]!;
        const a = w.dtype;
        const kind = a === undefined ? 'no' : chainCollapse(a, castTarget(p)!, c);
        if (kind === 'exact' || (kind === 'lossy' && opts.allowPrecisionChange)) {
          if (kind === 'lossy') {
            ctx.report({
              severity: 'warning', code: 'cast-precision-change', node: n.name, value: x.name,
              message: `${n.toString()} now reads '${w.name}' (${dataTypeName(a!)}) directly instead of its ${dataTypeName(castTarget(p)!)} rounding '${x.name}' made by ${p.toString()} (allow-precision-change=true); results may differ slightly`,
            });
          }
          n.replaceInput(0, w);
          orphans.push(p);
          x = w;
          modified = true;
        }
      }
      if (x.dtype !== undefined && x.dtype === c && forwardValue(n.outputs[0]!, x)) {
        g.remove(n);
        modified = true;
        return true;
      }
      const sat = n.attributes.get('saturate');
      const key = `${idOf(x)}:${c}:${sat?.type === 'INT' ? String(sat.value) : ''}`;
      const rep = find(scope, key);
      if (rep !== undefined && canForwardValue(n.outputs[0]!, rep.outputs[0]!)) {
        forwardValue(n.outputs[0]!, rep.outputs[0]!);
        g.remove(n);
        modified = true;
        return true;
      }
      if (rep === undefined) scope.table.set(key, n);
      return false;
    };

    const visit = (g: Graph, scope: Scope): void => {
      for (const n of g) {
        if (isPlainCast(n) && simplify(n, g, scope)) continue;
        if (n.hasSubgraphs()) for (const sg of n.subgraphs()) visit(sg, { table: new Map(), parent: scope });
      }
    };
    visit(model.graph, { table: new Map(), parent: undefined });
    // Casts bypassed by a collapsed chain go when nothing reads them any more (last first).
    for (let i = orphans.length - 1; i >= 0; i--) {
      const p = orphans[i]!;
      const y = p.outputs[0]!;
      if (p.graph !== undefined && y.useCount === 0 && !y.isGraphOutput()) p.graph.remove(p);
    }
    return { modified };
  },
});
