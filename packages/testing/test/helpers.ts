import { createPassRegistry, definePass } from '@mixprec/passes';

/** Drops `b = Identity(a)` when b is not a graph output (enough for runner tests). */
export const dropIdentity = definePass({
  name: 'drop-identity', description: 'Test pass', optLevel: 1,
  run(model) {
    let modified = false;
    for (const n of model.graph) {
      const x = n.inputs[0];
      const y = n.outputs[0];
      if (n.opType !== 'Identity' || x === undefined || y === undefined || y.isGraphOutput()) continue;
      y.replaceAllUsesWith(x);
      model.graph.remove(n);
      modified = true;
    }
    return { modified };
  },
});

/** Reports one warning and changes nothing. */
export const note = definePass({
  name: 'note', description: 'Test pass', optLevel: 1,
  run(model, ctx) {
    ctx.report({ severity: 'warning', code: 'note', message: `the graph has ${model.graph.size} node(s)` });
    return { modified: false };
  },
});

/** Adds metadata every time: never idempotent. */
export const stamp = definePass({
  name: 'stamp', description: 'Test pass', optLevel: 1,
  run(model) {
    model.metadataProps.set(`stamp${model.metadataProps.size}`, 'x');
    return { modified: true };
  },
});

export const registry = createPassRegistry({ passes: [dropIdentity, note, stamp] });
