import type { Graph, Value } from '@mixprec/ir';

/** True when `v` is listed among the outputs of `g`. */
export function isOutputOf(v: Value, g: Graph): boolean {
  // Only values that are some graph's output can be in the list: skip the scan otherwise.
  return v.isGraphOutput() && g.outputs.includes(v);
}

/**
 * Makes `from` (an output of a node about to be removed) be replaced by `to`, which holds the
 * same value, without changing the graph interface. Returns false when that is impossible; the
 * caller then keeps the node. Cases (HOUSE-STYLE §4, `eliminate-identity`):
 * 1. `from` is not an output of its own graph: every use of it, and every output slot of a
 *    nested subgraph that returns it, moves to `to` (which inherits `from`'s type if it has none).
 * 2. `from` is an output of its graph G, and `to` is produced by a node of G, is no graph
 *    input, initializer or graph output: `to` takes `from`'s place in the outputs, its name and
 *    its declared type.
 * 3. Otherwise (both face the interface, or `to` comes from an outer scope): false.
 */
export function forwardValue(from: Value, to: Value): boolean {
  if (!canForwardValue(from, to)) return false;
  const g = from.graph();
  if (g === undefined || !isOutputOf(from, g)) {
    from.replaceAllUsesWith(to, { replaceGraphOutputs: true });
    // Both hold the same value: keep what is known of its type (a subgraph output needs one).
    to.type ??= from.type;
    return true;
  }
  const name = from.name;
  const type = from.type ?? to.type;
  from.replaceAllUsesWith(to, { replaceGraphOutputs: true });
  from.name = '';
  to.name = name;
  to.type = type;
  return true;
}

/** Whether {@link forwardValue} would succeed (it changes nothing). */
export function canForwardValue(from: Value, to: Value): boolean {
  if (from === to) return false;
  const g = from.graph();
  if (g === undefined || !isOutputOf(from, g)) return true;
  const p = to.producer();
  return p !== undefined && p.graph === g && !to.isGraphOutput() && !to.isGraphInput() && !to.isInitializer();
}
