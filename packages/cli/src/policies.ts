import fs from 'node:fs';
import { createPolicyRegistry, formatPolicyFileError, loadPolicyFile, type Policy, type PolicyRegistry } from '@mixprec/amp';
import { policy as aggressive } from '@mixprec/policy-aggressive';
import { policy as balanced } from '@mixprec/policy-balanced';
import { policy as bf16 } from '@mixprec/policy-bf16';
import { CliError } from './errors.js';

/** The policies shipped with mixprec, by name. */
export function shippedPolicies(): PolicyRegistry {
  return createPolicyRegistry([aggressive, balanced, bf16]);
}

/**
 * `--policy NAME|FILE.json`: a shipped policy by name, or a policy file (which may extend a
 * shipped policy by name). Errors name the option, the file and the path inside it.
 */
export function resolvePolicy(spec: string | undefined, registry: PolicyRegistry = shippedPolicies()): Policy | undefined {
  if (spec === undefined) return undefined;
  const named = registry.get(spec);
  if (named !== undefined) return named;
  if (spec.endsWith('.json') || fs.existsSync(spec)) {
    const r = loadPolicyFile(spec, (name) => registry.get(name), registry.names());
    if (r._tag === 'Left') throw new CliError(`--policy: ${formatPolicyFileError(r.left).join('; ')}`);
    return r.right;
  }
  throw new CliError(`--policy: unknown policy '${spec}'; use one of ${registry.names().join(', ')} or a policy file (.json)`);
}
