/**
 * Step 3 of the layered layout (see layout.ts): the order of the nodes within each layer. Rows
 * start from a depth-first walk, then barycentric sweeps (down and up) reorder them, and the
 * ordering with the fewest crossings (counted with a Fenwick tree, O(E log V) per layer pair) wins.
 */

/** The augmented graph (real nodes, then dummies) whose layers are ordered. */
export interface LayeredGraph {
  /** Real and dummy nodes. */
  readonly total: number;
  readonly nodeLayer: readonly number[];
  readonly layers: number;
  /** Proper edges (between adjacent layers), from each node upwards and downwards. */
  readonly up: readonly number[][];
  readonly down: readonly number[][];
}

/**
 * Orders every layer: `order` is the topological order of the real nodes (the walk's starting
 * points); `sweeps` down-and-up passes at most. Returns the rows and their crossings.
 */
export function orderLayers(g: LayeredGraph, order: readonly number[], sweeps: number): { rows: number[][]; crossings: number } {
  const { layers, up, down } = g;
  const rows = initialOrder(g.total, g.nodeLayer, layers, down, order);
  const pos = new Float64Array(g.total);
  for (const row of rows) row.forEach((v, i) => { pos[v] = i; });
  let best = rows.map((r) => r.slice());
  let bestCrossings = countAllCrossings(rows, down, pos);
  for (let s = 0; s < sweeps && bestCrossings > 0; s++) {
    for (let l = 1; l < layers; l++) reorder(rows[l]!, up, pos);
    for (let l = layers - 2; l >= 0; l--) reorder(rows[l]!, down, pos);
    const c = countAllCrossings(rows, down, pos);
    if (c < bestCrossings) {
      bestCrossings = c;
      best = rows.map((r) => r.slice());
    }
  }
  return { rows: best, crossings: bestCrossings };
}

/** Rows by a depth-first walk from the sources (in topological order): related nodes start close. */
function initialOrder(total: number, nodeLayer: readonly number[], layers: number, down: readonly number[][], order: readonly number[]): number[][] {
  const rows: number[][] = Array.from({ length: layers }, () => []);
  const visited = new Uint8Array(total);
  const stack: number[] = [];
  const visit = (s: number): void => {
    stack.push(s);
    while (stack.length > 0) {
      const v = stack.pop()!;
      if (visited[v] === 1) continue;
      visited[v] = 1;
      rows[nodeLayer[v]!]!.push(v);
      const ch = down[v]!;
      for (let i = ch.length - 1; i >= 0; i--) if (visited[ch[i]!] === 0) stack.push(ch[i]!);
    }
  };
  for (const v of order) if (visited[v] === 0) visit(v);
  for (let v = 0; v < total; v++) if (visited[v] === 0) visit(v);
  return rows;
}

/** Sorts a row by the barycentre of its neighbours in `adj`; nodes without any keep their place. */
function reorder(row: number[], adj: readonly number[][], pos: Float64Array): void {
  const key = new Map<number, number>();
  for (const v of row) {
    const nb = adj[v]!;
    if (nb.length === 0) { key.set(v, pos[v]!); continue; }
    let s = 0;
    for (const w of nb) s += pos[w]!;
    key.set(v, s / nb.length);
  }
  row.sort((a, b) => key.get(a)! - key.get(b)! || pos[a]! - pos[b]!);
  row.forEach((v, i) => { pos[v] = i; });
}

/** Crossings between all adjacent layers (Barth–Jünger–Mutzel accumulator tree). */
function countAllCrossings(rows: readonly number[][], down: readonly number[][], pos: Float64Array): number {
  let total = 0;
  for (let l = 0; l + 1 < rows.length; l++) {
    const targets: number[] = [];
    for (const u of rows[l]!) {
      const ts = down[u]!.map((w) => pos[w]!).sort((a, b) => a - b);
      for (const t of ts) targets.push(t);
    }
    const size = rows[l + 1]!.length;
    const tree = new Int32Array(size + 1);
    for (let i = 0; i < targets.length; i++) {
      const t = targets[i]! + 1;
      // edges already inserted whose target is greater than t cross this one
      let le = 0;
      for (let k = t; k > 0; k -= k & -k) le += tree[k]!;
      total += i - le;
      for (let k = t; k <= size; k += k & -k) tree[k]!++;
    }
  }
  return total;
}
