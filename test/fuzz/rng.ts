/**
 * Seeded randomness for the fuzzer: every case is a pure function of (run seed, case index),
 * so any failure replays with `npm run fuzz -- --replay <seed>:<index>`.
 */
import { mulberry32 } from '@mixprec/testing';

export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  /** A uniformly chosen element (the array must not be empty). */
  pick<T>(items: readonly T[]): T;
  /** An element chosen with the given weights. */
  weighted<T>(items: readonly (readonly [T, number])[]): T;
}

/** A generator for case `index` of the run with `seed`. */
export function caseRng(seed: number, index: number): Rng {
  // Mix the two numbers so neighbouring cases get unrelated streams.
  let h = (seed ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ (index >>> 0), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return makeRng(mulberry32((h ^ (h >>> 16)) >>> 0));
}

export function makeRng(next: () => number): Rng {
  const int = (lo: number, hi: number): number => lo + Math.floor(next() * (hi - lo + 1));
  return {
    next,
    int,
    chance: (p) => next() < p,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[int(0, items.length - 1)]!;
    },
    weighted: <T>(items: readonly (readonly [T, number])[]): T => {
      let total = 0;
      for (const [, w] of items) total += w;
      let r = next() * total;
      for (const [v, w] of items) {
        r -= w;
        if (r < 0) return v;
      }
      return items[items.length - 1]![0];
    },
  };
}
