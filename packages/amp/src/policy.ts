import {
  DataType, type Dim, type LowPrecisionFloat, type Model, type Node, type Tensor, type Value,
} from '@mixprec/ir';

/**
 * A node's colour (TVM's ALWAYS / FOLLOW / NEVER; TF's allow / infer / deny):
 * green — always 16-bit; gray — 16-bit when its float inputs already are (else 32-bit);
 * red — stays 32-bit.
 */
export type Color = 'green' | 'gray' | 'red';

/** What a policy rule sees of a node. Everything is read-only. */
export interface PolicyQuery {
  readonly node: Node;
  readonly model: Model;
  /** The 16-bit type being converted to. */
  readonly target: LowPrecisionFloat;
  /** The model's opset for the node's domain. */
  readonly opset: number;
  /** Inferred shape of a value, when known. */
  shapeOf(v: Value): readonly Dim[] | undefined;
  /** The constant value of an input (initializer or Constant output), when it is one. */
  constantOf(v: Value): Tensor | undefined;
}

/**
 * A policy's answer for one node. `accumulation` is the dtype the op should accumulate in
 * (e.g. FLOAT for MatMul); `output` the dtype it should emit (default: the target). Both are
 * ignored for red nodes.
 */
export interface Decision {
  readonly color: Color;
  readonly accumulation?: DataType;
  readonly output?: DataType;
  /** Why, for the report (e.g. `balanced: Softmax is red (TVM Relay NEVER, PT fp32 list)`). */
  readonly reason?: string;
}

/**
 * What a rule's answer depends on, when the rule promises less than the whole query:
 * `op` — only the node's domain and op type (and the run's `target` and `opset`), as for the
 * colour lists of {@link definePolicy}. The analysis then asks such a rule once per op type of a
 * model, not once per node, and reuses the decision object (so it must not be mutated).
 * A rule without a scope may read anything in the query (names, attributes, shapes, constants)
 * and is asked for every node.
 */
export type RuleScope = 'op';

/** One rule of a policy: `undefined` means "no opinion", and lower levels are asked. */
export interface PolicyRule {
  readonly name: string;
  /** Priority (TVM `level`): lists are level 10; a higher level overrides. */
  readonly level: number;
  /** See {@link RuleScope}; omitted: the answer may depend on anything in the query. */
  readonly scope?: RuleScope;
  decide(q: PolicyQuery): Decision | undefined;
}

/** A mixed-precision policy: pure, total and deterministic. */
export interface Policy {
  readonly name: string;
  readonly description: string;
  readonly target: LowPrecisionFloat;
  readonly rules: readonly PolicyRule[];
  /** The decision for nodes no rule decides. */
  readonly fallback: Decision;
  /**
   * True when the policy knows how to colour an op the schema table does not know
   * (a custom-domain op of its hardware); such ops are then treated as having all float
   * positions in one type group.
   */
  claimsOp?(domain: string, opType: string): boolean;
}

/** A decision with the name of the rule that made it (`fallback` when none did). */
export interface RuledDecision extends Decision {
  readonly rule: string;
}

/**
 * Asks the policy about a node: the rule with the highest level that has an opinion wins;
 * among equal levels the one listed last wins (so later registrations override earlier ones).
 */
export function decide(policy: Policy, q: PolicyQuery): RuledDecision {
  let best: RuledDecision | undefined;
  let bestLevel = -Infinity;
  for (const r of policy.rules) {
    if (r.level < bestLevel) continue;
    const d = r.decide(q);
    if (d === undefined) continue;
    best = { ...d, rule: r.name };
    bestLevel = r.level;
  }
  return best ?? { ...policy.fallback, rule: 'fallback' };
}

/** The level of rules built from colour lists. */
export const LIST_LEVEL = 10;

/** Accumulation spellings in lists and JSON files. */
export type AccumulationName = 'float32' | 'float16' | 'bfloat16';

export function accumulationDType(name: AccumulationName): DataType {
  return name === 'float32' ? DataType.FLOAT : name === 'float16' ? DataType.FLOAT16 : DataType.BFLOAT16;
}
