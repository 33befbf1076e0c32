import * as tf from '@tensorflow/tfjs-core';
import type { Node, Value } from '@mixprec/ir';
import { valueFromTensor } from './convert.js';
import { ExecError } from './errors.js';
import { densify } from './sparse.js';
import { disposeValue, type RValue } from './values.js';

/**
 * Values that live as long as a prepared model rather than one run: initializers (uploaded
 * to the backend once), the outputs of `Constant` nodes (computed once), and tensors kernels
 * derive from them (e.g. a convolution weight in the layout tfjs wants). The interpreter
 * binds them as borrowed values: a run never frees them; {@link Resident.dispose} does.
 */
export class Resident {
  readonly #initializers = new Map<Value, RValue>();
  readonly #constants = new Map<Node, readonly RValue[]>();
  readonly #members = new WeakSet<RValue>();
  readonly #derived = new Map<RValue, Map<string, tf.Tensor>>();
  #disposed = false;

  /** The value of an initializer (a sparse one densified), uploaded on first use. */
  initializer(v: Value): RValue {
    this.#check();
    let x = this.#initializers.get(v);
    if (x === undefined) {
      const what = `Initializer '${v.name}'`;
      const t = v.constValue ?? (v.sparseValue !== undefined ? densify(v.sparseValue, `Sparse initializer '${v.name}'`) : undefined);
      if (t === undefined) throw new ExecError('InvalidInput', `${what} has no value`);
      x = valueFromTensor(t, what);
      this.#initializers.set(v, x);
      this.#members.add(x);
    }
    return x;
  }

  /** The outputs of a constant node, computed by `compute` on first use (it transfers ownership). */
  constantOutputs(node: Node, compute: () => readonly RValue[]): readonly RValue[] {
    this.#check();
    let xs = this.#constants.get(node);
    if (xs === undefined) {
      xs = compute();
      this.#constants.set(node, xs);
      for (const x of xs) this.#members.add(x);
    }
    return xs;
  }

  /** True when `x` is one of the resident values (not a copy). */
  has(x: RValue): boolean {
    return this.#members.has(x);
  }

  /**
   * A tensor derived from a resident value, made once (`make` runs inside the caller's tidy;
   * its result is kept). For a value that is not resident, `make()` as is.
   */
  derived(x: RValue, key: string, make: () => tf.Tensor): tf.Tensor {
    if (!this.#members.has(x)) return make();
    let m = this.#derived.get(x);
    if (m === undefined) {
      m = new Map();
      this.#derived.set(x, m);
    }
    let t = m.get(key);
    if (t === undefined) {
      t = tf.keep(make());
      m.set(key, t);
    }
    return t;
  }

  /** Frees every resident tensor. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const x of this.#initializers.values()) disposeValue(x);
    for (const xs of this.#constants.values()) for (const x of xs) disposeValue(x);
    for (const m of this.#derived.values()) for (const t of m.values()) t.dispose();
    this.#initializers.clear();
    this.#constants.clear();
    this.#derived.clear();
  }

  #check(): void {
    if (this.#disposed) throw new Error('Internal: the prepared model was disposed');
  }
}
