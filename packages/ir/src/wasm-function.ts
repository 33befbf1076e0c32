/**
 * A small assembler for the WebAssembly functions of the kernels: appends instructions, hands
 * out v128 locals and keeps constant vectors in locals loaded from the heap.
 */
import { functionBody, ins, v128, type Code } from './wasm-encoding.js';

/**
 * A WebAssembly function being assembled (chained calls append instructions): its code, its
 * v128 locals, and the i32x4 constants it uses, each kept in a v128 local.
 */
export class Fn {
  readonly #code: number[] = [];
  #v128 = 0;
  readonly #consts = new Map<number, number>();

  /**
   * `params` parameters and `i32s` i32 locals come first; the constants are stored at heap
   * address `constsAt` (below `constsEnd`) on entry (see {@link finish}).
   */
  constructor(readonly params: number, readonly i32s: number, readonly constsAt: number, readonly constsEnd: number) {}

  /** A new v128 local. */
  v(): number {
    return this.params + this.i32s + this.#v128++;
  }
  /** The local holding `x` in every lane. */
  c(x: number): number {
    const u = x | 0;
    let l = this.#consts.get(u);
    if (l === undefined) {
      l = this.v();
      this.#consts.set(u, l);
    }
    return l;
  }
  op(...codes: Code[]): this {
    for (const c of codes) for (let i = 0; i < c.length; i++) this.#code.push(c[i]!);
    return this;
  }
  get(l: number): this {
    return this.op(ins.get(l));
  }
  set(l: number): this {
    return this.op(ins.set(l));
  }
  tee(l: number): this {
    return this.op(ins.tee(l));
  }
  i32(v: number): this {
    return this.op(ins.i32(v));
  }
  /** Pushes the constant vector `x`. */
  k(x: number): this {
    return this.get(this.c(x));
  }
  /**
   * The function body. Constants are stored to the heap and loaded back into their locals:
   * the compiler then keeps them in registers instead of materialising them at every use.
   */
  finish(prologue: Code = []): number[] {
    if (this.constsAt + 16 * this.#consts.size > this.constsEnd) throw new Error('internal: too many kernel constants');
    const init: number[] = [];
    let i = 0;
    for (const [x, l] of this.#consts) {
      init.push(...ins.i32(0), ...v128.i32x4(x), ...ins.store(this.constsAt + 16 * i), ...ins.i32(0), ...ins.load(this.constsAt + 16 * i), ...ins.set(l));
      i++;
    }
    for (const b of prologue) init.push(b);
    for (const b of this.#code) init.push(b);
    return functionBody(this.i32s, this.#v128, init);
  }
}
