import { PreconditionError } from '@mixprec/ir';
import type { Policy } from './policy.js';
import { aggressive } from './policies/aggressive.js';
import { balanced } from './policies/balanced.js';
import { bf16 } from './policies/bf16.js';

/**
 * Policies by name. The application builds one from the policy packages it ships (the CLI:
 * `createPolicyRegistry([aggressive, balanced, bf16, ...userPolicies])`) and hands it to
 * {@link createAmpPass} or the API options; `@mixprec/amp` itself depends on no policy package.
 */
export interface PolicyRegistry {
  get(name: string): Policy | undefined;
  /** Registered names, sorted. */
  names(): string[];
  /** A new registry with more policies (a name registered again replaces the old policy). */
  with(...policies: readonly Policy[]): PolicyRegistry;
}

/** Creates an immutable registry; duplicate names in one call are an error. */
export function createPolicyRegistry(policies: Iterable<Policy> = []): PolicyRegistry {
  const map = new Map<string, Policy>();
  for (const p of policies) {
    if (map.has(p.name)) throw new PreconditionError(`Policy '${p.name}' is registered twice`);
    map.set(p.name, p);
  }
  return freeze(map);
}

function freeze(map: ReadonlyMap<string, Policy>): PolicyRegistry {
  const own = new Map(map);
  return Object.freeze({
    get: (name: string) => own.get(name),
    names: () => [...own.keys()].sort(),
    with: (...more: readonly Policy[]) => {
      const next = new Map(own);
      for (const p of more) next.set(p.name, p);
      return freeze(next);
    },
  });
}

/**
 * The registry used when the caller gives none: the shipped policies, whose data lives in this
 * package (the `policies/*` packages re-export them with their JSON twins).
 */
export const builtinPolicies: PolicyRegistry = createPolicyRegistry([aggressive, balanced, bf16]);

/** The default policy name. */
export const DEFAULT_POLICY = 'aggressive';
