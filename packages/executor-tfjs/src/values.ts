import * as tf from '@tensorflow/tfjs-core';
import { DataType, dataTypeName, elementCount } from '@mixprec/ir';

/** How the executor stores elements of an ONNX dtype in tfjs. */
export type Storage = 'float32' | 'int32' | 'bool' | 'string';

/**
 * The tfjs storage of an ONNX dtype: FLOAT/FLOAT16/BFLOAT16/DOUBLE → float32 (16-bit values
 * held exactly on their grid; DOUBLE computed in float32), every integer type → int32
 * (64-bit and uint32 values beyond the int32 range are held "wide", see {@link TensorValue}),
 * BOOL → bool, STRING → host strings. Undefined for types the executor cannot hold.
 */
export function storageOf(dtype: DataType): Storage | undefined {
  switch (dtype) {
    case DataType.FLOAT: case DataType.FLOAT16: case DataType.BFLOAT16: case DataType.DOUBLE:
      return 'float32';
    case DataType.INT8: case DataType.UINT8: case DataType.INT16: case DataType.UINT16: case DataType.INT32:
    case DataType.UINT32: case DataType.INT64: case DataType.UINT64:
      return 'int32';
    case DataType.BOOL:
      return 'bool';
    case DataType.STRING:
      return 'string';
    default:
      return undefined;
  }
}

/** True for the integer dtypes whose values may exceed int32 (held wide when they do). */
export function mayBeWide(dtype: DataType): boolean {
  return dtype === DataType.INT64 || dtype === DataType.UINT64 || dtype === DataType.UINT32;
}

/**
 * The logical-layout twin of a channels-last value, made on first use and shared by the
 * relabelled copies of the value (so it is made, and freed, once).
 */
interface LogicalTwin {
  tensor: tf.Tensor | undefined;
}

/**
 * A tensor during execution: its logical ONNX dtype and shape, and exactly one storage:
 * - a tfjs tensor (float32, int32 or bool), held in the logical layout, or — for a rank-4
 *   value a channels-last kernel (Conv) made — in NHWC order ("channels-last": logical
 *   [N, C, H, W] stored as [N, H, W, C]; see {@link TensorValue.tf} and {@link TensorValue.stored});
 * - `wide`: exact 64-bit integers on the host, for INT64/UINT64/UINT32 values that do not
 *   fit int32 (UINT64 beyond 2^63 as its two's-complement bit pattern);
 * - `strings`: host strings for STRING tensors.
 */
export class TensorValue {
  readonly kind = 'tensor' as const;
  readonly #stored: tf.Tensor | undefined;
  readonly #twin: LogicalTwin | undefined;
  private constructor(
    readonly dtype: DataType,
    readonly shape: readonly number[],
    stored: tf.Tensor | undefined,
    readonly wide: BigInt64Array | undefined,
    readonly strings: readonly string[] | undefined,
    twin: LogicalTwin | undefined,
  ) {
    this.#stored = stored;
    this.#twin = twin;
  }

  static ofTf(dtype: DataType, t: tf.Tensor): TensorValue {
    return new TensorValue(dtype, t.shape, t, undefined, undefined, undefined);
  }

  /** A rank-4 value of logical shape [N, C, H, W] whose tensor `nhwc` holds it as [N, H, W, C]. */
  static ofChannelsLast(dtype: DataType, nhwc: tf.Tensor): TensorValue {
    const [n, h, w, c] = nhwc.shape as [number, number, number, number];
    return new TensorValue(dtype, [n, c, h, w], nhwc, undefined, undefined, { tensor: undefined });
  }

  static ofWide(dtype: DataType, shape: readonly number[], data: BigInt64Array): TensorValue {
    return new TensorValue(dtype, [...shape], undefined, data, undefined, undefined);
  }

  static ofStrings(shape: readonly number[], data: readonly string[]): TensorValue {
    return new TensorValue(DataType.STRING, [...shape], undefined, undefined, data, undefined);
  }

  /**
   * The tfjs tensor in the logical layout (undefined for wide and string values). For a
   * channels-last value it is transposed on first use and kept with the value (freed with it).
   */
  get tf(): tf.Tensor | undefined {
    const twin = this.#twin;
    if (twin === undefined) return this.#stored;
    if (twin.tensor === undefined || twin.tensor.isDisposed) twin.tensor = tf.keep(tf.transpose(this.#stored!, [0, 3, 1, 2]));
    return twin.tensor;
  }

  /** The tfjs tensor as stored: NHWC for a channels-last value, else the logical tensor. */
  get stored(): tf.Tensor | undefined {
    return this.#stored;
  }

  /** True when the tensor is stored channels-last (see {@link TensorValue.ofChannelsLast}). */
  get channelsLast(): boolean {
    return this.#twin !== undefined;
  }

  /** The logical twin of a channels-last value if it was made already (no transpose). */
  get logicalTwin(): tf.Tensor | undefined {
    return this.#twin?.tensor;
  }

  /**
   * The value of a rank-4 tensor in NHWC order: the stored tensor of a channels-last value,
   * else a transpose (a new tensor, owned by the caller's tidy scope).
   */
  nhwc(): tf.Tensor {
    if (this.#twin !== undefined) return this.#stored!;
    const t = this.#stored;
    if (t === undefined || t.rank !== 4) throw new Error(`Internal: no NHWC form of ${this.toString()}`);
    return tf.transpose(t, [0, 2, 3, 1]);
  }

  /** The same value stored in `t` (same layout), e.g. after rounding the stored tensor. */
  withStored(t: tf.Tensor): TensorValue {
    return this.#twin !== undefined ? TensorValue.ofChannelsLast(this.dtype, t) : TensorValue.ofTf(this.dtype, t);
  }

  get size(): number {
    return elementCount(this.shape);
  }

  get rank(): number {
    return this.shape.length;
  }

  /** The same storage under another logical dtype of the same storage class. */
  relabel(dtype: DataType): TensorValue {
    if (dtype === this.dtype) return this;
    return new TensorValue(dtype, this.shape, this.#stored, this.wide, this.strings, this.#twin);
  }

  toString(): string {
    return `${dataTypeName(this.dtype)}[${this.shape.join(', ')}]`;
  }
}

/** An ONNX sequence of tensors. */
export interface SequenceValue {
  readonly kind: 'sequence';
  /** Element dtype; undefined for an empty sequence of unknown type. */
  readonly elemDType: DataType | undefined;
  readonly items: readonly TensorValue[];
}

/** An ONNX optional: a tensor, a sequence, or nothing. */
export interface OptionalValue {
  readonly kind: 'optional';
  readonly value: TensorValue | SequenceValue | undefined;
}

/** Any value during execution. */
export type RValue = TensorValue | SequenceValue | OptionalValue;

export function sequenceValue(elemDType: DataType | undefined, items: readonly TensorValue[]): SequenceValue {
  return { kind: 'sequence', elemDType, items };
}

export function optionalValue(value: TensorValue | SequenceValue | undefined): OptionalValue {
  return { kind: 'optional', value };
}

/** Every tfjs tensor a value holds. */
export function tensorsOf(v: RValue | undefined, out: tf.Tensor[] = []): tf.Tensor[] {
  if (v === undefined) return out;
  if (v.kind === 'tensor') {
    const t = v.stored;
    if (t !== undefined) out.push(t);
    const twin = v.logicalTwin;
    if (twin !== undefined && twin !== t) out.push(twin);
  } else if (v.kind === 'sequence') {
    for (const t of v.items) tensorsOf(t, out);
  } else {
    tensorsOf(v.value, out);
  }
  return out;
}

/** Disposes the tfjs tensors of a value. */
export function disposeValue(v: RValue | undefined): void {
  for (const t of tensorsOf(v)) t.dispose();
}

/** A value with fresh tfjs handles on the same data (so owners can dispose independently). */
export function cloneValue(v: RValue): RValue {
  if (v.kind === 'tensor') {
    const t = v.stored;
    return t === undefined ? v : v.withStored(tf.clone(t));
  }
  if (v.kind === 'sequence') return sequenceValue(v.elemDType, v.items.map((t) => cloneValue(t) as TensorValue));
  return optionalValue(v.value === undefined ? undefined : (cloneValue(v.value) as TensorValue | SequenceValue));
}

/** A one-line description of a value for messages. */
export function describeValue(v: RValue | undefined): string {
  if (v === undefined) return 'nothing';
  if (v.kind === 'tensor') return v.toString();
  if (v.kind === 'sequence') return `sequence of ${v.items.length} tensor(s)`;
  return v.value === undefined ? 'empty optional' : `optional(${describeValue(v.value)})`;
}
