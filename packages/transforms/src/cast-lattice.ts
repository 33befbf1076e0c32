import { DataType, parseDataType, type Node } from '@mixprec/ir';

const D = DataType;

/**
 * `from → [to…]`: every value of `from` is exactly representable in `to`, so a Cast from →
 * to is exact. Integers fit in FLOAT16 up to 2048 and in BFLOAT16 up to 256, so only the 8-bit
 * integers (and BOOL) go there. STRING, complex and the FLOAT8/4-bit types are left out.
 */
const EXACT: ReadonlyMap<DataType, ReadonlySet<DataType>> = new Map([
  [D.BOOL, new Set([D.UINT8, D.INT8, D.UINT16, D.INT16, D.UINT32, D.INT32, D.UINT64, D.INT64, D.FLOAT16, D.BFLOAT16, D.FLOAT, D.DOUBLE])],
  [D.UINT8, new Set([D.UINT16, D.INT16, D.UINT32, D.INT32, D.UINT64, D.INT64, D.FLOAT16, D.BFLOAT16, D.FLOAT, D.DOUBLE])],
  [D.INT8, new Set([D.INT16, D.INT32, D.INT64, D.FLOAT16, D.BFLOAT16, D.FLOAT, D.DOUBLE])],
  [D.UINT16, new Set([D.UINT32, D.INT32, D.UINT64, D.INT64, D.FLOAT, D.DOUBLE])],
  [D.INT16, new Set([D.INT32, D.INT64, D.FLOAT, D.DOUBLE])],
  [D.UINT32, new Set([D.UINT64, D.INT64, D.DOUBLE])],
  [D.INT32, new Set([D.INT64, D.DOUBLE])],
  [D.UINT64, new Set<DataType>()],
  [D.INT64, new Set<DataType>()],
  [D.FLOAT16, new Set([D.FLOAT, D.DOUBLE])],
  [D.BFLOAT16, new Set([D.FLOAT, D.DOUBLE])],
  [D.FLOAT, new Set([D.DOUBLE])],
  [D.DOUBLE, new Set<DataType>()],
]);

/** BOOL, the integer types up to 64 bits, FLOAT16, BFLOAT16, FLOAT, DOUBLE: the types this lattice covers. */
export function isLatticeType(t: number): boolean {
  return EXACT.has(t);
}

/** True when Cast from → to keeps every value exactly (including from === to). */
export function isExactCast(from: number, to: number): boolean {
  return isLatticeType(from) && isLatticeType(to) && (from === to || EXACT.get(from)!.has(to));
}

/** FLOAT16, BFLOAT16, FLOAT, DOUBLE. */
export function isStandardFloatType(t: number): boolean {
  return t === D.FLOAT16 || t === D.BFLOAT16 || t === D.FLOAT || t === D.DOUBLE;
}

/**
 * Whether `Cast(Cast(x, B), C)` equals `Cast(x, C)` for every x of type A: when A → B is exact,
 * B holds x itself, and a cast depends only on the value. `'lossy'` when all three are floating
 * types and A → B rounds (removing it changes results: only with allow-precision-change).
 */
export function chainCollapse(a: number, b: number, c: number): 'exact' | 'lossy' | 'no' {
  if (!isLatticeType(a) || !isLatticeType(b) || !isLatticeType(c)) return 'no';
  if (isExactCast(a, b)) return 'exact';
  return isStandardFloatType(a) && isStandardFloatType(b) && isStandardFloatType(c) ? 'lossy' : 'no';
}

/** The `to` of an ONNX Cast (INT, or the STRING form of Cast-1); undefined when absent or unknown. */
export function castTarget(node: Node): DataType | undefined {
  const a = node.attributes.get('to');
  if (a?.type === 'INT') return Number(a.value);
  if (a?.type === 'STRING') return parseDataType(typeof a.value === 'string' ? a.value : new TextDecoder().decode(a.value));
  return undefined;
}

/** An ONNX-domain Cast with one input and one output and a readable `to`. */
export function isPlainCast(node: Node): boolean {
  return node.opType === 'Cast' && node.domain === '' && node.inputs.length === 1 && node.inputs[0] !== undefined
    && node.outputs.length === 1 && castTarget(node) !== undefined;
}
