/**
 * A graph's `value_info` list as written: the entries recorded at load time in their order
 * (skipping values that no longer exist), then the extras and typed intermediate values added
 * since. {@link forEachValueInfo} is the definition; {@link valueInfoBytes} writes the same list
 * and, for a loaded graph, uses the values the loader recorded beside the names (checked, not
 * trusted) instead of looking every name up.
 */
import type { Graph, Value, ValueInfo } from '@mixprec/ir';
import { EXTRAS, getExtra } from './extras.js';
import { writeValueInfo } from './fast-encode.js';
import { onnx, type IValueInfoProto } from './proto.js';
import { hasInfo, infoOf, valueInfoToProto, verbatimStillValid, type ReadValueInfo } from './value-info.js';
import { Wire } from './wire.js';

/** The values defined in `g` itself, by name (last definition wins). */
function localValues(g: Graph): Map<string, Value> {
  const m = new Map<string, Value>();
  for (const v of g.inputs) m.set(v.name, v);
  for (const [k, v] of g.initializers) m.set(k, v);
  for (const [k, v] of g.sparseInitializers) m.set(k, v);
  for (const n of g) for (const o of n.outputs) if (o.name !== '') m.set(o.name, o);
  return m;
}

/** The `value_info` entries of {@link forEachValueInfo} as ValueInfoProto objects. */
export function valueInfoList(g: Graph, isFunction: boolean): IValueInfoProto[] {
  const out: IValueInfoProto[] = [];
  forEachValueInfo(g, isFunction, (v) => out.push(valueInfoToProto(infoOf(v))), (info) => out.push(valueInfoToProto(info)));
  return out;
}

/** The `value_info` extras of `g` by name, each name's entries in order. */
function extrasByName(g: Graph): Map<string, ValueInfo[]> {
  const m = new Map<string, ValueInfo[]>();
  for (const e of g.valueInfoExtras) {
    const l = m.get(e.name);
    if (l === undefined) m.set(e.name, [e]);
    else l.push(e);
  }
  return m;
}

/**
 * The entries of a graph's `value_info` list, in order: a value (its own info) or a verbatim
 * entry (an extra, or an entry recorded at load time that differed from its value).
 */
export function forEachValueInfo(g: Graph, isFunction: boolean, onValue: (v: Value) => void, onInfo: (info: ReadValueInfo) => void): void {
  const recorded = getExtra<(string | ValueInfo)[]>(g.extras, EXTRAS.valueInfo) ?? [];
  const values = localValues(g);
  const extras = extrasByName(g);
  const seen = new Set<string>();
  for (const r of recorded) {
    if (typeof r === 'string') {
      seen.add(r);
      const v = values.get(r);
      if (v !== undefined) {
        onValue(v);
        continue;
      }
      const e = extras.get(r)?.shift();
      if (e !== undefined) onInfo(e);
    } else {
      const v = values.get(r.name);
      if (v !== undefined && verbatimStillValid(v, r)) onInfo(r);
    }
  }
  for (const list of extras.values()) for (const e of list) onInfo(e);
  const consider = (v: Value): void => {
    if (v.name === '' || seen.has(v.name) || !hasInfo(v)) return;
    seen.add(v.name);
    onValue(v);
  };
  if (isFunction) for (const v of g.inputs) consider(v);
  // Outputs of this graph carry their info in `output`; a value that is only a subgraph's
  // output (a capture) still needs its entry here.
  const outputs = new Set(g.outputs);
  for (const n of g) for (const o of n.outputs) if (isFunction || !outputs.has(o)) consider(o);
}

/** Writes a value's entry as GraphProto field 13. */
function writeValue(w: Wire, v: Value): void {
  const meta = v.metadataProps !== undefined && v.metadataProps.size > 0 ? [...v.metadataProps] : undefined;
  if (!writeValueInfo(w, 13, v.name, v.type, v.docString, meta)) writeGeneric(w, infoOf(v));
}

/** Writes a verbatim entry as GraphProto field 13. */
function writeInfo(w: Wire, info: ReadValueInfo): void {
  if (info.rawType !== undefined || !writeValueInfo(w, 13, info.name, info.type, info.docString, info.metadataProps)) writeGeneric(w, info);
}

function writeGeneric(w: Wire, info: ReadValueInfo): void {
  w.bytes(13, onnx.ValueInfoProto.encode(valueInfoToProto(info)).finish());
}

/**
 * The `value_info` list of a graph (not a function's) as encoded GraphProto fields 13; with
 * `useRecorded` false, always by name lookup (the reference the tests compare with).
 */
export function valueInfoBytes(g: Graph, useRecorded = true): Uint8Array {
  // Sized for about 48 bytes per entry (a name and a rank-2 shape): a big graph's list is then
  // written without growing the buffer; the view of the local writer is the result (no copy).
  const w = new Wire(4096 + 48 * (g.size + g.valueInfoExtras.length));
  if (!useRecorded || !writeRecordedValueInfo(g, w)) forEachValueInfo(g, false, (v) => writeValue(w, v), (info) => writeInfo(w, info));
  return w.view();
}

/** True when `v` is a value {@link localValues} lists for `g` under `name`, `name` being unique there. */
function isRecorded(v: Value | undefined, name: string, g: Graph): v is Value {
  if (v === undefined || v.name !== name) return false;
  const p = v.producer();
  if (p !== undefined) return p.graph === g && name !== '';
  return v.graph() === g && (v.isGraphInput() || v.isInitializer() || g.sparseInitializers.get(name) === v);
}

const NONE: readonly never[] = Object.freeze([]);

/**
 * {@link forEachValueInfo} for a graph whose recorded entries come with the values the loader
 * found for them (`EXTRAS.valueInfoValues`), written to `w`. Applies only when the names of the
 * graph's own values are all distinct and each recorded value still has its name and is still
 * defined in the graph, or else its name names no value now (it was removed): then each name
 * stands for the value recorded with it or for nothing, and the list is the same without a map
 * of every value. Otherwise (a value renamed, or replaced by another of its name, names defined
 * twice, a cloned graph, a graph not loaded) returns false, having written nothing.
 */
export function writeRecordedValueInfo(g: Graph, w: Wire): boolean {
  const recorded = getExtra<readonly (string | ReadValueInfo)[]>(g.extras, EXTRAS.valueInfo) ?? NONE;
  const recordedValues = getExtra<readonly (Value | undefined)[]>(g.extras, EXTRAS.valueInfoValues) ?? NONE;
  if (recordedValues.length !== recorded.length) return false;
  // The names of the graph's own values, which must be distinct; false once listed (an update
  // in place: deleting most entries of a big Set would make it shrink and rehash repeatedly).
  const names = new Map<string, boolean>();
  let count = 0;
  for (const v of g.inputs) {
    names.set(v.name, true);
    count++;
  }
  for (const k of g.initializers.keys()) {
    names.set(k, true);
    count++;
  }
  for (const k of g.sparseInitializers.keys()) {
    names.set(k, true);
    count++;
  }
  for (let n = g.first; n !== undefined; n = n.next) {
    const outs = n.outputs;
    for (let i = 0; i < outs.length; i++) {
      const name = outs[i]!.name;
      if (name === '') continue;
      names.set(name, true);
      count++;
    }
  }
  if (names.size !== count) return false;
  // Each recorded value must still be the graph's value of that name, or the name must name
  // nothing now (the value was removed: the entry is dropped, or an extra of that name taken).
  for (let i = 0; i < recorded.length; i++) {
    const r = recorded[i]!;
    const v = recordedValues[i];
    const name = typeof r === 'string' ? r : r.name;
    if (!isRecorded(v, name, g) && names.has(name)) return false;
  }
  const extras = g.valueInfoExtras.length === 0 ? undefined : extrasByName(g);
  for (let i = 0; i < recorded.length; i++) {
    const r = recorded[i]!;
    const v = recordedValues[i];
    if (typeof r === 'string') {
      if (isRecorded(v, r, g)) {
        names.set(r, false); // listed: not again below
        writeValue(w, v);
      } else {
        const e = extras?.get(r)?.shift();
        if (e !== undefined) writeInfo(w, e);
      }
    } else if (isRecorded(v, r.name, g) && verbatimStillValid(v, r)) {
      writeInfo(w, r);
    }
  }
  if (extras !== undefined) for (const list of extras.values()) for (const e of list) writeInfo(w, e);
  // The graph's other typed node outputs (those not listed yet).
  for (let n = g.first; n !== undefined; n = n.next) {
    const outs = n.outputs;
    for (let i = 0; i < outs.length; i++) {
      const o = outs[i]!;
      if (o.name === '' || names.get(o.name) !== true || !hasInfo(o)) continue;
      if (o.isGraphOutput() && g.outputs.includes(o)) continue;
      writeValue(w, o);
    }
  }
  return true;
}
