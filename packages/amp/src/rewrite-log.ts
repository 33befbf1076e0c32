import type { Node } from '@mixprec/ir';

/** Why a Cast was inserted. */
export type CastReason =
  /** A consumer wants another dtype than its input's planned one (shared per value and dtype). */
  | 'use'
  /** A kept (or red-consumed) graph input: the shared Cast after the input. */
  | 'io-input'
  /** A graph output whose dtype the IO mode fixes. */
  | 'io-output'
  /** A node whose outputs are seen in another dtype than it computes (materialize, policy output dtype). */
  | 'output-dtype'
  /** An If branch / Loop or Scan body output that must match the node's output dtype. */
  | 'body-output'
  /** weightsOnly: a 16-bit weight decoded to float32. */
  | 'weight-decode';

/** One inserted Cast. */
export interface CastRecord {
  readonly graph: string;
  readonly node: string;
  readonly input: string;
  readonly output: string;
  readonly from: string;
  readonly to: string;
  readonly reason: CastReason;
}

/** An existing Cast (or creation op) whose target dtype was changed. */
export interface RetargetRecord {
  readonly graph: string;
  readonly node: string;
  readonly opType: string;
  readonly from: string;
  readonly to: string;
}

/** A constant whose values were clamped or flushed when stored 16-bit. */
export interface TensorRecord {
  readonly graph: string;
  readonly name: string;
  /** Values affected. */
  readonly count: number;
  readonly elements: number;
  /** Underflow only: values replaced by ±(smallest subnormal) instead of 0. */
  readonly replaced?: number;
}

/** A constant stored 16-bit (in place, or as a 16-bit copy next to the float32 original). */
export interface ConstantRecord {
  readonly graph: string;
  readonly name: string;
  readonly elements: number;
  readonly copy: boolean;
}

/** What the rewrite did, for the report. */
export interface RewriteLog {
  readonly inserted: CastRecord[];
  readonly retargeted: RetargetRecord[];
  readonly saturated: TensorRecord[];
  readonly underflowed: TensorRecord[];
  readonly constants: ConstantRecord[];
  /** The Cast nodes inserted (to tell later which ones cleanup removed). */
  readonly castNodes: Node[];
  /** Number of edits of any kind (0: the model is unchanged). */
  edits: number;
}

export function emptyLog(): RewriteLog {
  return { inserted: [], retargeted: [], saturated: [], underflowed: [], constants: [], castNodes: [], edits: 0 };
}
