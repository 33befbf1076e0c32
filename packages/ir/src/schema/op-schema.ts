import type { Attr, AttrType } from '../attr.js';
import { OP_SCHEMA_TABLE_JSON } from './op-schema-table.generated.js';

/**
 * One formal input or output of an operator schema.
 * - `single`: exactly one value; `optional`: may be absent (empty name or missing trailing input);
 * - `variadic`: the last formal parameter, standing for any number of actual values (at least
 *   `minArity`); `homogeneous` is false when each of those values binds its type parameter
 *   separately (e.g. Loop's `v_initial`), true otherwise.
 */
export interface FormalParam {
  readonly name: string;
  /** A type parameter (`T`) or a fixed type string (`tensor(float)`). */
  readonly typeStr: string;
  readonly option: 'single' | 'optional' | 'variadic';
  readonly homogeneous: boolean;
  /** Fewest actual values for this parameter: 1 single, 0 optional, as the schema says for variadics. */
  readonly minArity: number;
}

/** An attribute of an operator schema; `default` is set when ONNX gives a simple default value. */
export interface AttributeSchema {
  readonly name: string;
  readonly type: AttrType;
  readonly required: boolean;
  readonly default?: Attr;
}

/** One version of one ONNX operator, as in the ONNX operator schemas (without docs). */
export interface OpSchema {
  /** `''` for the default domain (ai.onnx). */
  readonly domain: string;
  readonly opType: string;
  readonly sinceVersion: number;
  readonly deprecated: boolean;
  readonly inputs: readonly FormalParam[];
  readonly outputs: readonly FormalParam[];
  readonly minInputs: number;
  /** `Infinity` when the last input is variadic. */
  readonly maxInputs: number;
  readonly minOutputs: number;
  readonly maxOutputs: number;
  /** Type parameter → allowed type strings (`tensor(float16)`, `seq(tensor(float))`, …), in schema order. */
  readonly typeConstraints: ReadonlyMap<string, readonly string[]>;
  readonly attributes: ReadonlyMap<string, AttributeSchema>;
}

type RawParam = [name: string, typeStr: string, option: 0 | 1 | 2 | 3];
type RawAttr = [name: string, type: AttrType, required: boolean, value?: number | string | (number | string)[]];
type RawOp = [
  domain: string, op: string, since: number, deprecated: 0 | 1, minIn: number, maxIn: number,
  minOut: number, maxOut: number, inputs: RawParam[], outputs: RawParam[],
  constraints: [param: string, types: number[]][], attributes: RawAttr[],
];
interface RawTable {
  readonly format: number;
  readonly sources: readonly string[];
  readonly maxSince: Readonly<Record<string, number>>;
  readonly types: readonly string[];
  readonly ops: readonly RawOp[];
}

const UNBOUNDED = 2147483647;
const OPTION: readonly FormalParam['option'][] = ['single', 'optional', 'variadic', 'variadic'];

/** `''` for `ai.onnx`; every other domain name unchanged. */
export function normalizeDomain(domain: string): string {
  return domain === 'ai.onnx' ? '' : domain;
}

function params(raw: readonly RawParam[], min: number): readonly FormalParam[] {
  return Object.freeze(raw.map(([name, typeStr, opt], i) => {
    const option = OPTION[opt] ?? 'single';
    // A variadic is last: the schema's minimum count, less the parameters before it.
    const minArity = option === 'single' ? 1 : option === 'optional' ? 0 : Math.max(0, min - i);
    return Object.freeze({ name, typeStr, option, homogeneous: opt !== 3, minArity });
  }));
}

function defaultAttr(type: AttrType, v: RawAttr[3]): Attr | undefined {
  if (v === undefined) return undefined;
  switch (type) {
    case 'FLOAT': return Object.freeze({ type, value: Math.fround(Number(v)) });
    case 'INT': return Object.freeze({ type, value: Number(v) });
    case 'STRING': return Object.freeze({ type, value: String(v) });
    case 'FLOATS': return Object.freeze({ type, value: Object.freeze((v as number[]).map((x) => Math.fround(x))) });
    case 'INTS': return Object.freeze({ type, value: Object.freeze((v as number[]).map(Number)) });
    case 'STRINGS': return Object.freeze({ type, value: Object.freeze((v as string[]).map(String)) });
    default: return undefined;
  }
}

function build(raw: RawOp, types: readonly string[]): OpSchema {
  const [domain, opType, sinceVersion, dep, minIn, maxIn, minOut, maxOut, ins, outs, tcs, attrs] = raw;
  const typeConstraints = new Map<string, readonly string[]>();
  for (const [param, idx] of tcs) {
    typeConstraints.set(param, Object.freeze(idx.map((i) => types[i] ?? `?${i}`)));
  }
  const attributes = new Map<string, AttributeSchema>();
  for (const [name, type, required, value] of attrs) {
    const d = defaultAttr(type, value);
    attributes.set(name, Object.freeze(d === undefined ? { name, type, required } : { name, type, required, default: d }));
  }
  return Object.freeze({
    domain, opType, sinceVersion, deprecated: dep === 1,
    inputs: params(ins, minIn), outputs: params(outs, minOut),
    minInputs: minIn, maxInputs: maxIn >= UNBOUNDED ? Infinity : maxIn,
    minOutputs: minOut, maxOutputs: maxOut >= UNBOUNDED ? Infinity : maxOut,
    typeConstraints, attributes,
  });
}

interface Table {
  readonly sources: readonly string[];
  readonly maxSince: ReadonlyMap<string, number>;
  /** `${domain}::${opType}` → versions in ascending since order. */
  readonly byOp: ReadonlyMap<string, readonly OpSchema[]>;
  /** The same lists by domain, then op type: a lookup builds no key string. */
  readonly byDomain: ReadonlyMap<string, ReadonlyMap<string, readonly OpSchema[]>>;
}

function load(): Table {
  const raw = JSON.parse(OP_SCHEMA_TABLE_JSON) as RawTable;
  if (raw.format !== 1) throw new Error(`op-schema table format ${raw.format} is not supported; rebuild it`);
  const byOp = new Map<string, OpSchema[]>();
  for (const r of raw.ops) {
    const s = build(r, raw.types);
    const key = `${s.domain}::${s.opType}`;
    const list = byOp.get(key);
    if (list === undefined) byOp.set(key, [s]);
    else list.push(s);
  }
  const byDomain = new Map<string, Map<string, readonly OpSchema[]>>();
  for (const list of byOp.values()) {
    list.sort((a, b) => a.sinceVersion - b.sinceVersion);
    Object.freeze(list);
    const { domain, opType } = list[0]!;
    let ops = byDomain.get(domain);
    if (ops === undefined) byDomain.set(domain, (ops = new Map()));
    ops.set(opType, list);
  }
  return Object.freeze({
    sources: Object.freeze([...raw.sources]),
    maxSince: new Map(Object.entries(raw.maxSince)),
    byOp,
    byDomain,
  });
}

/** Built once at import, frozen; about 640 schema versions (a few ms of JSON.parse). */
const TABLE: Table = load();

/** Domains the table covers (besides `ai.onnx` = `''`). Ops of other domains have no schema here. */
export const ONNX_DOMAINS: readonly string[] = Object.freeze(
  ['', 'ai.onnx.ml', 'ai.onnx.preview', 'ai.onnx.preview.training', 'ai.onnx.training'],
);

/** Where the table's facts come from (the onnx package version and the spec release). */
export function opSchemaSources(): readonly string[] {
  return TABLE.sources;
}

/**
 * The newest opset version of `domain` the table knows (27 for ai.onnx): a model importing a newer
 * opset may use operator versions missing here, so callers should then be conservative.
 * Undefined for domains outside the table.
 */
export function maxKnownOpset(domain: string): number | undefined {
  return TABLE.maxSince.get(normalizeDomain(domain));
}

/**
 * The schema an ONNX node runs under: the newest version of `domain`/`opType` whose
 * since_version ≤ `opset` (the opset the model imports for that domain). Undefined when the op
 * is unknown, did not exist yet at that opset, or the domain is not an ONNX one (e.g.
 * `com.microsoft`: callers must then be conservative).
 */
export function getOpSchema(domain: string, opType: string, opset: number): OpSchema | undefined {
  const list = TABLE.byDomain.get(normalizeDomain(domain))?.get(opType);
  if (list === undefined) return undefined;
  for (let i = list.length - 1; i >= 0; i--) {
    const s = list[i]!;
    if (s.sinceVersion <= opset) return s;
  }
  return undefined;
}

/** Every since_version of an operator, ascending; empty when the table does not know it. */
export function opVersions(domain: string, opType: string): readonly number[] {
  const list = TABLE.byOp.get(`${normalizeDomain(domain)}::${opType}`);
  return list === undefined ? [] : Object.freeze(list.map((s) => s.sinceVersion));
}

/** All schema versions of an operator, ascending by since_version. */
export function opSchemaHistory(domain: string, opType: string): readonly OpSchema[] {
  return TABLE.byOp.get(`${normalizeDomain(domain)}::${opType}`) ?? [];
}

/** A known operator and its version history. */
export interface KnownOp {
  readonly domain: string;
  readonly opType: string;
  readonly versions: readonly number[];
}

/**
 * Every operator of the table (optionally of one domain), sorted by domain then name. With
 * `opset`, only the operators that exist at that opset (some version with since ≤ opset).
 */
export function knownOps(domain?: string, opset?: number): readonly KnownOp[] {
  const want = domain === undefined ? undefined : normalizeDomain(domain);
  const out: KnownOp[] = [];
  for (const list of TABLE.byOp.values()) {
    const first = list[0]!;
    if (want !== undefined && first.domain !== want) continue;
    if (opset !== undefined && first.sinceVersion > opset) continue;
    out.push(Object.freeze({ domain: first.domain, opType: first.opType, versions: Object.freeze(list.map((s) => s.sinceVersion)) }));
  }
  out.sort((a, b) => (a.domain === b.domain ? cmp(a.opType, b.opType) : cmp(a.domain, b.domain)));
  return out;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
