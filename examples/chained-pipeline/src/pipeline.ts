import { amp, ampAliases, ampPasses } from '@mixprec/amp';
import { countNodes, type Diagnostic, type Model } from '@mixprec/ir';
import {
  createIrPrinterInstrument, createPassContext, createPassRegistry, createTimingInstrument, printPipeline, runPipeline,
  sequential, type IrDump, type PassInstrument, type PassRegistry, type PassTiming,
} from '@mixprec/passes';
import { castCleanup, dce, inferTypes, transformAliases, transformPasses } from '@mixprec/transforms';
import { fuseMatMulAdd } from './fuse-matmul-add.js';

/** One pass as the node-count instrument saw it. */
export interface NodeCountStep {
  readonly pass: string;
  readonly before: number;
  readonly after: number;
  readonly modified: boolean;
}

/** A small instrument of our own: node count around every leaf pass. */
export function nodeCountInstrument(steps: NodeCountStep[]): PassInstrument {
  const stack: number[] = [];
  return {
    name: 'node-count',
    runBeforePass(m, info) {
      if (info.composite !== true) stack.push(countNodes(m));
    },
    runAfterPass(m, info, r) {
      if (info.composite === true) return;
      steps.push({ pass: info.name, before: stack.pop()!, after: countNodes(m), modified: r.modified });
    },
  };
}

/**
 * The passes this application knows: the shipped ones and ours. A registry resolves the
 * `required` prerequisites of passes (ours requires `infer-types`) and parses pipeline text.
 */
export function createRegistry(): PassRegistry {
  return createPassRegistry({
    passes: [...transformPasses, ...ampPasses, fuseMatMulAdd],
    aliases: [...transformAliases, ...ampAliases],
  });
}

/** What {@link runChainedPipeline} returns. */
export interface PipelineRun {
  /** The pipeline as text (what `mixprec opt -p` would take). */
  readonly text: string;
  readonly timings: readonly PassTiming[];
  /** The timing table (MLIR's `-mlir-timing` list view). */
  readonly timingReport: string;
  /** IR dumps after `fuse-matmul-add` and after `amp`. */
  readonly dumps: readonly IrDump[];
  readonly steps: readonly NodeCountStep[];
  readonly diagnostics: readonly Diagnostic[];
  readonly modified: boolean;
}

/**
 * The pipeline, chained from code: infer types, fuse MatMul+Add into Gemm (our pass), convert to
 * FP16 with the balanced policy keeping float32 IO (`amp`), clean up Casts, drop dead code —
 * with three instruments: timing, an IR printer after two passes, and a node counter. Every
 * pass is followed by the IR verifier (`verifyEach`). `fuse-matmul-add` requires `infer-types`,
 * so the manager runs it again just before (the timing shows two runs).
 */
export function runChainedPipeline(model: Model): PipelineRun {
  const pipeline = sequential('mlp-to-fp16', [
    inferTypes(),
    fuseMatMulAdd(),
    amp({ target: 'float16', policy: 'balanced', keepIoTypes: true }),
    castCleanup(),
    dce(),
  ]);
  const timing = createTimingInstrument();
  const dumps: IrDump[] = [];
  const printer = createIrPrinterInstrument({ after: ['fuse-matmul-add', 'amp'], sink: (d) => dumps.push(d) });
  const steps: NodeCountStep[] = [];
  const diagnostics: Diagnostic[] = [];
  const ctx = createPassContext({
    registry: createRegistry(), optLevel: 2, verifyEach: true, instruments: [timing, printer, nodeCountInstrument(steps)], report: (d) => diagnostics.push(d),
  });
  if (ctx._tag === 'Left') throw new Error(ctx.left.message);
  const r = runPipeline(model, pipeline, ctx.right);
  if (r._tag === 'Left') throw new Error(r.left.message);
  return {
    text: printPipeline(pipeline), timings: timing.entries(), timingReport: timing.format(), dumps, steps, diagnostics,
    modified: r.right.modified,
  };
}
