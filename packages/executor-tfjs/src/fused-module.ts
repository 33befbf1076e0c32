/**
 * Chains of elementwise float ops (Add, Sub, Mul, Div, Clip) compiled into one WebAssembly
 * SIMD loop over the wasm backend's memory: every operand is a tensor of the chain's size or
 * a scalar, every intermediate lives in a register, and each op's result is rounded onto the
 * FLOAT16/BFLOAT16 grid right after the op when its dtype says so — the same float32
 * operations, in the same order, with the same rounding (the heap kernels' instruction
 * sequences), as running the nodes one by one, in one pass instead of one per node.
 *
 * A program's function takes `(t0 … tT−1, dst, n, s0 … sS−1)`: the byte addresses of its T
 * tensor operands, of the output, the element count, and its S scalar operands (f32). Clip
 * bounds are scalars; its zero signs are fixed by masks made from them (see clipPseudoBody in
 * wasm-module.ts), so NaN bounds must not reach it.
 */

import { wasm } from '@mixprec/ir';
import { bf16Body, f16Body, type Slots } from './wasm-module.js';

const { F32, I32, ins, instantiate, moduleOf, uleb } = wasm;

/** Where an op takes an operand from. */
export type FusedOperand =
  | { readonly kind: 'tensor'; readonly index: number }
  | { readonly kind: 'scalar'; readonly index: number }
  | { readonly kind: 'step'; readonly index: number };

/** One op of a program. Clip takes `a` and scalar bounds `lo`, `hi`; the others `a` ⊙ `b`. */
export interface FusedStep {
  readonly op: 'add' | 'sub' | 'mul' | 'div' | 'clip';
  readonly a: FusedOperand;
  readonly b?: FusedOperand;
  readonly lo?: number;
  readonly hi?: number;
  readonly round: 'none' | 'fp16' | 'bf16';
}

/** A chain: T tensor operands, S scalars, the steps (the last one's result is the output). */
export interface FusedProgram {
  readonly tensors: number;
  readonly scalars: number;
  readonly steps: readonly FusedStep[];
}

/** A canonical text of a program (its cache key). */
export function programKey(p: FusedProgram): string {
  const o = (x: FusedOperand | undefined): string => (x === undefined ? '' : `${x.kind[0]}${x.index}`);
  return `${p.tensors}:${p.scalars}:${p.steps.map((s) => `${s.op}(${o(s.a)},${o(s.b)},${s.lo ?? ''},${s.hi ?? ''})${s.round}`).join(';')}`;
}

const { get, set, i32, add, geU, blockLoop, end2, br, brIf } = ins;
const simd = (o: number): number[] => [0xfd, ...uleb(o)];
const V_LOAD = [...simd(0x00), 2, 0];
const V_STORE = [...simd(0x0b), 2, 0];
const SPLAT_LOAD = [...simd(0x09), 2, 0];
const LANE0_STORE = [...simd(0x5a), 2, 0, 0];
const BINARY = { add: simd(0xe4), sub: simd(0xe5), mul: simd(0xe6), div: simd(0xe7) } as const;
const F32X4_SPLAT = simd(0x13);
const I32X4_SPLAT = simd(0x11);
const AND = simd(0x4e);
const OR = simd(0x50);
const PMIN = simd(0xea);
const PMAX = simd(0xeb);

/** The function of a program (its body; the type has T + 2 i32 and S f32 parameters). */
function programFunction(p: FusedProgram): number[] {
  const T = p.tensors;
  const DST = T;
  const N = T + 1;
  const params = T + 2 + p.scalars;
  let next = params;
  const P = next++;
  const VEND = next++;
  const END = next++;
  const i32Locals = 3;
  const firstV = next;
  const scalarReg = p.scalars > 0 ? Array.from({ length: p.scalars }, () => next++) : [];
  const stepReg = p.steps.map(() => next++);
  const masks = p.steps.map((s) => (s.op === 'clip' ? [next++, next++] as const : undefined));
  const tmp = { a: next++, s: next++, m: next++ };
  // Constants the rounding sequences use: one v128 local each, after every other local.
  const consts: number[] = [];
  const constBase = next;
  const c = (v: number): number => {
    const u = v >>> 0;
    let i = consts.indexOf(u);
    if (i < 0) i = consts.push(u) - 1;
    return constBase + i;
  };
  const operand = (x: FusedOperand, load: readonly number[]): number[] => {
    if (x.kind === 'tensor') return [...get(x.index), ...get(P), ...add, ...load];
    if (x.kind === 'scalar') return get(scalarReg[x.index]!);
    return get(stepReg[x.index]!);
  };
  const body = (load: readonly number[], store: readonly number[]): number[] => {
    const code: number[] = [];
    p.steps.forEach((st, k) => {
      const r = stepReg[k]!;
      if (st.op === 'clip') {
        const [m, q] = masks[k]!;
        code.push(...operand(st.a, load), ...get(scalarReg[st.lo!]!), ...PMAX, ...get(m), ...AND, ...get(scalarReg[st.hi!]!), ...PMIN, ...get(q), ...OR, ...set(r));
      } else {
        code.push(...operand(st.a, load), ...operand(st.b!, load), ...BINARY[st.op], ...set(r));
      }
      if (st.round !== 'none') {
        const slots: Slots = { p: P, vend: VEND, end: END, x: r, a: tmp.a, s: tmp.s, m: tmp.m, q: tmp.m, c };
        code.push(...(st.round === 'fp16' ? f16Body(slots) : bf16Body(slots)), ...set(r));
      }
    });
    code.push(...get(DST), ...get(P), ...add, ...get(stepReg[p.steps.length - 1]!), ...store);
    return code;
  };
  const vecBody = body(V_LOAD, V_STORE);
  const tailBody = body(SPLAT_LOAD, LANE0_STORE);
  const prologue: number[] = [];
  consts.forEach((v, i) => prologue.push(...i32x4Const(v), ...set(constBase + i)));
  scalarReg.forEach((r, i) => prologue.push(...get(T + 2 + i), ...F32X4_SPLAT, ...set(r)));
  p.steps.forEach((s, k) => {
    if (s.op !== 'clip') return;
    const [m, q] = masks[k]!;
    const lo = T + 2 + s.lo!;
    const hi = T + 2 + s.hi!;
    prologue.push(
      ...get(lo), 0xbc, ...i32(31), 0x75, ...i32(0x7fffffff), 0x72, ...I32X4_SPLAT, ...set(m),
      ...get(hi), 0xbc, ...i32(-0x80000000), 0x71, ...I32X4_SPLAT, ...set(q),
    );
  });
  const loop = (step: number, limit: number, code: readonly number[]): number[] => [
    ...blockLoop, ...get(P), ...get(limit), ...geU, ...brIf(1), ...code, ...get(P), ...i32(step), ...add, ...set(P), ...br(0), ...end2,
  ];
  const code = [
    ...prologue,
    ...get(N), ...i32(2), ...ins.shl, ...set(END),
    ...get(END), ...i32(-16), 0x71, ...set(VEND),
    ...loop(16, VEND, vecBody),
    ...loop(4, END, tailBody),
  ];
  const v128s = next + consts.length - firstV;
  const fn = [2, ...uleb(i32Locals), 0x7f, ...uleb(v128s), 0x7b, ...code, 0x0b];
  return [...uleb(fn.length), ...fn];
}

function i32x4Const(v: number): number[] {
  const b = [...simd(0x0c)];
  for (let k = 0; k < 4; k++) b.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
  return b;
}


/** A compiled program, instantiated once per memory. */
export class FusedKernel {
  readonly #bytes: Uint8Array<ArrayBuffer>;
  #memory: WebAssembly.Memory | undefined;
  #fn: ((...args: number[]) => void) | undefined;

  constructor(readonly program: FusedProgram) {
    const params = [...new Array<number>(program.tensors + 2).fill(I32), ...new Array<number>(program.scalars).fill(F32)];
    this.#bytes = moduleOf(params, [['run', programFunction(program)]]);
  }

  /** Runs on `memory`: tensor operand addresses, output address, element count, scalars. */
  run(memory: WebAssembly.Memory, tensors: readonly number[], dst: number, n: number, scalars: readonly number[]): void {
    if (this.#memory !== memory) {
      const e = instantiate(this.#bytes, memory);
      if (e === undefined) throw new Error('Internal: WebAssembly SIMD is not available');
      this.#memory = memory;
      this.#fn = e['run']!;
    }
    this.#fn!(...tensors, dst, n, ...scalars);
  }
}
