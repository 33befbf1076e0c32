import { fileURLToPath } from 'node:url';

/**
 * @mixprec/policy-balanced: the `balanced` mixed-precision policy: TVM/TF lists — contractions green with float32
 * accumulation, elementwise and data movement gray, exp/log/pow/softmax/reductions/normalisations
 * red, unlisted ops red — each decision carrying the reference tools it follows as its reason.
 * The value is defined in `@mixprec/amp`, next to the other shipped policies (so names resolve
 * without this package); this package is its published name and ships its policy-file twin.
 */
export { balanced, balanced as policy } from '@mixprec/amp';

/**
 * Path of `policy.json`, this policy as a policy file: `decodePolicyJson` / `loadPolicyFile`
 * turn it into a policy equivalent to {@link policy} (a starting point for `--policy FILE.json`).
 */
export const policyJsonPath: string = fileURLToPath(new URL('../policy.json', import.meta.url));
