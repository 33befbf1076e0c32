import { expect } from 'chai';
import { layoutGraph, type Layout, type LayoutInput } from '../../src/index.js';
import { mulberry32 } from '@mixprec/testing';

/** A residual network the way converters emit them: a chain of blocks with skip connections and constant feeders. */
function resnetLike(blocks: number): LayoutInput {
  const widths: number[] = [];
  const heights: number[] = [];
  const edges: [number, number][] = [];
  const add = (w: number, h = 28): number => { widths.push(w); heights.push(h); return widths.length - 1; };
  let prev = add(60, 22); // input
  for (let b = 0; b < blocks; b++) {
    const w1 = add(44, 16);
    const c1 = add(70);
    edges.push([prev, c1], [w1, c1]);
    const r = add(60);
    edges.push([c1, r]);
    const w2 = add(44, 16);
    const c2 = add(70);
    edges.push([r, c2], [w2, c2]);
    const sum = add(56);
    edges.push([c2, sum], [prev, sum]);
    prev = sum;
  }
  edges.push([prev, add(60, 22)]);
  return { widths, heights, edges };
}

function randomDag(n: number, seed: number): LayoutInput {
  const rng = mulberry32(seed);
  const edges: [number, number][] = [];
  for (let v = 1; v < n; v++) {
    const k = 1 + Math.floor(rng() * 3);
    for (let j = 0; j < k; j++) {
      // mostly local, sometimes far back (skip connections, shared constants)
      const back = rng() < 0.9 ? 1 + Math.floor(rng() * 4) : 1 + Math.floor(rng() * v);
      edges.push([Math.max(0, v - back), v]);
    }
  }
  return { widths: Array.from({ length: n }, (_, i) => 40 + (i % 7) * 10), heights: new Array<number>(n).fill(28), edges };
}

/** Checks the invariants every layout must satisfy. */
function checkLayout(input: LayoutInput, l: Layout): void {
  const n = input.widths.length;
  expect(l.x.length).to.equal(n);
  for (const [a, b] of input.edges) {
    if (a === b) continue;
    expect(l.layer[a]!, `edge ${a}->${b}`).to.not.equal(l.layer[b]!);
  }
  // Boxes of one layer do not overlap, and layers are stacked top to bottom.
  const byLayer = new Map<number, number[]>();
  for (let v = 0; v < n; v++) {
    const row = byLayer.get(l.layer[v]!) ?? [];
    row.push(v);
    byLayer.set(l.layer[v]!, row);
  }
  for (const [, vs] of byLayer) {
    vs.sort((a, b) => l.x[a]! - l.x[b]!);
    for (let i = 1; i < vs.length; i++) {
      const a = vs[i - 1]!;
      const b = vs[i]!;
      expect(l.x[b]! - input.widths[b]! / 2, `overlap ${a}/${b}`).to.be.at.least(l.x[a]! + input.widths[a]! / 2 - 1e-6);
    }
  }
  for (let v = 0; v < n; v++) {
    expect(l.x[v]! - input.widths[v]! / 2).to.be.at.least(0);
    expect(l.x[v]! + input.widths[v]! / 2).to.be.at.most(l.width + 1e-6);
    expect(l.y[v]! + input.heights[v]!).to.be.at.most(l.height + 1e-6);
  }
  input.edges.forEach(([a, b], i) => {
    const r = l.routes[i];
    if (a === b) { expect(r).to.equal(undefined); return; }
    expect(r, `route ${i}`).to.not.equal(undefined);
    // starts at the source box and ends at the target box
    const up = l.layer[a]! < l.layer[b]!;
    expect(r![0]).to.be.closeTo(l.x[a]!, 1e-6);
    expect(r![r!.length - 2]).to.be.closeTo(l.x[b]!, 1e-6);
    expect(r![1]).to.be.closeTo(up ? l.y[a]! + input.heights[a]! : l.y[a]!, 1e-6);
  });
}

describe('layoutGraph', () => {
  it('puts every edge downwards, boxes of a layer side by side, inside the drawing', () => {
    for (const input of [resnetLike(6), randomDag(300, 7)]) checkLayout(input, layoutGraph(input));
  });

  it('draws a chain as a straight vertical line', () => {
    const n = 12;
    const l = layoutGraph({ widths: new Array<number>(n).fill(60), heights: new Array<number>(n).fill(28), edges: Array.from({ length: n - 1 }, (_, i) => [i, i + 1] as const) });
    for (let v = 0; v < n; v++) {
      expect(l.layer[v]).to.equal(v);
      expect(l.x[v]).to.be.closeTo(l.x[0]!, 1e-6);
    }
    expect(l.crossings).to.equal(0);
  });

  it('lays out trees and residual chains without crossings', () => {
    const widths: number[] = [];
    const edges: [number, number][] = [];
    for (let v = 0; v < 127; v++) {
      widths.push(50);
      if (v > 0) edges.push([(v - 1) >> 1, v]);
    }
    const tree = layoutGraph({ widths, heights: new Array<number>(127).fill(28), edges });
    expect(tree.crossings).to.equal(0);
    expect(layoutGraph(resnetLike(20)).crossings).to.equal(0);
  });

  it('moves feeders (constants, shape computations) down next to their consumer', () => {
    // 0 → 1 → 2 → 3 → 4 → 5 (chain); 6 (a constant) → 7 (a Cast) → 5
    const widths = new Array<number>(8).fill(50);
    const edges: [number, number][] = [[0, 1], [1, 2], [2, 3], [3, 4], [4, 5], [6, 7], [7, 5]];
    const l = layoutGraph({ widths, heights: new Array<number>(8).fill(28), edges });
    expect([l.layer[6], l.layer[7]]).to.deep.equal([3, 4]);
    expect(l.dummies).to.equal(0);
  });

  it('survives cycles, self loops, duplicates and out-of-range edges', () => {
    const input: LayoutInput = { widths: [40, 40, 40, 40], heights: [20, 20, 20, 20], edges: [[0, 1], [1, 2], [2, 0], [2, 2], [1, 2], [0, 9], [2, 3]] };
    const l = layoutGraph(input);
    expect(l.routes[3]).to.equal(undefined);
    expect(l.routes[5]).to.equal(undefined);
    for (const i of [0, 1, 2, 4, 6]) expect(l.routes[i]).to.not.equal(undefined);
    expect(l.layer[1]!).to.be.greaterThan(l.layer[0]!);
  });

  it('respects the dummy budget (long edges without dummies are still routed)', () => {
    const input = randomDag(400, 3);
    const capped = layoutGraph(input, { maxDummies: 0 });
    expect(capped.dummies).to.equal(0);
    checkLayout(input, capped);
    expect(layoutGraph(input).dummies).to.be.greaterThan(0);
  });

  it('is deterministic', () => {
    const input = randomDag(500, 11);
    const a = layoutGraph(input);
    const b = layoutGraph(input);
    expect(Array.from(a.x)).to.deep.equal(Array.from(b.x));
    expect(a.routes.map((r) => (r === undefined ? [] : Array.from(r)))).to.deep.equal(b.routes.map((r) => (r === undefined ? [] : Array.from(r))));
  });

  it('lays out 5,000 nodes fast', () => {
    const input = randomDag(5000, 5);
    const t0 = performance.now();
    const l = layoutGraph(input);
    const ms = performance.now() - t0;
    checkLayout(input, l);
    const big = resnetLike(800); // 4,802 nodes
    const t1 = performance.now();
    const lr = layoutGraph(big);
    const ms2 = performance.now() - t1;
    process.stdout.write(`      random DAG 5000 nodes: ${ms.toFixed(0)} ms, ${l.dummies} dummies, ${l.crossings} crossings; resnet-like ${big.widths.length} nodes: ${ms2.toFixed(0)} ms, ${lr.crossings} crossings\n`);
    expect(ms).to.be.lessThan(3000);
    expect(ms2).to.be.lessThan(3000);
    expect(lr.crossings).to.equal(0);
  });
});
