/**
 * Probe cases that need more than one node: control flow (subgraphs carrying the float type),
 * sequences and optionals (onnxruntime-node returns tensors only, so each chain ends in one).
 */
import { DataType, Graph, GraphBuilder, attr, int64Tensor, tensorType, type Value } from '@mixprec/ir';
import { BOOL, I64, f, s64, t, type CaseFn, type Ctx } from './case.js';

/** A subgraph whose outputs are built from its inputs (`inputs`: name, dtype, dims). */
function body(name: string, inputs: readonly (readonly [string, DataType, readonly number[]])[], make: (b: GraphBuilder, ins: Value[]) => Value[]): Graph {
  const b = new GraphBuilder(new Graph(name));
  const ins = inputs.map(([n, dt, dims]) => b.input(n, dt, dims));
  for (const v of make(b, ins)) b.output(v);
  return b.graph;
}

const ifCase: CaseFn = (c) => ({
  inputs: [t(BOOL, [], [1]), f(c, 2, 3)],
  build: (b, [cond, x]) => {
    const branch = (name: string): Graph => body(name, [], (g) => [g.op1('Identity', [x!], { type: tensorType(c.F, [2, 3]) })]);
    return b.op('If', [cond!], { attrs: { then_branch: attr.graph(branch('then')), else_branch: attr.graph(branch('else')) } });
  },
});

const loopCase: CaseFn = (c) => ({
  inputs: [s64(2), t(BOOL, [], [1]), f(c, 2, 3)],
  build: (b, [m, cond, v]) => {
    const g = body('loop_body', [['iter', I64, []], ['cond_in', BOOL, []], ['v_in', c.F, [2, 3]]], (gb, [, ci, vi]) => [
      gb.op1('Identity', [ci!]), gb.op1('Identity', [vi!], { type: tensorType(c.F, [2, 3]) }),
    ]);
    return b.op('Loop', [m!, cond!, v!], { attrs: { body: attr.graph(g) } });
  },
});

const scanCase: CaseFn = (c) => {
  const legacy = c.since < 9; // Scan-8: a leading sequence_lens input and a batch axis
  return {
    inputs: legacy ? [f(c, 1, 2), f(c, 1, 3, 2)] : [f(c, 2), f(c, 3, 2)],
    build: (b, [s, x]) => {
      const g = body('scan_body', [['s_in', c.F, [2]], ['x_in', c.F, [2]]], (gb, [si, xi]) => [
        gb.op1('Identity', [si!]), gb.op1('Identity', [xi!]),
      ]);
      return b.op('Scan', legacy ? [undefined, s!, x!] : [s!, x!], { attrs: { body: attr.graph(g), num_scan_inputs: attr.int(1) }, outputs: 2 });
    },
  };
};

/** A sequence of the float type built from the inputs, then a tensor read back. */
function sequenceChain(make: (b: GraphBuilder, c: Ctx, x: Value, y: Value) => Value[]): CaseFn {
  return (c) => ({ inputs: [f(c, 2, 3), f(c, 2, 3)], build: (b, [x, y]) => make(b, c, x!, y!) });
}

function at(b: GraphBuilder, seq: Value, index: number): Value {
  const i = b.initializer('index', int64Tensor([], [index]));
  return b.op1('SequenceAt', [seq, i]);
}

const SEQUENCE_CASES: readonly [string, CaseFn][] = [
  ['SequenceConstruct', sequenceChain((b, _c, x, y) => [at(b, b.op1('SequenceConstruct', [x, y]), 1)])],
  ['SequenceAt', sequenceChain((b, _c, x, y) => [at(b, b.op1('SequenceConstruct', [x, y]), 0)])],
  ['SequenceLength', sequenceChain((b, _c, x, y) => [b.op1('SequenceLength', [b.op1('SequenceConstruct', [x, y])])])],
  ['SequenceInsert', sequenceChain((b, _c, x, y) => [at(b, b.op1('SequenceInsert', [b.op1('SequenceConstruct', [x]), y]), 1)])],
  ['SequenceErase', sequenceChain((b, _c, x, y) => [at(b, b.op1('SequenceErase', [b.op1('SequenceConstruct', [x, y])]), 0)])],
  ['SequenceEmpty', sequenceChain((b, c, x) => [at(b, b.op1('SequenceInsert', [b.op1('SequenceEmpty', [], { attrs: { dtype: attr.int(c.F) } }), x]), 0)])],
  ['ConcatFromSequence', sequenceChain((b, _c, x, y) => [b.op1('ConcatFromSequence', [b.op1('SequenceConstruct', [x, y])], { attrs: { axis: attr.int(0) } })])],
  ['SplitToSequence', sequenceChain((b, _c, x) => [at(b, b.op1('SplitToSequence', [x]), 0)])],
  ['SequenceMap', sequenceChain((b, c, x, y) => {
    const g = body('map_body', [['e', c.F, [2, 3]]], (gb, [e]) => [gb.op1('Identity', [e!], { type: tensorType(c.F, [2, 3]) })]);
    // onnxruntime expands SequenceMap into a Loop and needs the sequence's element type.
    const seqType = { kind: 'sequence', elem: tensorType(c.F, [2, 3]) } as const;
    return [at(b, b.op1('SequenceMap', [b.op1('SequenceConstruct', [x, y], { type: seqType })], { attrs: { body: attr.graph(g) }, type: seqType }), 0)];
  })],
  ['Optional', sequenceChain((b, _c, x) => [b.op1('OptionalGetElement', [b.op1('Optional', [x])])])],
  ['OptionalGetElement', sequenceChain((b, _c, x) => [b.op1('OptionalGetElement', [b.op1('Optional', [x])])])],
  ['OptionalHasElement', sequenceChain((b, _c, x) => [b.op1('OptionalHasElement', [b.op1('Optional', [x])])])],
];

export const GRAPH_CASES: ReadonlyMap<string, CaseFn> = new Map<string, CaseFn>([
  ['If', ifCase], ['Loop', loopCase], ['Scan', scanCase], ...SEQUENCE_CASES,
]);
