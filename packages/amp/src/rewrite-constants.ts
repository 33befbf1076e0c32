import {
  DataType, Node, Value, attr, dataTypeText, elementDType, tensorType, type Graph, type LowPrecisionFloat, type NarrowCounts,
  type Narrower, type Tensor,
} from '@mixprec/ir';
import { constantNodeTensor, convertTensor, type Converted } from './constants.js';
import type { CastInserter } from './rewrite-casts.js';
import type { RewriteLog } from './rewrite-log.js';

function logConversion(log: RewriteLog, graph: string, name: string, c: Converted): void {
  const elements = c.tensor.size;
  if (c.saturated > 0) log.saturated.push({ graph, name, count: c.saturated, elements });
  if (c.underflowed > 0) log.underflowed.push({ graph, name, count: c.underflowed, elements, replaced: c.replaced });
}

/**
 * Stores a FLOAT constant (initializer, also one that is a graph input, or Constant output) in
 * `target`, in place: sentinels saturate, underflow is reported (see `convertTensor`, which
 * `narrower`, the run's, serves).
 */
export function convertConstantInPlace(
  v: Value, target: LowPrecisionFloat, log: RewriteLog, graph: string, known?: ReadonlyMap<Tensor, NarrowCounts>, narrower?: Narrower,
): void {
  if (v.isInitializer()) {
    const c = convertTensor(v.constValue!, target, known?.get(v.constValue!), narrower);
    v.constValue = c.tensor;
    v.type = v.type === undefined ? tensorType(target, c.tensor.dims) : retype(v, target);
    logConversion(log, graph, v.name, c);
    log.constants.push({ graph, name: v.name, elements: c.tensor.size, copy: false });
    log.edits++;
    return;
  }
  const p = v.producer()!;
  const t = constantNodeTensor(p)!;
  const c = convertTensor(t, target, known?.get(t), narrower);
  p.removeAttr('value_float');
  p.removeAttr('value_floats');
  p.setAttr('value', attr.tensor(c.tensor));
  if (v.type !== undefined) v.type = retype(v, target);
  if (v.constValue !== undefined) v.constValue = c.tensor;
  logConversion(log, graph, v.name, c);
  log.constants.push({ graph, name: v.name, elements: c.tensor.size, copy: false });
  log.edits++;
}

function retype(v: Value, d: DataType): Value['type'] {
  const t = v.type!;
  return t.kind === 'tensor' ? { ...t, dtype: d } : t;
}

/**
 * Makes a `target` copy of a FLOAT constant that stays FLOAT for other consumers: a new
 * initializer `<name>_fp16` (or a new Constant node right after the original one), registered
 * as the constant's (value, target) Cast so that consumers wanting `target` read it.
 */
export function copyConstant(
  v: Value, target: LowPrecisionFloat, casts: CastInserter, log: RewriteLog, graph: string, known?: ReadonlyMap<Tensor, NarrowCounts>,
  narrower?: Narrower,
): Value {
  const g: Graph = v.graph()!;
  const sfx = target === DataType.FLOAT16 ? 'fp16' : 'bf16';
  const src = v.isInitializer() ? v.constValue! : constantNodeTensor(v.producer()!)!;
  const c = convertTensor(src, target, known?.get(src), narrower);
  const tensor = c.tensor.withMeta({});
  const name = g.names.freshValueName(`${v.name}_${sfx}`);
  let copy: Value;
  if (v.isInitializer()) {
    copy = new Value(name, tensorType(target, tensor.dims), tensor);
    g.addInitializer(copy);
  } else {
    copy = new Value(name, v.type === undefined ? undefined : retype(v, target));
    const n = new Node({
      opType: 'Constant', name: g.names.freshNodeName(`Constant_${v.name}_${sfx}`), outputs: [copy],
      attributes: { value: attr.tensor(tensor) },
    });
    casts.placeAtDefinition(v, n);
  }
  casts.remember(v, target, copy);
  logConversion(log, graph, name, c);
  log.constants.push({ graph, name, elements: tensor.size, copy: true });
  log.edits++;
  return copy;
}

/**
 * weightsOnly: stores the constant 16-bit and decodes it with one `Cast(to=FLOAT)` (metadata
 * `mixprec.role=weight-decode`) that every former consumer now reads.
 */
export function decodeWeight(
  v: Value, target: LowPrecisionFloat, casts: CastInserter, log: RewriteLog, graph: string, known?: ReadonlyMap<Tensor, NarrowCounts>,
  narrower?: Narrower,
): void {
  convertConstantInPlace(v, target, log, graph, known, narrower);
  const g = v.graph()!;
  const n = casts.makeCast(g, undefined, v.name, v.type, DataType.FLOAT);
  n.metadataProps.set('mixprec.role', 'weight-decode');
  v.replaceAllUsesWith(n.outputs[0]!);
  n.replaceInput(0, v);
  casts.placeAtDefinition(v, n);
  casts.record(g, n, elementDType(v.type) ?? target, 'weight-decode');
}

/** `float16` etc. for messages. */
export function dtypeName(d: DataType | undefined): string {
  return d === undefined ? '?' : dataTypeText(d);
}
