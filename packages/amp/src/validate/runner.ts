import {
  DataType, isFloatType, isIntegerType, tensorFromNumbers, tensorToFloat32, tensorToFloat64, type Model, type Tensor,
} from '@mixprec/ir';
import type { BackendName, GenerateOptions } from '@mixprec/executor-tfjs';
import { executor } from './executor.js';

/** One sample of model inputs, with where it came from (a file, a folder, `random #3`). */
export interface FeedSet {
  readonly label: string;
  readonly feeds: Readonly<Record<string, Tensor>>;
}

/** A runtime that runs a model on feeds (the reference executor, onnxruntime-node, …). */
export interface ModelRunner {
  /** Shown in reports (`executor (wasm)`, `onnxruntime-node`). */
  readonly name: string;
  /** Runs the model; a Left carries a one-line message (bad feeds, unsupported op, …). */
  run(model: Model, feeds: Readonly<Record<string, Tensor>>): Promise<RunnerResult>;
  /**
   * Optional: makes the model ready for several runs (like an inference session), for callers
   * that run one unchanged model on many samples. The model must not be edited until the
   * session is disposed.
   */
  prepare?(model: Model): Promise<RunnerSession>;
}

/** A model prepared by {@link ModelRunner.prepare}. */
export interface RunnerSession {
  run(feeds: Readonly<Record<string, Tensor>>): Promise<RunnerResult>;
  /** Frees what the session keeps (idempotent). */
  dispose(): void;
}

/** What a runner returns: the outputs by name, or why it could not run. */
export type RunnerResult =
  | { readonly _tag: 'Right'; readonly right: Readonly<Record<string, Tensor>> }
  | { readonly _tag: 'Left'; readonly left: string };

/** Options of {@link executorRunner}. */
export interface ExecutorRunnerOptions {
  readonly backend?: BackendName | readonly BackendName[];
  /** Seed of random ops without a `seed` attribute (default 0). */
  readonly seed?: number;
}

/** The reference executor (tfjs kernels, exact FP16/BF16 emulation) as a {@link ModelRunner}. */
export function executorRunner(options: ExecutorRunnerOptions = {}): ModelRunner {
  return {
    name: 'executor',
    async run(model, feeds) {
      const r = await (await executor()).runModel(model, feeds, {
        ...(options.backend === undefined ? {} : { backend: options.backend }), seed: options.seed ?? 0,
      });
      if (r._tag === 'Left') return { _tag: 'Left', left: r.left.message };
      return { _tag: 'Right', right: r.right.outputs };
    },
    async prepare(model) {
      const ex = await executor();
      let failure: string | undefined;
      try {
        await ex.initBackend(options.backend);
      } catch (e) {
        failure = (e as Error).message;
      }
      const prepared = failure === undefined ? ex.prepareModel(model) : undefined;
      return {
        async run(feeds) {
          if (prepared === undefined) return { _tag: 'Left', left: failure! };
          const r = prepared.run(feeds, { seed: options.seed ?? 0 });
          if (r._tag === 'Left') return { _tag: 'Left', left: r.left.message };
          return { _tag: 'Right', right: r.right.outputs };
        },
        dispose: () => prepared?.dispose(),
      };
    },
  };
}

/**
 * The feeds as `model` takes them: a float feed for an input of another float type (FP32 data
 * for an input that became FLOAT16) is converted (one rounding); an integer feed for an input
 * of another integer type (INT64 data for an input narrowed to INT32/INT16) when every value
 * fits; everything else is passed on as it is (the runtime then says what is wrong).
 */
export function feedsFor(model: Model, feeds: Readonly<Record<string, Tensor>>): Record<string, Tensor> {
  const out: Record<string, Tensor> = { ...feeds };
  for (const v of model.graph.inputs) {
    const f = feeds[v.name];
    const want = v.dtype;
    if (f === undefined || want === undefined || want === f.dtype) continue;
    if (isFloatType(want) && isFloatType(f.dtype) && want !== DataType.FLOAT8E4M3FN) {
      out[v.name] = tensorFromNumbers(want, f.dims, tensorToFloat32(f));
    } else if (isIntegerType(want) && isIntegerType(f.dtype)) {
      const vals = tensorToFloat64(f);
      const t = tensorFromNumbers(want, f.dims, vals);
      const back = tensorToFloat64(t);
      if (vals.every((x, i) => back[i] === x)) out[v.name] = t;
    }
  }
  return out;
}

/** Options of {@link randomFeedSets}. */
export interface RandomFeedOptions extends Omit<GenerateOptions, 'seed'> {
  /** Number of samples (default 1). */
  readonly samples?: number;
  /** Seed of the first sample; sample i uses seed + i (default 0). */
  readonly seed?: number;
}

/**
 * Seeded random samples shaped from the model's declared inputs (see `generateInputs`:
 * floats uniform in [-1, 1), integers in [0, 10), unless `ranges` says otherwise).
 */
export async function randomFeedSets(model: Model, options: RandomFeedOptions = {}): Promise<FeedSet[]> {
  const n = options.samples ?? 1;
  const seed = options.seed ?? 0;
  const { generateInputs } = await executor();
  const sets: FeedSet[] = [];
  for (let i = 0; i < n; i++) sets.push({ label: `random #${i} (seed ${seed + i})`, feeds: generateInputs(model, { ...options, seed: seed + i }) });
  return sets;
}
