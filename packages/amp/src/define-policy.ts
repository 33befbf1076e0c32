import { DataType, PreconditionError, type LowPrecisionFloat } from '@mixprec/ir';
import {
  LIST_LEVEL, accumulationDType, type AccumulationName, type Color, type Decision, type Policy, type PolicyQuery,
  type PolicyRule,
} from './policy.js';

/** What {@link definePolicy} takes. Op names are ONNX op types; `domain.Op` names a custom-domain op. */
export interface PolicySpec {
  readonly name: string;
  readonly description?: string;
  /** Default: the extended policy's target, else FLOAT16. */
  readonly target?: LowPrecisionFloat;
  /** Start from another policy's rules, fallback and target; this spec's rules come after (and win ties). */
  readonly extends?: Policy;
  readonly green?: readonly string[];
  readonly gray?: readonly string[];
  readonly red?: readonly string[];
  /** Accumulation dtype per op (applies to green and gray decisions of that op). */
  readonly accumulation?: Readonly<Record<string, AccumulationName>>;
  /** Why each listed op has its colour, for the report (op → anchor text). */
  readonly reasons?: Readonly<Record<string, string>>;
  /** Colour of ops no rule decides (default: the extended policy's, else red). */
  readonly fallback?: Color;
  /** Why ops no rule decides get the fallback colour, for the report (default: a generic sentence). */
  readonly fallbackReason?: string;
  /** Custom rules (callables with levels; above 10 overrides the lists). */
  readonly rules?: readonly PolicyRule[];
  /** Custom-domain ops (`domain.Op`) this policy knows how to colour. */
  readonly claims?: readonly string[];
}

function opKey(domain: string, opType: string): string {
  return domain === '' || domain === 'ai.onnx' ? opType : `${domain}.${opType}`;
}

/**
 * Builds a policy from colour lists and callables:
 *
 * ```ts
 * const npu = definePolicy({
 *   name: 'my-npu', extends: balanced,
 *   green: ['Conv', 'MatMul'], red: ['Softmax'], accumulation: { Conv: 'float32' },
 *   rules: [{ name: 'small-conv-red', level: 20, decide: (q) =>
 *     q.node.opType === 'Conv' && macs(q) < 4096 ? { color: 'red', reason: 'too small to pay for casts' } : undefined }],
 * });
 * ```
 */
export function definePolicy(spec: PolicySpec): Policy {
  const colors = new Map<string, Color>();
  const add = (ops: readonly string[] | undefined, c: Color): void => {
    for (const op of ops ?? []) {
      const prev = colors.get(op);
      if (prev !== undefined && prev !== c) {
        throw new PreconditionError(`Policy '${spec.name}': op '${op}' is listed both ${prev} and ${c}`);
      }
      colors.set(op, c);
    }
  };
  add(spec.green, 'green');
  add(spec.gray, 'gray');
  add(spec.red, 'red');
  const acc = new Map<string, DataType>();
  for (const [op, a] of Object.entries(spec.accumulation ?? {})) acc.set(op, accumulationDType(a));
  const reasons = spec.reasons ?? {};
  // This spec's accumulation overrides what an extended policy's rules say for the same op.
  const rules: PolicyRule[] = (spec.extends?.rules ?? []).map((r) => overridingAccumulation(r, acc));
  if (colors.size > 0) {
    rules.push({
      name: `${spec.name}:lists`,
      level: LIST_LEVEL,
      scope: 'op',
      decide(q: PolicyQuery): Decision | undefined {
        const key = opKey(q.node.domain, q.node.opType);
        const color = colors.get(key);
        if (color === undefined) return undefined;
        const a = acc.get(key);
        const reason = reasons[key] ?? `${spec.name}: ${key} is ${color}`;
        return a === undefined ? { color, reason } : { color, accumulation: a, reason };
      },
    });
  }
  if (acc.size > 0) {
    // Accumulation for ops coloured by another rule (e.g. an extended policy's lists).
    rules.push({
      name: `${spec.name}:accumulation`,
      level: LIST_LEVEL - 1,
      decide: () => undefined,
    });
  }
  rules.push(...(spec.rules ?? []));
  const claims = new Set(spec.claims ?? []);
  const parent = spec.extends;
  const fallbackColor = spec.fallback ?? parent?.fallback.color ?? 'red';
  const fallbackReason = spec.fallbackReason
    ?? (spec.fallback === undefined && parent !== undefined ? parent.fallback.reason : undefined)
    ?? `${spec.name}: op not listed, default ${fallbackColor}`;
  const policy: Policy = {
    name: spec.name,
    description: spec.description ?? parent?.description ?? spec.name,
    target: spec.target ?? parent?.target ?? DataType.FLOAT16,
    rules: withAccumulation(rules, acc),
    fallback: { color: fallbackColor, reason: fallbackReason },
    claimsOp: (domain, opType) => claims.has(opKey(domain, opType)) || (parent?.claimsOp?.(domain, opType) ?? false),
  };
  return Object.freeze(policy);
}

/**
 * Wraps rules so that a decision without an accumulation dtype takes the one the spec lists
 * for that op (so `accumulation: { Conv: 'float32' }` applies however Conv was coloured).
 */
function withAccumulation(rules: readonly PolicyRule[], acc: ReadonlyMap<string, DataType>): readonly PolicyRule[] {
  const real = rules.filter((r) => !r.name.endsWith(':accumulation'));
  if (acc.size === 0) return Object.freeze(real);
  return Object.freeze(real.map((r) => ({
    name: r.name,
    level: r.level,
    ...(r.scope === undefined ? {} : { scope: r.scope }),
    decide(q: PolicyQuery): Decision | undefined {
      const d = r.decide(q);
      if (d === undefined || d.accumulation !== undefined || d.color === 'red') return d;
      const a = acc.get(opKey(q.node.domain, q.node.opType));
      return a === undefined ? d : { ...d, accumulation: a };
    },
  })));
}

/** An inherited rule whose green/gray decisions take this spec's accumulation for the op, when it names one. */
function overridingAccumulation(r: PolicyRule, acc: ReadonlyMap<string, DataType>): PolicyRule {
  if (acc.size === 0) return r;
  return {
    name: r.name,
    level: r.level,
    ...(r.scope === undefined ? {} : { scope: r.scope }),
    decide(q: PolicyQuery): Decision | undefined {
      const d = r.decide(q);
      if (d === undefined || d.color === 'red') return d;
      const a = acc.get(opKey(q.node.domain, q.node.opType));
      return a === undefined ? d : { ...d, accumulation: a };
    },
  };
}
