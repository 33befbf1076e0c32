import type { PassFactory, PipelineAlias } from '@mixprec/passes';
import { amp, createAmpPass } from './amp-pass.js';
import { int16, int64ToInt32 } from './int16/int16-pass.js';
import type { PolicyRegistry } from './policy-registry.js';

/**
 * The passes of this package (`amp` over the built-in policies, `int16`, `int64-to-int32`), for
 * `createPassRegistry({ passes: [...transformPasses, ...ampPasses], aliases: [...ampAliases] })`.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const ampPasses: readonly PassFactory<any>[] = Object.freeze([amp, int16, int64ToInt32]);

/** The passes of this package with policy names looked up in `policies` (the CLI's registry). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function createAmpPasses(policies: PolicyRegistry): readonly PassFactory<any>[] {
  return Object.freeze([createAmpPass(policies), int16, int64ToInt32]);
}

/**
 * Pipeline aliases for the usual conversions (they need the transforms passes registered too:
 * `infer-types`, `cast-cleanup`, `dce`).
 */
export const ampAliases: readonly PipelineAlias[] = Object.freeze([
  { name: 'amp-fp16', description: 'FP32 → FP16 with the aggressive policy; graph inputs/outputs become float16', pipeline: 'infer-types,amp{target=float16},cast-cleanup,dce' },
  { name: 'amp-fp16-keep-io', description: 'FP32 → FP16 with the aggressive policy; graph inputs/outputs keep float32', pipeline: 'infer-types,amp{target=float16 keep-io-types=true},cast-cleanup,dce' },
  { name: 'amp-fp16-balanced', description: 'FP32 → FP16 with the balanced policy (TVM/TF lists)', pipeline: 'infer-types,amp{target=float16 policy=balanced},cast-cleanup,dce' },
  { name: 'amp-bf16', description: 'FP32 → BF16 with the bf16 policy; graph inputs/outputs become bfloat16', pipeline: 'infer-types,amp{target=bfloat16 policy=bf16},cast-cleanup,dce' },
  { name: 'amp-bf16-keep-io', description: 'FP32 → BF16 with the bf16 policy; graph inputs/outputs keep float32', pipeline: 'infer-types,amp{target=bfloat16 policy=bf16 keep-io-types=true},cast-cleanup,dce' },
  { name: 'amp-weights-fp16', description: 'Weights stored float16 and decoded in the graph; compute stays float32', pipeline: 'amp{target=float16 weights-only=true},cast-cleanup,dce' },
].map((a) => Object.freeze(a)));
