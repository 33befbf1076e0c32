/**
 * A clock-free measure of how much work JavaScript code does, for the scaling check (test-only).
 * While installed, it counts the elementary steps a hidden quadratic loop cannot avoid taking:
 *
 * - every element an iterator yields: arrays, Maps, Sets and generators (`for…of`, spreads,
 *   `Array.from` of an iterable, graph walks, use-list copies);
 * - every call of an Array method that scans, weighted by the array's length (`indexOf`,
 *   `includes`, `find`, `some`, `filter`, `map`, `slice`, `concat`, `splice`, `join`, …;
 *   `sort` by n·log2 n);
 * - every Map/Set lookup or update, and the keys `Object.keys/values/entries` return;
 * - every call of a method or getter of the IR's Graph, Node and Value (node visits through
 *   graph iteration, `inputs`/`outputs`, `name`, `producer()`, use-list operations, …).
 *
 * Plain indexed `for` loops over arrays and typed arrays are not seen (tensor data loops are
 * linear by construction). Node's own modules use captured builtins (primordials) and are not
 * counted. The count of the same work is the same on every run and every machine: no timing,
 * so it cannot fail under load. Run it in a child process: replacing builtins slows every later
 * array spread of the process.
 */
type Fn = (...args: unknown[]) => unknown;

interface Patch {
  readonly target: object;
  readonly key: PropertyKey;
  readonly original: Fn;
}

export class WorkCounter {
  count = 0;
  readonly #patches: Patch[] = [];

  /** Replaces the counted builtins by counting wrappers. */
  install(): void {
    if (this.#patches.length > 0) throw new Error('WorkCounter is installed already');
    const step = (): void => {
      this.count++;
    };
    const proto = (x: object): object => Object.getPrototypeOf(x) as object;
    const iterators = [
      proto([][Symbol.iterator]()), proto(new Map()[Symbol.iterator]()), proto(new Set()[Symbol.iterator]()),
      proto(proto((function* gen() { /* the generator prototype */ })())),
    ];
    for (const it of iterators) this.#wrap(it, 'next', step);
    const scans = [
      'indexOf', 'lastIndexOf', 'includes', 'find', 'findIndex', 'findLast', 'findLastIndex', 'some', 'every', 'filter',
      'map', 'forEach', 'reduce', 'reduceRight', 'slice', 'concat', 'join', 'splice', 'flat', 'flatMap', 'fill', 'reverse',
    ];
    for (const name of scans) {
      this.#wrap(Array.prototype, name, (self) => {
        this.count += 1 + ((self as unknown[]).length ?? 0);
      });
    }
    this.#wrap(Array.prototype, 'sort', (self) => {
      const n = (self as unknown[]).length;
      this.count += 1 + Math.ceil(n * Math.log2(n + 1));
    });
    for (const name of ['get', 'set', 'has', 'delete']) this.#wrap(Map.prototype, name, step);
    for (const name of ['add', 'has', 'delete']) this.#wrap(Set.prototype, name, step);
    for (const name of ['keys', 'values', 'entries']) {
      const original = (Object as unknown as Record<string, Fn>)[name]!;
      const counter = this;
      (Object as unknown as Record<string, Fn>)[name] = function counted(o: unknown) {
        const r = original(o) as unknown[];
        counter.count += 1 + r.length;
        return r;
      };
      this.#patches.push({ target: Object, key: name, original });
    }
    for (const c of this.#classes) this.#countMethods(c, step);
  }

  /** Also counts every call of a method or getter defined on these prototypes (installed with the rest). */
  readonly #classes: object[] = [];

  constructor(classes: readonly object[] = []) {
    this.#classes = [...classes];
  }

  #countMethods(proto: object, step: () => void): void {
    for (const key of Reflect.ownKeys(proto)) {
      if (key === 'constructor') continue;
      const d = Object.getOwnPropertyDescriptor(proto, key)!;
      if (typeof d.value === 'function') {
        this.#wrap(proto, key, step);
      } else if (d.get !== undefined) {
        const get = d.get;
        Object.defineProperty(proto, key, { ...d, get(this: unknown) { step(); return Reflect.apply(get, this, []); } });
        this.#accessors.push({ target: proto, key, descriptor: d });
      }
    }
  }

  readonly #accessors: { target: object; key: PropertyKey; descriptor: PropertyDescriptor }[] = [];

  /** Puts the original builtins back. */
  uninstall(): void {
    for (let i = this.#patches.length - 1; i >= 0; i--) {
      const p = this.#patches[i]!;
      (p.target as Record<PropertyKey, Fn>)[p.key] = p.original;
    }
    this.#patches.length = 0;
    for (const a of this.#accessors) Object.defineProperty(a.target, a.key, a.descriptor);
    this.#accessors.length = 0;
  }

  /** Counts the work of `f`. */
  measure<T>(f: () => T): { result: T; work: number } {
    this.count = 0;
    this.install();
    let result: T;
    try {
      result = f();
    } finally {
      this.uninstall();
    }
    return { result, work: this.count };
  }

  #wrap(target: object, key: string | symbol, before: (self: unknown) => void): void {
    const original = (target as Record<string | symbol, Fn>)[key];
    if (typeof original !== 'function') return;
    (target as Record<string | symbol, Fn>)[key] = function counted(this: unknown, ...args: unknown[]) {
      before(this);
      return Reflect.apply(original, this, args);
    };
    this.#patches.push({ target, key, original });
  }
}
