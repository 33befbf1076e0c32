/**
 * Parser of ONNX textual syntax (onnx/onnx `docs/Syntax.md`) plus the mixprec extensions
 * documented in `printer.ts`. Accepts everything the printer prints.
 *
 * ```ts
 * const r = parseModel(`<ir_version: 8, opset_import: ["" : 17]>
 *   main (float[N] X) => (float[N] Y) { Y = Relu (X) }`);
 * if (r._tag === 'Left') console.error(formatParseError(r.left));
 * ```
 */
import { err, ok, type Result } from './diagnostic.js';
import type { Graph } from './graph.js';
import { SyntaxFailure } from './lexer.js';
import type { Model } from './model.js';
import { Builder, type ParseOptions } from './parser-build.js';
import { Cursor, describe, toParseError, type ParseError } from './parser-base.js';
import { parseGraphSyntax, parseModelSyntax } from './parser-syntax.js';

export type { ParseOptions } from './parser-build.js';

function run<A>(text: string, body: (c: Cursor) => A): Result<ParseError, A> {
  try {
    const c = new Cursor(text);
    const a = body(c);
    return ok(a);
  } catch (e) {
    if (e instanceof SyntaxFailure) return err(toParseError(text, e));
    throw e;
  }
}

/** Parses a whole model: an optional `<…>` header, the main graph, then functions. */
export function parseModel(text: string, options: ParseOptions = {}): Result<ParseError, Model> {
  return run(text, (c) => new Builder(options).model(parseModelSyntax(c)));
}

/** Parses one graph (`name (inputs) => (outputs) <…> {…}`), with nothing after it. */
export function parseGraph(text: string, options: ParseOptions = {}): Result<ParseError, Graph> {
  return run(text, (c) => {
    const s = parseGraphSyntax(c);
    if (c.peek().kind !== 'eof') c.fail(`Expected the end of input after the graph but found ${describe(c.peek())}`);
    return new Builder(options).graph(s, undefined);
  });
}
