import {
  dataTypeText, type DataType, type Diagnostic, type Graph, type LowPrecisionFloat, type NarrowCounts, type Node, type Tensor,
  type Value,
} from '@mixprec/ir';
import type { Color } from './policy.js';

/**
 * The rule that decided a node (first match wins, in this order):
 * `quantized`, `no-schema`, `inconsistent` (types that contradict each other or the schema, or
 * attributes/shapes no runtime accepts), `schema`, `runtime`, `cast-intent`, `cast-boundary`, `materialized`, `user-block`,
 * `user-force`, `weight-range`, `calibration`, `policy`, `gray-follow`, `cluster`; and for nodes
 * outside the colouring: `no-float` (no fp32 position), `constant` (follows its consumers),
 * `control-flow` (If/Loop/Scan follow their bodies), `unsupported-subgraph`, `weights-only`.
 */
export type PlanRule =
  | 'quantized' | 'no-schema' | 'inconsistent' | 'schema' | 'runtime' | 'cast-intent' | 'cast-boundary' | 'materialized' | 'user-block'
  | 'user-force' | 'weight-range' | 'calibration' | 'policy' | 'gray-follow' | 'cluster' | 'no-float' | 'constant'
  | 'control-flow' | 'unsupported-subgraph' | 'weights-only';

/** A colour, or `none` for nodes with no fp32 position. */
export type PlanColor = Color | 'none';

/** The decision for one node. */
export interface NodePlan {
  readonly node: Node;
  /** Graph path, e.g. `main` or `main/If_0.then_branch`. */
  readonly graph: string;
  readonly color: PlanColor;
  readonly rule: PlanRule;
  readonly reason?: string;
  /** The policy's accumulation dtype (16-bit nodes only). */
  readonly accumulation?: DataType;
  /** The policy's output dtype, when it differs from the target. */
  readonly output?: DataType;
  /** The node computes (some type group) in 16-bit. */
  readonly converted: boolean;
  /** `materialize`: the node computes in its accumulation dtype between Casts. */
  readonly materialized: boolean;
  /** Wanted dtype per input slot; undefined: the value is used as it is. */
  readonly inputs: readonly (DataType | undefined)[];
  /** Computed dtype per output slot; undefined: unchanged. */
  readonly outputs: readonly (DataType | undefined)[];
}

/** A weight that kept its consumer in float32 because of its range. */
export interface KeptForRange {
  readonly graph: string;
  readonly node: string;
  readonly value: string;
  readonly absMax: number;
}

/**
 * The analysis result: what every node and value becomes. Pure data over the model's objects;
 * {@link formatPlan} prints it (`--print-amp-decisions`), the rewrite applies it.
 */
export interface Plan {
  readonly target: LowPrecisionFloat;
  readonly policy: string;
  readonly ioMode: 'convert' | 'keep' | 'keep-some';
  readonly accumulation: 'annotate' | 'materialize';
  readonly weightsOnly: boolean;
  /** Node decisions, graph by graph in topological order (parents before bodies). */
  readonly nodes: readonly NodePlan[];
  readonly byNode: ReadonlyMap<Node, NodePlan>;
  /** Planned dtype of every value whose element type is or was FLOAT (what its consumers see). */
  readonly values: ReadonlyMap<Value, DataType>;
  /** Wanted dtype per output slot of each graph (main: the IO decision; bodies: control flow). */
  readonly graphOutputs: ReadonlyMap<Graph, readonly (DataType | undefined)[]>;
  /** Constants kept FLOAT that also need a 16-bit copy for some consumers. */
  readonly constantCopies: ReadonlySet<Value>;
  /** weightsOnly: the constants stored 16-bit and decoded in the graph. */
  readonly decodedWeights: readonly Value[];
  readonly keptForRange: readonly KeptForRange[];
  readonly graphPaths: ReadonlyMap<Graph, string>;
  /** Notes about exceptions to the IO rules and the like. */
  readonly diagnostics: readonly Diagnostic[];
  /**
   * What converting a FLOAT weight to the target counts (overflowing and underflowing values),
   * for the weights whose range the analysis measured: the rewrite reuses the counts instead of
   * reading each (lazy) weight once more.
   */
  readonly narrowing?: ReadonlyMap<Tensor, NarrowCounts>;
}

function dt(d: DataType | undefined): string {
  return d === undefined ? '-' : dataTypeText(d);
}

/**
 * The plan as text, one line per node with a float position:
 * `main  Conv 'conv1'  green  policy  → float16 acc=float  (aggressive: Conv is green)`.
 */
export function formatPlan(plan: Plan): string {
  const lines: string[] = [];
  lines.push(`# amp plan: target=${dataTypeText(plan.target)} policy=${plan.policy} io=${plan.ioMode} accumulation=${plan.accumulation}${plan.weightsOnly ? ' weights-only' : ''}`);
  for (const p of plan.nodes) {
    if (p.rule === 'no-float') continue;
    const n = p.node;
    const label = `${n.domain === '' ? '' : `${n.domain}.`}${n.opType} '${n.name !== '' ? n.name : n.outputs[0]?.name ?? ''}'`;
    const outs = p.outputs.some((o) => o !== undefined) ? ` → ${p.outputs.map(dt).join(',')}` : '';
    const acc = p.accumulation !== undefined ? ` acc=${dataTypeText(p.accumulation)}` : '';
    const mat = p.materialized ? ' materialized' : '';
    const why = p.reason !== undefined ? `  (${p.reason})` : '';
    lines.push(`${p.graph}  ${label}  ${p.color}${p.converted ? '' : ' (fp32)'}  ${p.rule}${outs}${acc}${mat}${why}`);
  }
  for (const k of plan.keptForRange) lines.push(`# kept float32 for range: '${k.value}' |v| up to ${k.absMax.toExponential(3)} (consumer '${k.node}')`);
  for (const d of plan.diagnostics) lines.push(`# ${d.severity} [${d.code}] ${d.message}`);
  return `${lines.join('\n')}\n`;
}
