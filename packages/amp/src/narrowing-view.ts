import type { NarrowCounts, Tensor } from '@mixprec/ir';
import type { RangeStats } from './constants.js';

/**
 * The conversion counts (`RangeStats.narrowing`) of the weights an analysis measured, as a
 * read-only map over its statistics: no second map of every measured weight. Lookups read the
 * statistics; iteration (rare) lists the weights that have counts, in measuring order.
 */
export class NarrowingView implements ReadonlyMap<Tensor, NarrowCounts> {
  readonly #stats: ReadonlyMap<Tensor, RangeStats>;
  #all: Map<Tensor, NarrowCounts> | undefined;

  /** `stats` must not change afterwards (the analysis hands its own over when it ends). */
  constructor(stats: ReadonlyMap<Tensor, RangeStats>) {
    this.#stats = stats;
  }

  get(t: Tensor): NarrowCounts | undefined {
    return this.#stats.get(t)?.narrowing;
  }

  has(t: Tensor): boolean {
    return this.#stats.get(t)?.narrowing !== undefined;
  }

  get size(): number {
    return this.#entries().size;
  }

  forEach(f: (value: NarrowCounts, key: Tensor, map: ReadonlyMap<Tensor, NarrowCounts>) => void, thisArg?: unknown): void {
    this.#entries().forEach((v, k) => f.call(thisArg, v, k, this));
  }

  entries(): MapIterator<[Tensor, NarrowCounts]> {
    return this.#entries().entries();
  }

  keys(): MapIterator<Tensor> {
    return this.#entries().keys();
  }

  values(): MapIterator<NarrowCounts> {
    return this.#entries().values();
  }

  [Symbol.iterator](): MapIterator<[Tensor, NarrowCounts]> {
    return this.#entries()[Symbol.iterator]();
  }

  #entries(): Map<Tensor, NarrowCounts> {
    if (this.#all === undefined) {
      const out = new Map<Tensor, NarrowCounts>();
      this.#stats.forEach((s, t) => {
        if (s.narrowing !== undefined) out.set(t, s.narrowing);
      });
      this.#all = out;
    }
    return this.#all;
  }
}
