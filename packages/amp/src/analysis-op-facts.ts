import { getOpSchema, maxKnownOpset, type Node, type OpSchema } from '@mixprec/ir';
import { SPATIAL } from './analysis-sanity.js';
import type { ResolvedAmpOptions } from './options.js';
import type { MergedGroups } from './node-slots.js';
import type { PlanColor, PlanRule } from './plan.js';
import type { Decision } from './policy.js';
import type { OpScopedSlot } from './policy-memo.js';
import { ortCpuKernelTable, runtimeGap } from './runtime-gaps.js';

/** ONNX ops on quantized integers: untouched. */
const QUANTIZED = new Set(['QuantizeLinear', 'DequantizeLinear', 'DynamicQuantizeLinear', 'QLinearConv', 'QLinearMatMul', 'MatMulInteger', 'ConvInteger']);

/**
 * Ops whose output stays in (or near) the 16-bit range whatever the magnitude of their input:
 * a value that may exceed ±65504 stops spreading there (the op itself still reads it in float32).
 */
const RANGE_COMPRESSING = new Set([
  'Log', 'Sigmoid', 'Tanh', 'Softmax', 'Erf', 'Sin', 'Cos', 'Atan', 'Sign', 'HardSigmoid', 'Softsign',
  'LayerNormalization', 'InstanceNormalization', 'GroupNormalization', 'MeanVarianceNormalization', 'LpNormalization',
  'RMSNormalization', 'Equal', 'Less', 'LessOrEqual', 'Greater', 'GreaterOrEqual', 'IsInf', 'IsNaN', 'ArgMax', 'ArgMin',
  'Shape', 'Size',
]);

/** Ops kept float32 by a large weight whose output is nevertheless in range (they divide by it or normalise with it). */
const LARGE_WEIGHT_SHRINKS = new Set(['Div', 'BatchNormalization']);

function isQuantized(domain: string, opType: string, opset: number): boolean {
  if (domain === '') {
    // From opset 19, Q/DQ take 16-bit scales: their float side follows the schema (see decideNode).
    if ((opType === 'QuantizeLinear' || opType === 'DequantizeLinear') && opset >= 19) return false;
    return QUANTIZED.has(opType) || opType.startsWith('QLinear') || opType.endsWith('Integer');
  }
  if (domain === 'com.microsoft') return /^Q[A-Z]/.test(opType) || /Quantize|Integer/.test(opType);
  return false;
}

/** What rules 1–7 decided for a node. */
export interface Verdict {
  readonly color: PlanColor;
  readonly rule: PlanRule;
  readonly reason?: string;
  readonly lowPrecision: boolean;
  readonly decision?: Decision;
}

/** `Op`, or `domain.Op` outside the default domain. */
export function opKey(n: Node): string {
  return n.domain === '' ? n.opType : `${n.domain}.${n.opType}`;
}

/**
 * What the analysis knows of an op type of the model (domain and op type at the model's
 * opset): the same for every node of that type, so found once per run. Also the slot where
 * the op-scoped policy rules' answer is kept.
 */
export interface OpFacts extends OpScopedSlot {
  /** The model's opset for the domain. */
  readonly opset: number | undefined;
  /** The schema (undefined: unknown op or domain, or an opset newer than the table). */
  readonly schema: OpSchema | undefined;
  /** No schema, but the policy claims the op (one group of all float positions). */
  readonly claimed: boolean;
  readonly quantized: boolean;
  /** `Op` or `domain.Op`. */
  readonly key: string;
  /** Listed in `blockOps`. */
  readonly blocked: boolean;
  /** The runtime gap of every node of the op, unless `gapVaries` (it depends on an attribute). */
  readonly gap: string | undefined;
  readonly gapVaries: boolean;
  readonly rangeCompressing: boolean;
  readonly largeWeightShrinks: boolean;
  /** A convolution or pool, whose output size `hostileReason` checks. */
  readonly spatial: boolean;
  /**
   * The verdict of the last policy decision met for this op (`verdictOf` is that decision):
   * nodes of one op type mostly share their decision object, and then their verdict.
   */
  verdictOf?: Decision;
  verdict?: Verdict;
  /** The merged type groups of the last arity met (`mergedArity`: inputs·65536 + outputs). */
  mergedArity?: number;
  merged?: MergedGroups;
  /** Likewise for a gray decision whose node found its float inputs available in 16-bit. */
  grayOf?: Decision;
  grayVerdict?: Verdict;
}

/** {@link OpFacts} by domain and op type, filled as nodes are met (one per analysis run). */
export class OpFactsCache {
  readonly #byDomain = new Map<string, Map<string, OpFacts>>();
  /** The default domain's facts (most nodes: one lookup). */
  readonly #onnx = new Map<string, OpFacts>();

  constructor(
    readonly opts: ResolvedAmpOptions,
    readonly opsetOf: (domain: string) => number | undefined,
    readonly claims: (domain: string, opType: string) => boolean,
  ) {}

  /** The facts of `n`'s op type. */
  of(n: Node): OpFacts {
    let byOp = n.domain === '' ? this.#onnx : this.#byDomain.get(n.domain);
    if (byOp === undefined) this.#byDomain.set(n.domain, (byOp = new Map()));
    let f = byOp.get(n.opType);
    if (f === undefined) byOp.set(n.opType, (f = this.#facts(n)));
    return f;
  }

  #facts(n: Node): OpFacts {
    const o = this.opts;
    const domain = n.domain;
    const opType = n.opType;
    const opset = this.opsetOf(domain);
    const known = opset === undefined ? undefined : getOpSchema(domain, opType, opset);
    const beyond = known !== undefined && opset! > (maxKnownOpset(domain) ?? 0);
    const schema = beyond ? undefined : known;
    const onnxOpset = this.opsetOf('') ?? 1;
    // A measured variant keyed by an attribute (e.g. ScatterND `reduction`): asked per node.
    const gapVaries = o.runtime === 'ort-cpu' && domain === '' && Object.hasOwn(ortCpuKernelTable(o.target).conditions, opType);
    const key = opKey(n);
    return {
      opset,
      schema,
      claimed: schema === undefined && this.claims(domain, opType),
      quantized: isQuantized(domain, opType, opset ?? 0),
      key,
      blocked: o.blockOps.has(key),
      gap: gapVaries ? undefined : runtimeGap(n, onnxOpset, o.target, o.runtime),
      gapVaries,
      rangeCompressing: domain === '' && RANGE_COMPRESSING.has(opType),
      largeWeightShrinks: domain === '' && LARGE_WEIGHT_SHRINKS.has(opType),
      spatial: domain === '' && SPATIAL.has(opType),
    };
  }
}
