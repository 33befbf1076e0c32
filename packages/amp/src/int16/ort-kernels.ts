import { DataType, type Node } from '@mixprec/ir';

/**
 * Which ONNX ops onnxruntime's CPU execution provider (onnxruntime-node 1.30.0) runs when an
 * integer type group of the op holds INT16 or INT32 values. Measured, not read from docs:
 * single-op models at opsets 13–21 were loaded and run (test/int16-ort-kernels.test.ts re-checks
 * every entry against the installed onnxruntime-node). ORT refuses a model at load time
 * ("Could not find an implementation for Where(16) node") when a kernel is missing, so a
 * narrowing that ignores this table produces models ORT cannot load.
 *
 * Notable INT16 gaps (the schema admits int16 but ORT CPU has no kernel): Where, Max, Min,
 * Clip with min/max inputs, Relu, Pad, ArgMax/ArgMin, Trilu, Resize, Unique, Einsum, NonZero,
 * OneHot, DepthToSpace, EyeLike. INT32 gaps: OneHot, Unique, DepthToSpace.
 * An op absent from the table counts as not runnable (conservative).
 */
export const ORT_CPU_VERSION = '1.30.0';

type Support = readonly [int16: boolean, int32: boolean];

const Y: Support = [true, true];
const ONLY32: Support = [false, true];
const NONE: Support = [false, false];

const ORT_CPU: ReadonlyMap<string, Support> = new Map(Object.entries({
  // element-wise arithmetic and comparison
  Add: Y, Sub: Y, Mul: Y, Div: Y, Mod: Y, Neg: Y, Abs: Y, Sign: Y,
  Equal: Y, Less: Y, LessOrEqual: Y, Greater: Y, GreaterOrEqual: Y,
  BitwiseAnd: Y, BitwiseOr: Y, BitwiseXor: Y, BitwiseNot: Y,
  Where: ONLY32, Max: ONLY32, Min: ONLY32, Relu: ONLY32, Pow: ONLY32,
  // Clip runs in int16 only without min/max (see clipHasBounds); with bounds it needs int32.
  Clip: Y,
  // data movement and creation
  Identity: Y, Reshape: Y, Flatten: Y, Squeeze: Y, Unsqueeze: Y, Transpose: Y, Concat: Y, Split: Y, Slice: Y,
  Gather: Y, GatherElements: Y, GatherND: Y, ScatterElements: Y, ScatterND: Y, Expand: Y, Tile: Y,
  Compress: Y, ReverseSequence: Y, Cast: Y, CastLike: Y, Range: Y, ConstantOfShape: Y, TopK: Y, Shape: Y, Size: Y,
  Pad: ONLY32, Trilu: ONLY32, Resize: ONLY32, EyeLike: ONLY32, ArgMax: ONLY32, ArgMin: ONLY32, NonZero: ONLY32,
  // reductions and products (no int16 in the ONNX schemas at all)
  ReduceSum: ONLY32, ReduceMax: ONLY32, ReduceMin: ONLY32, ReduceProd: ONLY32, CumSum: ONLY32, MatMul: ONLY32,
  Einsum: ONLY32,
  OneHot: NONE, Unique: NONE, DepthToSpace: NONE,
}));

/** The ops of the table, for the test that re-measures it. */
export function ortCpuTable(): ReadonlyMap<string, { readonly int16: boolean; readonly int32: boolean }> {
  return new Map([...ORT_CPU].map(([op, [a, b]]) => [op, { int16: a, int32: b }]));
}

/** Clip with a `min` or `max` input (opset ≥ 11); ORT CPU has int16 Clip only without them. */
function clipHasBounds(node: Node): boolean {
  return node.inputs.slice(1).some((v) => v !== undefined);
}

/** Whether ORT CPU runs `node` with an integer group narrowed to `dtype` (INT16 or INT32). */
export function ortCpuRuns(node: Node, dtype: DataType): boolean {
  if (node.domain !== '') return false;
  const s = ORT_CPU.get(node.opType);
  if (s === undefined) return false;
  if (dtype === DataType.INT16) return node.opType === 'Clip' ? !clipHasBounds(node) : s[0];
  if (dtype === DataType.INT32) return s[1];
  return false;
}
