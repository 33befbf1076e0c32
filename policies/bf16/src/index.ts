import { fileURLToPath } from 'node:url';

/**
 * @mixprec/policy-bf16: the `bf16` mixed-precision policy: BFLOAT16 for CPUs with AMX / AVX512-BF16 and for TPUs;
 * everything 16-bit with float32 accumulation for contractions, reductions and norms, float32 where
 * 8 significant bits are known to hurt.
 * The value is defined in `@mixprec/amp`, next to the other shipped policies (so names resolve
 * without this package); this package is its published name and ships its policy-file twin.
 */
export { bf16, bf16 as policy } from '@mixprec/amp';

/**
 * Path of `policy.json`, this policy as a policy file: `decodePolicyJson` / `loadPolicyFile`
 * turn it into a policy equivalent to {@link policy} (a starting point for `--policy FILE.json`).
 */
export const policyJsonPath: string = fileURLToPath(new URL('../policy.json', import.meta.url));
