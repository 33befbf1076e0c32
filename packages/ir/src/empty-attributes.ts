import type { Attr } from './attr.js';

/** The attributes of a node that has none: an empty map no code can change. */
class EmptyAttributes implements ReadonlyMap<string, Attr> {
  get size(): number {
    return 0;
  }

  get(_key: string): Attr | undefined {
    return undefined;
  }

  has(_key: string): boolean {
    return false;
  }

  forEach(_f: (value: Attr, key: string, map: ReadonlyMap<string, Attr>) => void): void {}

  entries(): MapIterator<[string, Attr]> {
    return emptyIterator();
  }

  keys(): MapIterator<string> {
    return emptyIterator();
  }

  values(): MapIterator<Attr> {
    return emptyIterator();
  }

  [Symbol.iterator](): MapIterator<[string, Attr]> {
    return this.entries();
  }
}

/** A fresh iterator over nothing (an empty array's: cheaper than an empty Map's). */
function emptyIterator<T>(): MapIterator<T> {
  return ([] as T[])[Symbol.iterator]() as unknown as MapIterator<T>;
}

/** The shared attribute map of nodes without attributes. */
export const NO_ATTRIBUTES: ReadonlyMap<string, Attr> = Object.freeze(new EmptyAttributes());
