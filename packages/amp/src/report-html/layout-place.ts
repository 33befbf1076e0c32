/**
 * Step 4 of the layered layout (see layout.ts): x coordinates. Each row starts centred, then a few
 * alternating sweeps pull each node towards the mean of its neighbours (real nodes towards their
 * real neighbours only, so skip connections do not drag the main flow), solved per layer as a
 * weighted isotonic regression (pool adjacent violators) so that the order and the minimum
 * spacing hold exactly.
 */
import type { LayeredGraph } from './layout-order.js';

/**
 * The x centre of every node of `rows` (real nodes are 0..n-1, dummies after them); `preds` are
 * the real nodes' predecessors (a node without any is a feeder: a constant, an input).
 */
export function placeNodes(
  g: LayeredGraph, rows: readonly (readonly number[])[], n: number, preds: readonly (readonly number[])[],
  widths: readonly number[], nodeGap: number, sweeps: number,
): Float64Array {
  const { total, layers, up, down } = g;
  const x = new Float64Array(total);
  for (const row of rows) {
    let cur = 0;
    row.forEach((v, i) => {
      if (i > 0) cur += sep(row[i - 1]!, v, widths, n, nodeGap);
      x[v] = cur;
    });
    const shift = cur / 2;
    for (const v of row) x[v] = x[v]! - shift;
  }
  const feeder = new Uint8Array(total);
  for (let v = 0; v < n; v++) if (preds[v]!.length === 0) feeder[v] = 1;
  for (let s = 0; s < sweeps; s++) {
    const downward = s % 2 === 0;
    for (let k = 0; k < layers; k++) {
      const l = downward ? k : layers - 1 - k;
      place(rows[l]!, downward ? up : down, x, widths, n, nodeGap, feeder);
    }
  }
  return x;
}

function sep(a: number, b: number, widths: readonly number[], n: number, gap: number): number {
  const g = a >= n && b >= n ? gap / 3 : gap;
  return (widths[a]! + widths[b]!) / 2 + g;
}

/**
 * Moves a row towards the mean x of each node's neighbours in `adj`, keeping order and spacing:
 * minimises Σ w·(x − desired)² subject to x[i+1] − x[i] ≥ sep(i, i+1) (pool adjacent violators).
 */
function place(row: readonly number[], adj: readonly number[][], x: Float64Array, widths: readonly number[], n: number, gap: number, feeder: Uint8Array): void {
  const k = row.length;
  if (k === 0) return;
  const offset = new Float64Array(k);
  for (let i = 1; i < k; i++) offset[i] = offset[i - 1]! + sep(row[i - 1]!, row[i]!, widths, n, gap);
  // blocks of the isotonic regression over t[i] = desired[i] − offset[i]
  const bSum: number[] = [];
  const bWeight: number[] = [];
  const bEnd: number[] = [];
  for (let i = 0; i < k; i++) {
    const v = row[i]!;
    const nb = adj[v]!;
    let desired = x[v]!;
    let w = v < n ? 1 : 0.001;
    if (nb.length > 0) {
      // A real node follows its real neighbours only (long edges bend around the main flow
      // instead of pulling it sideways, block after block); dummies follow whatever they touch.
      let s = 0;
      let k = 0;
      if (v < n) for (const u of nb) if (u < n) { s += x[u]!; k++; }
      if (k === 0) {
        for (const u of nb) s += x[u]!;
        k = nb.length;
      }
      desired = s / k;
      // Where a long edge or a feeder (a constant, an input: a box with nothing above it) and a
      // box of the main flow want the same place, the edge or feeder gives way: the main flow
      // stays straight (with equal weights it would drift sideways a little at every layer).
      w = v < n && !feeder[v] ? 1000 * k : 1;
    }
    bSum.push((desired - offset[i]!) * w);
    bWeight.push(w);
    bEnd.push(i);
    while (bSum.length > 1 && bSum[bSum.length - 2]! / bWeight[bWeight.length - 2]! > bSum[bSum.length - 1]! / bWeight[bWeight.length - 1]!) {
      const s = bSum.pop()!;
      const ww = bWeight.pop()!;
      const e = bEnd.pop()!;
      bSum[bSum.length - 1]! += s;
      bWeight[bWeight.length - 1]! += ww;
      bEnd[bEnd.length - 1] = e;
    }
  }
  let start = 0;
  for (let b = 0; b < bSum.length; b++) {
    const mean = bSum[b]! / bWeight[b]!;
    for (let i = start; i <= bEnd[b]!; i++) x[row[i]!] = mean + offset[i]!;
    start = bEnd[b]! + 1;
  }
}
