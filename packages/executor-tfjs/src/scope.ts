import type { Attr, Value } from '@mixprec/ir';
import { cloneValue, disposeValue, type RValue } from './values.js';

/**
 * Values bound while a graph runs, chained to the enclosing graph's scope. Borrowed values
 * (resident initializers and constants) are read like the others but never freed here.
 */
export class Scope {
  readonly #vals = new Map<Value, RValue>();
  readonly #byName = new Map<string, RValue>();
  readonly #borrowed = new Set<Value>();
  constructor(readonly parent: Scope | undefined, readonly attrScope: ReadonlyMap<string, Attr> | undefined) {}

  set(v: Value, x: RValue, borrowed = false): void {
    this.#vals.set(v, x);
    if (borrowed) this.#borrowed.add(v);
    else this.#borrowed.delete(v);
    if (v.name !== '') this.#byName.set(v.name, x);
  }

  has(v: Value): boolean {
    return this.#vals.has(v);
  }

  /** Unbinds an own value; frees it unless borrowed. */
  free(v: Value): void {
    const x = this.#vals.get(v);
    if (x === undefined) return;
    this.#vals.delete(v);
    if (this.#byName.get(v.name) === x) this.#byName.delete(v.name);
    if (!this.#borrowed.delete(v)) disposeValue(x);
  }

  /** Removes an own value and returns it owned by the caller (a borrowed one as a fresh handle). */
  take(v: Value): RValue | undefined {
    const x = this.#vals.get(v);
    if (x === undefined) return undefined;
    this.#vals.delete(v);
    if (this.#byName.get(v.name) === x) this.#byName.delete(v.name);
    return this.#borrowed.delete(v) ? cloneValue(x) : x;
  }

  /** Looks a value up by identity through the chain, then by name (captures by name). */
  get(v: Value): RValue | undefined {
    for (let s: Scope | undefined = this; s !== undefined; s = s.parent) {
      const x = s.#vals.get(v);
      if (x !== undefined) return x;
    }
    for (let s: Scope | undefined = this; s !== undefined; s = s.parent) {
      const x = s.#byName.get(v.name);
      if (x !== undefined) return x;
    }
    return undefined;
  }

  /** Frees every own value that is not borrowed and unbinds everything. */
  clear(): void {
    for (const [v, x] of this.#vals) if (!this.#borrowed.has(v)) disposeValue(x);
    this.#vals.clear();
    this.#byName.clear();
    this.#borrowed.clear();
  }
}
