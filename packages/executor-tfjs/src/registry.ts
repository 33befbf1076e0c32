import type { KernelContext } from './context.js';
import type { RValue } from './values.js';

/**
 * A kernel computes a node's outputs from a {@link KernelContext}. It returns one entry per
 * node output (undefined for an omitted optional output). It runs inside `tf.tidy`: every
 * tfjs tensor it creates and does not return is freed.
 */
export type Kernel = (ctx: KernelContext) => readonly (RValue | undefined)[];

/** A kernel with what the executor must know about it. */
export interface KernelSpec {
  readonly run: Kernel;
  /**
   * Inputs whose values the op only moves (Reshape, Gather data, Concat …). When one of them
   * holds wide int64 values, the executor runs the kernel on the low and high 32-bit words
   * separately and recombines them, so data movement is exact for 64-bit integers.
   */
  readonly movesData?: readonly number[] | 'all';
  /**
   * True when the kernel honours `mixprec.accumulation=float16|bfloat16` with sequential
   * rounding; for other kernels such an annotation is reported as a run note.
   */
  readonly accumulates?: boolean;
  /**
   * `'elementwise'`: the op computes each output element from the broadcast input elements at
   * the same position and has no axis semantics (no axis attributes, no shape-dependent
   * inputs besides single-element ones), so it may run on operands whose axes are permuted
   * alike: channels-last values then keep their layout through it (see layout.ts).
   */
  readonly layout?: 'elementwise';
}

/** Kernels of one op family, keyed `${domain}::${opType}`. */
export type KernelTable = ReadonlyMap<string, KernelSpec>;

/** Marks a kernel as honouring low-precision accumulation annotations. */
export function accumulating(run: Kernel): KernelSpec {
  return { run, accumulates: true };
}

/** Marks a kernel as elementwise (see {@link KernelSpec.layout}). */
export function elementwise(run: Kernel): KernelSpec {
  return { run, layout: 'elementwise' };
}

/** Builds a family's table: `family('', { Relu: ..., Abs: ... })`. */
export function family(domain: string, entries: Readonly<Record<string, Kernel | KernelSpec>>): KernelTable {
  const m = new Map<string, KernelSpec>();
  for (const [op, k] of Object.entries(entries)) m.set(`${domain}::${op}`, typeof k === 'function' ? { run: k } : k);
  return m;
}

/** Merges tables; a key defined twice is a bug. */
export function mergeTables(tables: readonly KernelTable[]): KernelTable {
  const m = new Map<string, KernelSpec>();
  for (const t of tables) {
    for (const [k, v] of t) {
      if (m.has(k)) throw new Error(`Kernel ${k} is defined twice`);
      m.set(k, v);
    }
  }
  return m;
}
