import { fileURLToPath } from 'node:url';

/**
 * @mixprec/policy-aggressive: the `aggressive` mixed-precision policy, the default of `@mixprec/amp`: every float op and weight
 * 16-bit unless unsafe or unsupported (coreai_opt semantics), float32 accumulation annotated on
 * contractions, reductions, pools, normalisations, softmax and scans.
 * The value is defined in `@mixprec/amp`, next to the other shipped policies (so names resolve
 * without this package); this package is its published name and ships its policy-file twin.
 */
export { aggressive, aggressive as policy } from '@mixprec/amp';

/**
 * Path of `policy.json`, this policy as a policy file: `decodePolicyJson` / `loadPolicyFile`
 * turn it into a policy equivalent to {@link policy} (a starting point for `--policy FILE.json`).
 */
export const policyJsonPath: string = fileURLToPath(new URL('../policy.json', import.meta.url));
