import type { Decision, Policy, PolicyQuery, PolicyRule, RuledDecision } from './policy.js';

/** The winner among a policy's op-scoped rules for one op type (or none of them has an opinion). */
export interface OpScopedBest {
  readonly decision: RuledDecision | undefined;
  /** Level and position of the winning rule (`-Infinity`, -1 when none). */
  readonly level: number;
  readonly index: number;
}

/** Where the caller keeps the op-scoped answer of one op type (e.g. its per-op facts). */
export interface OpScopedSlot {
  opScoped?: OpScopedBest;
}

/**
 * {@link decide} for many nodes of one model: rules with `scope: 'op'` are asked once per op
 * type (the caller keeps the answer in a slot per op type), the other rules per node, and only
 * those that could still win (a higher level, or the same level listed later). The result is
 * the decision `decide` gives; it is shared between the nodes of an op type when an op-scoped
 * rule (or the fallback) made it, so it must not be mutated. Create one per run.
 */
export class PolicyDecider {
  readonly policy: Policy;
  /** Rules that are asked per node, with their positions in the policy's list. */
  readonly #perNode: readonly { readonly rule: PolicyRule; readonly index: number }[];
  readonly #opScoped: readonly { readonly rule: PolicyRule; readonly index: number }[];
  readonly #fallback: RuledDecision;

  constructor(policy: Policy) {
    this.policy = policy;
    const perNode: { rule: PolicyRule; index: number }[] = [];
    const opScoped: { rule: PolicyRule; index: number }[] = [];
    policy.rules.forEach((rule, index) => (rule.scope === 'op' ? opScoped : perNode).push({ rule, index }));
    this.#perNode = perNode;
    this.#opScoped = opScoped;
    this.#fallback = Object.freeze({ ...policy.fallback, rule: 'fallback' });
  }

  /** True when no rule needs the node itself: the decision of a node follows from its op type. */
  get byOpType(): boolean {
    return this.#perNode.length === 0;
  }

  /**
   * The decision every node of the slot's op type gets, once it is known (no rule needs the
   * node itself, and {@link decide} has filled the slot); else undefined.
   */
  knownFor(slot: OpScopedSlot): RuledDecision | undefined {
    const s = slot.opScoped;
    return s === undefined || this.#perNode.length > 0 ? undefined : s.decision ?? this.#fallback;
  }

  /** The decision for `q`'s node; `slot` holds the answer of the op-scoped rules for its op type. */
  decide(q: PolicyQuery, slot: OpScopedSlot): RuledDecision {
    const s = slot.opScoped ?? (slot.opScoped = this.#best(q));
    let best: RuledDecision | undefined = s.decision;
    let bestLevel = s.level;
    const winner = s.index;
    for (const { rule, index } of this.#perNode) {
      if (rule.level < bestLevel || (rule.level === s.level && index < winner && best === s.decision)) continue;
      const d = rule.decide(q);
      if (d === undefined) continue;
      best = ruled(d, rule.name);
      bestLevel = rule.level;
    }
    return best ?? this.#fallback;
  }

  /** The op-scoped rules' winner for `q`'s op type, as `decide` would pick among them alone. */
  #best(q: PolicyQuery): OpScopedBest {
    let decision: RuledDecision | undefined;
    let level = -Infinity;
    let index = -1;
    for (const { rule, index: i } of this.#opScoped) {
      if (rule.level < level) continue;
      const d = rule.decide(q);
      if (d === undefined) continue;
      decision = Object.freeze(ruled(d, rule.name));
      level = rule.level;
      index = i;
    }
    return { decision, level, index };
  }
}

function ruled(d: Decision, rule: string): RuledDecision {
  return { ...d, rule };
}
