import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { DataType, GraphBuilder, tensorType, type Model } from '@mixprec/ir';
import { createPassContext, createPassRegistry, definePass, type CollectingPassContext, type PassContextOptions } from '../src/index.js';

/** X → Relu → Neg → Y, plus an unused Abs. */
export function smallModel(): Model {
  const b = new GraphBuilder();
  const x = b.input('X', DataType.FLOAT, [2]);
  const r = b.op1('Relu', [x], { output: 'r' });
  b.op1('Abs', [x], { output: 'unused' });
  b.output(b.op1('Neg', [r], { output: 'Y', type: tensorType(DataType.FLOAT, [2]) }));
  return b.model();
}

/** Changes nothing. */
export const noop = definePass({
  name: 'noop', description: 'Does nothing', optLevel: 0,
  run: () => ({ modified: false }),
});

/** Renames the first node (a real change), or reports nothing when already renamed. */
export const renameFirst = definePass({
  name: 'rename-first', description: 'Renames the first node', optLevel: 1,
  options: t.strict({ to: t.string }), defaults: { to: 'renamed' },
  run(model, _ctx, o) {
    const n = model.graph.first;
    if (n === undefined || n.name === o.to) return { modified: false };
    n.name = o.to;
    return { modified: true };
  },
});

/** Removes the first node without fixing its uses: leaves an invalid model. */
export const breakGraph = definePass({
  name: 'break-graph', description: 'Leaves a dangling input', optLevel: 0,
  run(model) {
    const n = model.graph.first!;
    model.graph.remove(n);
    return { modified: true };
  },
});

/** Throws. */
export const explode = definePass({
  name: 'explode', description: 'Throws', optLevel: 0,
  run() {
    throw new Error('boom');
  },
});

/** Claims a change it did not make. */
export const liar = definePass({
  name: 'liar', description: 'Reports modified without changing anything', optLevel: 0,
  run: () => ({ modified: true }),
});

/** Changes the model but says it did not. */
export const silentChange = definePass({
  name: 'silent-change', description: 'Renames the first node and reports no change', optLevel: 0,
  run(model) {
    model.graph.first!.name = `${model.graph.first!.name}_x`;
    return { modified: false };
  },
});

/** A pass with every option kind. */
export const tunable = definePass({
  name: 'tunable', description: 'Options of every kind', optLevel: 2,
  options: t.strict({
    policy: t.keyof({ aggressive: null, balanced: null }),
    keepIOTypes: t.boolean,
    threshold: t.number,
    steps: t.Int,
    label: t.string,
    blockOps: t.array(t.string),
    mode: t.union([t.literal('auto'), t.number]),
  }),
  defaults: { policy: 'balanced', keepIOTypes: true, threshold: 0.5, steps: 3 as t.Int, label: '', blockOps: [], mode: 'auto' },
  optionDocs: { policy: 'Which lists to use' },
  run: () => ({ modified: false }),
});

export const registry = createPassRegistry({
  passes: [noop, renameFirst, breakGraph, explode, liar, silentChange, tunable],
  aliases: [
    { name: 'O1', description: 'Light', pipeline: 'noop,rename-first' },
    { name: 'O2', description: 'More', pipeline: 'O1,fixpoint(rename-first)' },
  ],
  configKeys: [{ key: 'test.limit', description: 'A limit', codec: t.number, default: 10 }],
});

export function ctxOf(o: PassContextOptions = {}): CollectingPassContext {
  const r = createPassContext({ registry, ...o });
  if (E.isLeft(r)) throw new Error(r.left.message);
  return r.right;
}

export function parseOrThrow(text: string) {
  const r = registry.parse(text);
  if (E.isLeft(r)) throw new Error(r.left.message);
  return r.right;
}
