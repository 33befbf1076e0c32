/**
 * Keys and helpers for the `extras` bags in which the loader keeps what the IR does not model,
 * so that saving a just-loaded model writes the same message back.
 *
 * All keys start with `onnx.`. Values are plain data (strings, numbers, arrays, Uint8Array).
 */
export const EXTRAS = Object.freeze({
  /** Optional scalar fields that were written with their default value ('' or 0). */
  present: 'onnx.present',
  /** Optional message fields that were absent although the IR always has them (e.g. `graph`). */
  absent: 'onnx.absent',
  /** A `domain` spelled `ai.onnx` (the IR normalises it to ''). */
  domainSpelling: 'onnx.domainSpelling',
  /** The `opset_import` list exactly as read (order, spelling, presence of `domain`). */
  opsetImport: 'onnx.opsetImport',
  /** `value_info` entries in file order: a name, or a verbatim entry that differs from its value. */
  valueInfo: 'onnx.valueInfo',
  /**
   * The value each `valueInfo` entry named when loaded (undefined for an entry kept as an
   * extra), parallel to it: lets the saver skip looking names up. Not plain data; the saver
   * checks each value before use (a clone shares the extras but not the values).
   */
  valueInfoValues: 'onnx.valueInfoValues',
  /** Per graph-input slot: a verbatim ValueInfoProto whose TypeProto names no type. */
  inputInfo: 'onnx.inputInfo',
  /** Per graph-output slot: a verbatim ValueInfoProto where it differs from the value's info. */
  outputInfo: 'onnx.outputInfo',
  /** Graph `quantization_annotation` entries. */
  quantizationAnnotation: 'onnx.quantizationAnnotation',
  /** Encoded `NodeDeviceConfigurationProto`s of a node. */
  deviceConfigurations: 'onnx.deviceConfigurations',
  /** Encoded `DeviceConfigurationProto`s of a model. */
  configuration: 'onnx.configuration',
  /** Attribute names whose scalar value field (f, i or s) was absent. */
  attrValueAbsent: 'onnx.attrValueAbsent',
  /** Attribute name → declared type number, for attributes kept as UNDEFINED (no value given). */
  attrDeclaredType: 'onnx.attrDeclaredType',
  /** TensorProto `segment` as [begin, end] (each absent → null). */
  segment: 'onnx.segment',
  /** The file a model was loaded from (absolute), used by the saver's overwrite check. */
  source: 'onnx.source',
  /** External-data files the model's lazy tensors read from (absolute real paths). */
  externalFiles: 'onnx.externalFiles',
});

/** The keys of {@link EXTRAS}. */
export type ExtrasKey = (typeof EXTRAS)[keyof typeof EXTRAS];

/** True when `msg` has `field` as an own property (protobufjs: the field was on the wire). */
export function has(msg: object, field: string): boolean {
  return Object.prototype.hasOwnProperty.call(msg, field);
}

/** The fields among `fields` that `msg` carries with a default value ('' / 0 / Long 0). */
export function presentDefaults(msg: object, fields: readonly string[]): string[] {
  const out: string[] = [];
  for (const f of fields) {
    if (!has(msg, f)) continue;
    const v = (msg as Record<string, unknown>)[f];
    if (v === '' || v === 0 || v === false || isZeroLong(v)) out.push(f);
  }
  return out;
}

function isZeroLong(v: unknown): boolean {
  return typeof v === 'object' && v !== null && 'low' in v && 'high' in v
    && (v as { low: number }).low === 0 && (v as { high: number }).high === 0;
}

/** Reads an extras entry. */
export function getExtra<T>(extras: Readonly<Record<string, unknown>> | undefined, key: ExtrasKey): T | undefined {
  return extras?.[key] as T | undefined;
}

/** A new extras record with `entries` added (undefined values skipped); undefined when empty. */
export function withExtras(
  extras: Readonly<Record<string, unknown>> | undefined,
  entries: Readonly<Partial<Record<ExtrasKey, unknown>>>,
): Readonly<Record<string, unknown>> | undefined {
  let out: Record<string, unknown> | undefined = extras === undefined ? undefined : { ...extras };
  for (const [k, v] of Object.entries(entries)) {
    if (v === undefined) continue;
    if (Array.isArray(v) && v.length === 0) continue;
    (out ??= {})[k] = v;
  }
  return out;
}

/** The set of field names recorded under `onnx.present`. */
export function presentSet(extras: Readonly<Record<string, unknown>> | undefined): ReadonlySet<string> {
  const p = extras?.[EXTRAS.present];
  return Array.isArray(p) ? new Set(p as string[]) : EMPTY;
}

const EMPTY: ReadonlySet<string> = new Set();
