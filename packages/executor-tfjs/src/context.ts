import type * as tf from '@tensorflow/tfjs-core';
import { DataType, dataTypeName, toNumber, type Attr, type Graph, type Node, type Tensor } from '@mixprec/ir';
import { ExecError, nodeError } from './errors.js';
import { numbersOf } from './host.js';
import { makeRng, hashString, type Rng } from './rng.js';
import { describeValue, type RValue, type SequenceValue, TensorValue } from './values.js';

/** What a kernel can ask of the running executor (subgraphs, seeds, notes). */
export interface KernelHost {
  /** Default-domain opset of the model. */
  readonly opset: number;
  /** Base seed of this run (random ops without a `seed` attribute derive theirs from it). */
  readonly seed: number;
  /** Runs a subgraph of the node with the given inputs (ownership passes to the callee). */
  runSubgraph(g: Graph, inputs: readonly RValue[]): RValue[];
  /** Attributes of the function call being executed (for `ref_attr_name`). */
  readonly attrScope: ReadonlyMap<string, Attr> | undefined;
  /** Records a note about the run (e.g. an accumulation annotation not honoured). */
  note(code: string, message: string): void;
  /**
   * A tensor derived from an input value, cached for the life of a prepared model when the
   * value is resident (an initializer or a Constant output); otherwise `make()`.
   */
  derived?(x: RValue, key: string, make: () => tf.Tensor): tf.Tensor;
  /** True when `x` is a resident value of a prepared model (an initializer or a Constant output). */
  resident?(x: RValue): boolean;
}

/** Accumulation precision requested by a node (`mixprec.accumulation` metadata). */
export type Accumulation = DataType.FLOAT | DataType.FLOAT16 | DataType.BFLOAT16;

/** Node metadata key holding the accumulation precision. */
export const ACCUMULATION_KEY = 'mixprec.accumulation';

/**
 * The view of one node execution a kernel gets: its inputs, attributes, declared output
 * types and helpers that throw {@link ExecError}s naming the node.
 */
export class KernelContext {
  constructor(
    readonly node: Node,
    readonly inputs: readonly (RValue | undefined)[],
    readonly host: KernelHost,
  ) {}

  get opset(): number {
    return this.host.opset;
  }

  /** Number of input slots (including omitted ones). */
  get inputCount(): number {
    return this.inputs.length;
  }

  /** True when input `i` is present. */
  has(i: number): boolean {
    return this.inputs[i] !== undefined;
  }

  /** Throws a KernelError naming the node. */
  fail(message: string): never {
    throw nodeError('KernelError', this.node, message);
  }

  value(i: number): RValue {
    const v = this.inputs[i];
    if (v === undefined) this.fail(`input ${i} is required`);
    return v;
  }

  tensor(i: number): TensorValue {
    const v = this.value(i);
    if (v.kind !== 'tensor') this.fail(`input ${i} must be a tensor, got ${describeValue(v)}`);
    return v;
  }

  optTensor(i: number): TensorValue | undefined {
    const v = this.inputs[i];
    if (v === undefined) return undefined;
    if (v.kind !== 'tensor') this.fail(`input ${i} must be a tensor, got ${describeValue(v)}`);
    return v;
  }

  sequence(i: number): SequenceValue {
    const v = this.value(i);
    if (v.kind !== 'sequence') this.fail(`input ${i} must be a sequence, got ${describeValue(v)}`);
    return v;
  }

  /** The tfjs tensor of input `i`; a wide int64 value is an Int64Overflow error. */
  tf(i: number): tf.Tensor {
    return this.tfOf(this.tensor(i), `input ${i}`);
  }

  /** The tfjs tensor of a value computed by the kernel or taken from its inputs. */
  tfOf(v: TensorValue, what = 'a value'): tf.Tensor {
    if (v.stored !== undefined) return v.tf!;
    if (v.wide !== undefined) {
      throw nodeError('Int64Overflow', this.node,
        `${what} (${v.toString()}) holds integers beyond the int32 range this op computes in (e.g. ${firstWide(v.wide)}); keep such values out of arithmetic or use smaller values`);
    }
    return this.fail(`${what} is a STRING tensor, which this op does not take`);
  }

  /**
   * `make()` — a tensor computed from input `i` only (e.g. a weight transposed into the layout
   * tfjs wants) — cached under `key` while the input is a resident constant of a prepared
   * model, so it is made once per model instead of once per run.
   */
  isResident(i: number): boolean {
    const x = this.inputs[i];
    return x !== undefined && this.host.resident?.(x) === true;
  }

  derived(i: number, key: string, make: () => tf.Tensor): tf.Tensor {
    const x = this.inputs[i];
    if (x === undefined || this.host.derived === undefined) return make();
    return this.host.derived(x, key, make);
  }

  /** Input `i` read as plain numbers (integers as exact as doubles allow). */
  numbers(i: number): number[] {
    return Array.from(numbersOf(this.tensor(i)));
  }

  /** Input `i` as integers; omitted → undefined. */
  optInts(i: number): number[] | undefined {
    return this.has(i) ? this.numbers(i).map((x) => Math.trunc(x)) : undefined;
  }

  /** A scalar (or single-element) input as a number; omitted → `fallback`. */
  scalar(i: number, fallback?: number): number {
    const t = this.optTensor(i);
    if (t === undefined) {
      if (fallback === undefined) this.fail(`input ${i} is required`);
      return fallback;
    }
    if (t.size !== 1) this.fail(`input ${i} must hold one element, got ${t.toString()}`);
    return numbersOf(t)[0]!;
  }

  // ---- attributes (function `ref_attr_name`s resolved) ----

  attr(name: string): Attr | undefined {
    const a = this.node.attributes.get(name);
    if (a?.refAttrName !== undefined) return this.host.attrScope?.get(a.refAttrName);
    return a;
  }

  hasAttr(name: string): boolean {
    return this.attr(name) !== undefined;
  }

  int(name: string, fallback: number): number;
  int(name: string): number | undefined;
  int(name: string, fallback?: number): number | undefined {
    const a = this.attr(name);
    if (a === undefined) return fallback;
    if (a.type === 'INT') return toNumber(a.value);
    if (a.type === 'FLOAT') return a.value;
    return this.fail(`attribute '${name}' must be an int, got ${a.type}`);
  }

  float(name: string, fallback: number): number;
  float(name: string): number | undefined;
  float(name: string, fallback?: number): number | undefined {
    const a = this.attr(name);
    if (a === undefined) return fallback;
    if (a.type === 'FLOAT') return a.value;
    if (a.type === 'INT') return toNumber(a.value);
    return this.fail(`attribute '${name}' must be a float, got ${a.type}`);
  }

  str(name: string, fallback: string): string;
  str(name: string): string | undefined;
  str(name: string, fallback?: string): string | undefined {
    const a = this.attr(name);
    if (a === undefined) return fallback;
    if (a.type !== 'STRING') return this.fail(`attribute '${name}' must be a string, got ${a.type}`);
    return typeof a.value === 'string' ? a.value : new TextDecoder().decode(a.value);
  }

  ints(name: string): number[] | undefined {
    const a = this.attr(name);
    if (a === undefined) return undefined;
    if (a.type === 'INTS') return a.value.map(toNumber);
    if (a.type === 'INT') return [toNumber(a.value)];
    return this.fail(`attribute '${name}' must be ints, got ${a.type}`);
  }

  floats(name: string): number[] | undefined {
    const a = this.attr(name);
    if (a === undefined) return undefined;
    if (a.type === 'FLOATS') return [...a.value];
    if (a.type === 'FLOAT') return [a.value];
    return this.fail(`attribute '${name}' must be floats, got ${a.type}`);
  }

  strs(name: string): string[] | undefined {
    const a = this.attr(name);
    if (a === undefined) return undefined;
    if (a.type !== 'STRINGS') return this.fail(`attribute '${name}' must be strings, got ${a.type}`);
    return a.value.map((s) => (typeof s === 'string' ? s : new TextDecoder().decode(s)));
  }

  tensorAttr(name: string): Tensor | undefined {
    const a = this.attr(name);
    if (a === undefined) return undefined;
    if (a.type !== 'TENSOR') return this.fail(`attribute '${name}' must be a tensor, got ${a.type}`);
    return a.value;
  }

  graph(name: string): Graph {
    const a = this.attr(name);
    if (a?.type !== 'GRAPH') return this.fail(`attribute '${name}' (a graph) is required`);
    return a.value;
  }

  /** The declared dtype of output `i`, when the model declares a tensor type for it. */
  declaredDType(i: number): DataType | undefined {
    const t = this.node.outputs[i]?.type;
    return t?.kind === 'tensor' ? t.dtype : undefined;
  }

  /** True when output `i` exists and is not omitted. */
  wantsOutput(i: number): boolean {
    const o = this.node.outputs[i];
    return o !== undefined && o.name !== '';
  }

  /** The accumulation precision requested for this node (FLOAT when not annotated). */
  get accumulation(): Accumulation {
    const a = this.node.metadataOrUndefined()?.get(ACCUMULATION_KEY);
    if (a === undefined || a === 'float32' || a === 'float') return DataType.FLOAT;
    if (a === 'float16') return DataType.FLOAT16;
    if (a === 'bfloat16') return DataType.BFLOAT16;
    throw new ExecError('InvalidInput', `${this.node.toString()}: unknown ${ACCUMULATION_KEY} '${a}'; use float32, float16 or bfloat16`);
  }

  /** A seeded generator: from the `seed` attribute, else from the run seed and the node. */
  rng(): Rng {
    const s = this.float('seed');
    const base = s !== undefined ? Math.trunc(s * 1000003) : hashString(this.node.name + '|' + (this.node.outputs[0]?.name ?? ''), this.host.seed >>> 0);
    return makeRng(base);
  }

  /** A dtype name for messages. */
  static dtypeName(d: DataType): string {
    return dataTypeName(d);
  }
}

function firstWide(w: BigInt64Array): string {
  for (const x of w) if (x < -2147483648n || x > 2147483647n) return x.toString();
  return '?';
}
