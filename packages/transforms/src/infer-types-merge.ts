import { DataType, dataTypeText, type Dim, type ValueType } from '@mixprec/ir';

/** What inference found for one value: its type at dtype level, and its tensor shape. */
export interface Inferred {
  readonly type: ValueType | undefined;
  /** For tensor values; undefined when the rank is unknown. */
  readonly shape: readonly Dim[] | undefined;
}

/** The outcome of merging a declared and an inferred type. */
export interface Merged {
  readonly type: ValueType | undefined;
  /** Set when they contradict each other: what differs, for the diagnostic. */
  readonly conflict?: string;
}

function dimText(d: Dim): string {
  return d === undefined ? '?' : String(d);
}

function shapeText(s: readonly Dim[]): string {
  return `[${s.map(dimText).join(',')}]`;
}

/**
 * Merges dims: a declared dim (number or symbol) stays; an unknown declared dim takes the
 * inferred one. Two different numbers conflict; with `overwrite` the inferred dim wins
 * wherever it is known (a number also replaces a declared symbol).
 */
function mergeShape(declared: readonly Dim[] | undefined, inferred: readonly Dim[] | undefined, overwrite: boolean): { shape: readonly Dim[] | undefined; conflict?: string } {
  if (inferred === undefined) return { shape: declared };
  if (declared === undefined) return { shape: inferred };
  if (declared.length !== inferred.length) {
    const conflict = `rank: declared ${shapeText(declared)}, inferred ${shapeText(inferred)}`;
    return { shape: overwrite ? inferred : declared, conflict };
  }
  let conflict: string | undefined;
  const out = declared.map((d, i) => {
    const x = inferred[i];
    if (x === undefined) return d;
    if (d === undefined) return x;
    if (typeof d === 'number' && typeof x === 'number' && d !== x) {
      conflict = `shape: declared ${shapeText(declared)}, inferred ${shapeText(inferred)}`;
      return overwrite ? x : d;
    }
    if (overwrite && typeof d === 'string' && typeof x === 'number') return x;
    return d;
  });
  return conflict === undefined ? { shape: out } : { shape: out, conflict };
}

function withShape(t: ValueType, shape: readonly Dim[] | undefined): ValueType {
  if (t.kind !== 'tensor' && t.kind !== 'sparse_tensor') return t;
  if (shape === undefined) {
    const { shape: _drop, ...rest } = t;
    return rest;
  }
  return { ...t, shape: [...shape] };
}

/** Whether merging would give back `declared` unchanged: a known, equal dtype and equal (or no inferred) dims. */
export function agrees(declared: ValueType, it: ValueType, shape: readonly Dim[] | undefined): boolean {
  if (declared.kind !== 'tensor' || it.kind !== 'tensor' || declared.dtype !== it.dtype || declared.dtype === DataType.UNDEFINED) return false;
  const d = declared.shape;
  if (d === undefined) return false;
  if (shape === undefined) return true;
  if (d.length !== shape.length) return false;
  for (let i = 0; i < d.length; i++) if (d[i] !== shape[i]) return false;
  return true;
}

function dtypeOf(t: ValueType | undefined): DataType | undefined {
  return t !== undefined && (t.kind === 'tensor' || t.kind === 'sparse_tensor') && t.dtype !== DataType.UNDEFINED ? t.dtype : undefined;
}

/**
 * Combines a value's declared type with what inference found. The declared type is never
 * contradicted unless `overwrite`: a more specific declared type is kept, a less specific one
 * is completed (unknown dtype, rank or dims filled in); a contradiction is returned in
 * `conflict` and the declared side is kept.
 */
export function mergeTypes(declared: ValueType | undefined, inferred: Inferred, overwrite: boolean): Merged {
  const it = inferred.type;
  if (declared === undefined) {
    if (it === undefined) return { type: undefined };
    return { type: withShape(it, it.kind === 'tensor' || it.kind === 'sparse_tensor' ? inferred.shape : undefined) };
  }
  if (it === undefined) {
    // Only a shape is known: it completes a declared tensor type.
    if (declared.kind !== 'tensor' || inferred.shape === undefined) return { type: declared };
    const m = mergeShape(declared.shape, inferred.shape, overwrite);
    return { type: withShape(declared, m.shape), ...(m.conflict === undefined ? {} : { conflict: m.conflict }) };
  }
  if (declared.kind !== it.kind) {
    return { type: overwrite ? withShape(it, inferred.shape) : declared, conflict: `kind: declared ${declared.kind}, inferred ${it.kind}` };
  }
  switch (declared.kind) {
    case 'tensor':
    case 'sparse_tensor': {
      // The common case, declaration and inference agreeing (same dtype, same dims or no
      // inferred shape), keeps the declared type itself: the general merge would rebuild an
      // equal copy, which the caller then finds equal and drops.
      if (agrees(declared, it, inferred.shape)) return { type: declared };
      const dd = dtypeOf(declared);
      const id = dtypeOf(it);
      const conflicts: string[] = [];
      let dtype = dd ?? id ?? declared.dtype;
      if (dd !== undefined && id !== undefined && dd !== id) {
        conflicts.push(`dtype: declared ${dataTypeText(dd)}, inferred ${dataTypeText(id)}`);
        if (overwrite) dtype = id;
      }
      const m = mergeShape(declared.shape, inferred.shape, overwrite);
      if (m.conflict !== undefined) conflicts.push(m.conflict);
      const type = withShape({ ...declared, dtype }, m.shape);
      return conflicts.length === 0 ? { type } : { type, conflict: conflicts.join('; ') };
    }
    case 'sequence':
    case 'optional': {
      const ie = (it as typeof declared).elem;
      if (ie === undefined) return { type: declared };
      const inner = mergeTypes(declared.elem, { type: ie, shape: ie.kind === 'tensor' ? ie.shape : undefined }, overwrite);
      return { type: { ...declared, elem: inner.type }, ...(inner.conflict === undefined ? {} : { conflict: inner.conflict }) };
    }
    default:
      return { type: declared };
  }
}
