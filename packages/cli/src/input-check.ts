import {
  DataType, GraphCycleError, formatDiagnostics, topologicalOrder, verify, walkGraphs, type Diagnostic, type Graph, type Model,
  type Node, type Value,
} from '@mixprec/ir';
import { EXTRAS } from '@mixprec/onnx';
import { CliError, ExitCode } from './errors.js';

/**
 * Refuses a model file without a graph (an empty file, or one cut off before its graph) or
 * whose graph has no outputs: it decodes as a valid but empty message, and converting it would
 * "succeed" with a model that computes nothing (which onnxruntime then fails to load).
 */
export function requireGraph(model: Model, label: string): void {
  const absent = model.extras?.[EXTRAS.absent];
  if (Array.isArray(absent) && absent.includes('graph')) {
    throw new CliError(`${label}: the model has no graph (an empty or truncated file?); nothing to convert`);
  }
  if (model.graph.outputs.length === 0) {
    throw new CliError(`${label}: the model's graph has no outputs (a truncated or damaged file?); nothing to convert`);
  }
}

/**
 * Puts the graphs of an input model (subgraphs and functions too) in topological order when
 * that is all that is wrong with their order: nodes listed before the nodes whose outputs they
 * read, without a cycle (ONNX requires sorted graphs; some exporters and hand edits do not keep
 * them). Returns a one-line note naming the input and what moved, or undefined when every graph
 * was sorted already. When any graph has a cycle, nothing is changed: the input stays invalid
 * (exit 2 once the conversion fails on it).
 */
export function sortInputGraphs(model: Model, label: string): string | undefined {
  const moves: [Graph, Node[]][] = [];
  let moved = 0;
  for (const g of walkGraphs(model, { functions: true })) {
    let order: Node[];
    try {
      order = topologicalOrder(g);
    } catch (e) {
      if (e instanceof GraphCycleError) return undefined;
      throw e;
    }
    let i = 0;
    let out = 0;
    for (const n of g) if (order[i++] !== n) out++;
    if (out === 0) continue;
    moves.push([g, order]);
    moved += out;
  }
  if (moves.length === 0) return undefined;
  for (const [g] of moves) g.sortTopologically();
  return `${label}: the nodes were not in topological order; sorted them (topo-sort: ${moved} node(s) moved in ${moves.length} graph(s))`;
}

/**
 * The verifier's errors on a freshly loaded input model, plus main-graph inputs and outputs
 * whose tensor type has element type UNDEFINED (0), which onnxruntime rejects ("invalid tensor
 * data type 0") and the IO modes cannot keep or convert. Empty: the input is valid.
 */
export function inputProblems(model: Model): Diagnostic[] {
  const out = verify(model).filter((d) => d.severity === 'error');
  const io: [string, readonly Value[]][] = [['Input', model.graph.inputs], ['Output', model.graph.outputs]];
  for (const [what, values] of io) {
    values.forEach((v, k) => {
      if (v.type?.kind === 'tensor' && v.type.dtype === DataType.UNDEFINED) {
        out.push({ severity: 'error', code: 'undefined-io-dtype', value: v.name, message: `${what} ${k} '${v.name}' of the main graph has element type UNDEFINED; give it a data type` });
      }
    });
  }
  return out;
}

/**
 * Runs a conversion step (passes, amp, the output check). When it fails on an input that did not
 * verify to begin with (a cycle, a node out of order, a duplicate name), the input is to blame:
 * the failure becomes a one-line {@link CliError} with exit code 2 naming the input's first
 * problem, instead of an internal error. Steps that succeed anyway (a pipeline that repairs the
 * input) are not affected.
 *
 * `problemsOfInput` is called only when the step fails, typically {@link inputProblems} of the
 * input loaded afresh (the step may have changed the model it worked on): a valid input is
 * verified once, as the output, not also before.
 */
export function blameInvalidInput<T>(label: string, problemsOfInput: () => readonly Diagnostic[], step: () => T): T {
  try {
    return step();
  } catch (e) {
    if (e instanceof CliError && e.code !== ExitCode.internal) throw e;
    let problems: readonly Diagnostic[];
    try {
      problems = problemsOfInput();
    } catch {
      throw e; // the input cannot be read again: report the step's own failure
    }
    if (problems.length === 0) throw e;
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
    throw new CliError(`${label}: the input model is invalid, nothing written: ${formatDiagnostics(problems.slice(0, 1))}${more}`, ExitCode.badInput);
  }
}
