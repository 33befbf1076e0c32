import * as E from 'fp-ts/lib/Either.js';
import { fixpoint, repeat, sequential } from './compose.js';
import { coerceOptionValue, rawOptionText } from './options.js';
import type { Pass } from './pass.js';
import type { PassRegistry } from './registry.js';
import { parsePipelineSyntax, type PipelineError, type PipelineNode } from './pipeline-syntax.js';
import { candidatesHint } from './suggest.js';

/**
 * Parses pipeline text into a pass, resolving names with `registry`: unknown passes and
 * options are errors with the column and the list of valid candidates. Option keys are the
 * kebab-case spellings of the codec keys (the camelCase key is accepted too). A single element
 * is returned as itself; several become a sequential pass. `printPipeline` of the result is the
 * canonical text.
 */
export function parsePipeline(text: string, registry: PassRegistry): E.Either<PipelineError, Pass> {
  return resolvePipeline(text, registry);
}

/** @internal Used by the registry (which exposes it as `registry.parse`). */
export function resolvePipeline(text: string, registry: PassRegistry): E.Either<PipelineError, Pass> {
  const syntax = parsePipelineSyntax(text);
  if (E.isLeft(syntax)) return syntax;
  const error = (kind: PipelineError['kind'], column: number, detail: string, candidates?: readonly string[]): E.Either<PipelineError, never> =>
    E.left({ _tag: 'PipelineError', kind, column, text, message: `pipeline column ${column}: ${detail}`, ...(candidates === undefined ? {} : { candidates }) });

  const resolveAll = (nodes: readonly PipelineNode[]): E.Either<PipelineError, Pass[]> => {
    const out: Pass[] = [];
    for (const n of nodes) {
      const r = resolve(n);
      if (E.isLeft(r)) return r;
      out.push(r.right);
    }
    return E.right(out);
  };

  const resolve = (node: PipelineNode): E.Either<PipelineError, Pass> => {
    if (node.kind === 'repeat' || node.kind === 'fixpoint') {
      const body = resolveAll(node.body);
      if (E.isLeft(body)) return body;
      return E.right(node.kind === 'repeat'
        ? repeat(body.right, { steps: node.steps })
        : fixpoint(body.right, node.maxIterations === undefined ? {} : { maxIterations: node.maxIterations }));
    }
    const factory = registry.passes.get(node.name);
    if (factory === undefined) {
      if (registry.aliases.has(node.name)) {
        if (node.options.length > 0) return error('invalid-option', node.column, `'${node.name}' is a pipeline alias and takes no options`);
        const r = registry.create(node.name);
        if (E.isLeft(r)) return error('unknown-pass', node.column, r.left.message);
        return E.right(r.right);
      }
      const valid = [...registry.names(), 'fixpoint', 'repeat'];
      return error('unknown-pass', node.column, `unknown pass '${node.name}'${candidatesHint(node.name, valid, 'passes')}`, valid.sort());
    }
    const given: Record<string, unknown> = {};
    for (const o of node.options) {
      const spec = factory.options.find((x) => x.flag === o.key || x.key === o.key);
      if (spec === undefined) {
        const flags = factory.options.map((x) => x.flag);
        const hint = flags.length === 0 ? `; '${node.name}' has no options` : candidatesHint(o.key, flags, `options of '${node.name}'`);
        return error('unknown-option', o.column, `unknown option '${o.key}' for pass '${node.name}'${hint}`, flags);
      }
      if (spec.key in given) return error('invalid-option', o.column, `option '${spec.flag}' of pass '${node.name}' is given twice`);
      const c = coerceOptionValue(spec.codec, o.value);
      if (!c.ok) {
        return error('invalid-option', o.valueColumn, `option '${spec.flag}' of pass '${node.name}' expects ${c.expected}, got ${rawOptionText(o.value)}`);
      }
      given[spec.key] = c.value;
    }
    const created = factory.create(given);
    if (E.isLeft(created)) return error('invalid-option', node.column, created.left.message);
    return E.right(created.right);
  };

  const top = resolveAll(syntax.right);
  if (E.isLeft(top)) return top;
  const passes = top.right;
  return E.right(passes.length === 1 ? passes[0]! : sequential('pipeline', passes));
}
