import * as t from 'io-ts';
import { walkNodes } from '@mixprec/ir';
import { definePass } from '@mixprec/passes';
import { forwardValue } from './rewrite.js';

/**
 * Removes `y = Identity(x)` (ONNX domain) wherever the graph interface allows it.
 * 1. y is not an output of its graph: uses of y become x, and the node is dropped.
 * 2. y is a graph output and x is produced by a node of the same graph (not a graph input,
 *    initializer, graph output or outer-scope capture): x is renamed to y and takes its place
 *    in the outputs, and the node is dropped.
 * 3. Both face the graph interface (x a graph input, initializer or another output), or x is
 *    captured from an outer scope into a subgraph output: the node is kept.
 * Subgraphs are included unless `include-subgraphs=false`; sequence- and optional-typed
 * Identities are handled alike.
 *
 * ```
 * before: main (float[2] X) => (float[2] Y) { a = Relu (X)  b = Identity (a)  Y = Identity (b) }
 * after:  main (float[2] X) => (float[2] Y) { Y = Relu (X) }
 * ```
 */
export const eliminateIdentity = definePass({
  name: 'eliminate-identity',
  description: 'Remove Identity nodes that do not define the graph interface',
  optLevel: 1,
  options: t.strict({ includeSubgraphs: t.boolean }),
  defaults: { includeSubgraphs: true },
  optionDocs: { includeSubgraphs: 'Also rewrite If/Loop/Scan bodies' },
  run(model, _ctx, opts) {
    let modified = false;
    for (const node of walkNodes(model, { subgraphs: opts.includeSubgraphs })) {
      if (node.opType !== 'Identity' || node.domain !== '') continue;
      const x = node.inputs[0];
      const y = node.outputs[0];
      if (x === undefined || y === undefined || node.outputs.length !== 1 || node.inputs.length !== 1) continue;
      if (forwardValue(y, x)) {
        node.graph!.remove(node);
        modified = true;
      }
    }
    return { modified };
  },
});
