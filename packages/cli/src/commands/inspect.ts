import type { Command } from 'commander';
import type { Model } from '@mixprec/ir';
import { createPassContext, runPipeline } from '@mixprec/passes';
import { inferTypes } from '@mixprec/transforms';
import { modelCensus, type ModelCensus } from '../census.js';
import type { CliIO } from '../io.js';
import { formatBytes, loadOrFail } from '../model-io.js';
import { table } from '../table.js';

/** `mixprec inspect IN… [--json]`: op histogram, dtype census, casts, IO, opsets, size. */
export function registerInspect(program: Command, io: CliIO): void {
  program
    .command('inspect')
    .description('Audit a model: ops, dtypes of weights/values/IO, Cast edges, opsets, subgraphs, size ("is this model secretly 16-bit?")')
    .argument('<models...>', 'ONNX model files')
    .option('--json', 'print machine-readable JSON only')
    .action((models: string[], opts: { json?: boolean }) => {
      const reports: { file: string; census: ModelCensus }[] = [];
      for (const file of models) reports.push({ file, census: modelCensus(withInferredTypes(loadOrFail(file))) });
      if (opts.json === true) {
        const payload = reports.length === 1 ? { file: reports[0]!.file, ...reports[0]!.census } : reports.map((r) => ({ file: r.file, ...r.census }));
        io.stdout(`${JSON.stringify(payload, null, 2)}\n`);
        return;
      }
      io.stdout(reports.map((r) => formatCensus(r.file, r.census)).join('\n'));
    });
}

/**
 * Runs `infer-types` on the loaded model (never saved) so that the census counts the dtypes of
 * values the file leaves untyped; a model the inference cannot handle is counted as declared.
 */
function withInferredTypes(model: Model): Model {
  const ctx = createPassContext({ report: () => undefined });
  if (ctx._tag === 'Right') {
    try {
      runPipeline(model, inferTypes(), ctx.right);
    } catch {
      // An internal failure of inference: the declared types are still a valid census.
    }
  }
  return model;
}

/** The human-readable census. */
export function formatCensus(file: string, c: ModelCensus): string {
  const out: string[] = [];
  out.push(`${file}`);
  out.push(`  IR ${c.irVersion}, opsets ${Object.entries(c.opsets).map(([d, v]) => `${d} ${v}`).join(', ')}${c.producer === '' ? '' : `, producer ${c.producer}`}`);
  out.push(`  ${c.nodes} nodes in ${c.graphs} graph(s), subgraph depth ${c.subgraphDepth}${c.functions > 0 ? `, ${c.functions} function(s)` : ''}`);
  const frac = c.weights16BitFraction === null ? 'no float weights' : `${(c.weights16BitFraction * 100).toFixed(1)} % of float weight bytes in 16-bit`;
  out.push(`  weights ${formatBytes(c.weightBytes.total)}: ${frac}`);
  out.push('', '  Inputs:');
  out.push(...table([['name', 'dtype', 'shape'], ...c.inputs.map((v) => [v.name, v.dtype, v.shape])], '    '));
  out.push('', '  Outputs:');
  out.push(...table([['name', 'dtype', 'shape'], ...c.outputs.map((v) => [v.name, v.dtype, v.shape])], '    '));
  out.push('', '  Weights (initializers and Constant values) by dtype:');
  out.push(...table([['dtype', 'count', 'elements', 'bytes'], ...Object.entries(c.initializers).map(([k, v]) => [k, String(v.count), String(v.elements), formatBytes(v.bytes)])], '    '));
  out.push('', '  Values by dtype:');
  out.push(...table([['dtype', 'count'], ...Object.entries(c.values).map(([k, v]) => [k, String(v)])], '    '));
  out.push('', '  Cast edges:');
  const casts = Object.entries(c.casts);
  out.push(...(casts.length === 0 ? ['    (none)'] : table([['from->to', 'count'], ...casts.map(([k, v]) => [k, String(v)])], '    ')));
  if (Object.keys(c.accumulation).length > 0) {
    out.push('', '  Accumulation annotations (mixprec.accumulation):');
    out.push(...table([['dtype', 'nodes'], ...Object.entries(c.accumulation).map(([k, v]) => [k, String(v)])], '    '));
  }
  out.push('', '  Ops:');
  out.push(...table([['op', 'count'], ...Object.entries(c.ops).map(([k, v]) => [k, String(v)])], '    '));
  return `${out.join('\n')}\n`;
}
