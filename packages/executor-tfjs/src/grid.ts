import type { Node } from '@mixprec/ir';

/**
 * Ops that keep the 16-bit grid: their outputs only move, select or compare-and-pick values
 * of some inputs (or are made of 0, ±1, ±Inf), so when those inputs are FLOAT16 (BFLOAT16)
 * values — which the executor always holds exactly on their grid — the outputs are on the
 * same grid and need no rounding. The interpreter skips the rounding pass for such a node
 * when every float input listed here has the output's 16-bit dtype.
 *
 * Each entry gives the input positions the outputs are made of ('all': every input; []: the
 * outputs are made of constants such as 0 and 1), or undefined when this node's attributes
 * or opset let it create new values (e.g. Pad-2's `value`, ScatterND with reduction=add).
 * `test/grid.test.ts` runs every entry's kernel on grid values and checks its outputs.
 */
export type GridInputs = readonly number[] | 'all';

type Rule = GridInputs | ((node: Node, opset: number) => GridInputs | undefined);

function str(node: Node, name: string, fallback: string): string {
  const a = node.attributes.get(name);
  if (a?.type !== 'STRING') return fallback;
  return typeof a.value === 'string' ? a.value : new TextDecoder().decode(a.value);
}

const scatter = (node: Node): GridInputs | undefined => {
  const r = str(node, 'reduction', 'none');
  return r === 'none' || r === 'max' || r === 'min' ? [0, 2] : undefined;
};

const RULES: ReadonlyMap<string, Rule> = new Map<string, Rule>([
  // data movement
  ['Identity', [0]], ['Reshape', [0]], ['Flatten', [0]], ['Squeeze', [0]], ['Unsqueeze', [0]], ['Transpose', [0]],
  ['Expand', [0]], ['Tile', [0]], ['Concat', 'all'], ['Split', [0]], ['Slice', [0]], ['DepthToSpace', [0]],
  ['SpaceToDepth', [0]], ['Trilu', [0]], ['Gather', [0]], ['GatherElements', [0]], ['GatherND', [0]],
  ['Compress', [0]], ['ReverseSequence', [0]], ['Where', [1, 2]], ['OneHot', [2]], ['MaxUnpool', [0]],
  ['Scatter', scatter], ['ScatterElements', scatter], ['ScatterND', scatter],
  ['Pad', (node, opset) => {
    if (opset >= 11) return [0, 2];
    const v = node.attributes.get('value');
    return v === undefined || (v.type === 'FLOAT' && v.value === 0) ? [0] : undefined;
  }],
  ['Resize', (node) => (str(node, 'mode', 'nearest') === 'nearest' && str(node, 'coordinate_transformation_mode', '') !== 'tf_crop_and_resize' ? [0] : undefined)],
  ['Upsample', (node) => (str(node, 'mode', 'nearest') === 'nearest' ? [0] : undefined)],
  // selection and sign/integer-valued results
  ['Relu', [0]], ['Neg', [0]], ['Abs', [0]], ['Sign', [0]], ['Floor', [0]], ['Ceil', [0]], ['Round', [0]],
  ['Max', 'all'], ['Min', 'all'], ['MaxPool', [0]], ['GlobalMaxPool', [0]], ['ReduceMax', [0]], ['ReduceMin', [0]],
  ['TopK', [0]], ['Unique', [0]], ['Hardmax', []], ['EyeLike', []],
  ['Clip', (_node, opset) => (opset >= 11 ? [0, 1, 2] : undefined)],
  // a Cast between equal 16-bit types is the identity (others have a different input dtype)
  ['Cast', [0]], ['CastLike', [0]],
]);

/** The grid-keeping inputs of a default-domain node, or undefined when it may leave the grid. */
export function gridInputs(node: Node, opset: number): GridInputs | undefined {
  if (node.domain !== '' && node.domain !== 'ai.onnx') return undefined;
  const rule = RULES.get(node.opType);
  if (rule === undefined) return undefined;
  return typeof rule === 'function' ? rule(node, opset) : rule;
}

/** The op types with a grid rule (for tests). */
export function gridKeepingOps(): readonly string[] {
  return [...RULES.keys()].sort();
}
