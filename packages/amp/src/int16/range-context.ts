import type { DataType, Dim, Node } from '@mixprec/ir';
import type { Interval } from './interval.js';
import type { ValueRange } from './value-range.js';

/** What a range rule sees of the node it bounds. */
export interface RangeContext {
  readonly node: Node;
  /** Opset of the node's domain. */
  readonly opset: number;
  /** Ranges of the inputs; undefined for omitted optional inputs. */
  readonly inputs: readonly (ValueRange | undefined)[];
  /** Input `i`'s dtype, when known. */
  inDType(i: number): DataType | undefined;
  /** Output `o`'s dtype, when known. */
  outDType(o: number): DataType | undefined;
  /** Input `i`'s shape, when known. */
  inShape(i: number): readonly Dim[] | undefined;
  /** Output `o`'s shape, when known. */
  outShape(o: number): readonly Dim[] | undefined;
  /** Bounds of one dimension: exact for a number, from `dimBounds` or [0, 2^31 − 1] for a symbol/unknown. */
  dim(d: Dim): Interval;
}

/** Bounds per output (undefined entries: nothing known beyond the type). */
export type RangeRule = (c: RangeContext) => readonly (ValueRange | undefined)[] | undefined;
