import { printOptionValue } from './options.js';
import type { Pass } from './pass.js';

/**
 * The canonical textual form of a pass or pipeline (MLIR `printAsTextualPipeline`):
 * elements joined by `,` without spaces; options as `{key=value key=value}` in declaration
 * order, only those set explicitly, values in canonical spelling (see `printOptionValue`);
 * `repeat<N>(…)`, `fixpoint(…)` (`fixpoint<N>(…)` when the iteration cap is not the default);
 * aliases by name; nested sequences flattened. `parsePipeline` reads it back to the same passes.
 */
export function printPipeline(pass: Pass): string {
  return elements(pass).join(',');
}

/** The textual form of one pass (a composite prints its whole body). */
export function printPass(pass: Pass): string {
  return printPipeline(pass);
}

/** Default iteration cap of `fixpoint(…)`. */
export const DEFAULT_FIXPOINT_ITERATIONS = 16;

function elements(pass: Pass): string[] {
  const text = pass.text;
  if (text === undefined) return [pass.info.name];
  switch (text.kind) {
    case 'pass': {
      if (text.options.length === 0) return [text.name];
      return [`${text.name}{${text.options.map(([k, v]) => `${k}=${printOptionValue(v)}`).join(' ')}}`];
    }
    case 'sequential':
      return text.passes.flatMap(elements);
    case 'repeat': {
      const body = text.passes.flatMap(elements).join(',');
      if (!text.untilUnchanged) return [`repeat<${text.steps}>(${body})`];
      return [text.steps === DEFAULT_FIXPOINT_ITERATIONS ? `fixpoint(${body})` : `fixpoint<${text.steps}>(${body})`];
    }
    case 'alias':
      return [text.name];
  }
}
