import {
  elementDType, withElementDType, type DataType, type Graph, type Model, type Value, type ValueType,
} from '@mixprec/ir';

/**
 * Calls `f` on every value of `g` and its subgraphs (inputs, initializers, sparse initializers,
 * named node outputs; a value listed twice may be met twice) in one walk over the nodes.
 */
function forEachValue(g: Graph, f: (v: Value) => void): void {
  for (const v of g.inputs) f(v);
  for (const v of g.initializers.values()) f(v);
  for (const v of g.sparseInitializers.values()) f(v);
  for (let n = g.first; n !== undefined; n = n.next) {
    const outs = n.outputs;
    for (let o = 0; o < outs.length; o++) if (outs[o]!.name !== '') f(outs[o]!);
    if (n.hasSubgraphs()) for (const sg of n.subgraphs()) forEachValue(sg, f);
  }
}

/**
 * The types a model declares for its values, taken before `infer-types` adds its own, so that
 * a conversion can give them back (see {@link restore}). Parallel arrays, not a map by value:
 * this runs over every value of the model twice per conversion.
 */
export class DeclaredTypes {
  readonly #values: Value[] = [];
  readonly #types: (ValueType | undefined)[] = [];
  /** Element dtypes right after `infer-types`, in the order of `#values`. */
  #inferred: (DataType | undefined)[] = [];

  constructor(model: Model) {
    forEachValue(model.graph, (v) => {
      this.#values.push(v);
      this.#types.push(v.type);
    });
  }

  /** Notes the element dtypes the values have now: call it right after `infer-types`. */
  noteInferred(): void {
    const vs = this.#values;
    const out: (DataType | undefined)[] = new Array(vs.length);
    for (let k = 0; k < vs.length; k++) out[k] = elementDType(vs[k]!.type);
    this.#inferred = out;
  }

  /**
   * Gives values their declared types back after `infer-types`: a value whose element type the
   * conversion changed keeps the new element type on its declared shape (no type when it had
   * none: runtimes infer it); values the conversion created keep a type only when they face a
   * graph interface (so the file gains no value_info beyond what the model declared).
   */
  restore(model: Model): void {
    const vs = this.#values;
    const n = vs.length;
    // 1. What each declared value gets (from its type now, before anything is changed).
    const next: (ValueType | undefined)[] = new Array(n);
    const assign: boolean[] = new Array(n);
    for (let k = 0; k < n; k++) {
      const v = vs[k]!;
      const before = this.#types[k];
      const now = elementDType(v.type);
      const t = now === undefined || now === this.#inferred[k] ? before : before === undefined ? undefined : withElementDType(before, now);
      next[k] = t;
      // Graph inputs/outputs must stay typed (cleanup may have made an untyped value an output).
      assign[k] = t !== undefined || !(v.isGraphInput() || v.isGraphOutput());
    }
    // 2. Every other value inside the graphs loses its type (declared ones get theirs in 3).
    forEachValue(model.graph, (v) => {
      if (v.type !== undefined && !v.isInitializer() && !v.isGraphInput() && !v.isGraphOutput()) v.type = undefined;
    });
    // 3. Declared values.
    for (let k = 0; k < n; k++) if (assign[k]) vs[k]!.type = next[k];
  }
}
