import type { Node } from '@mixprec/ir';

/** Kinds of executor failure. */
export type ExecErrorTag =
  | 'UnsupportedOp'   // no kernel for the node's domain::opType
  | 'InvalidInput'    // a feed is missing, has the wrong dtype or shape, or an option is invalid
  | 'KernelError'     // a kernel rejected its inputs or attributes (bad model or unsupported case)
  | 'Int64Overflow'   // an int64 value left the int32 range where the executor computes in int32
  | 'NoBackend';      // no tfjs backend could be initialised

/**
 * A typed executor error. `runModel` returns it in the `Left` side of its `Result`;
 * `message` is one line naming the op and the node (when there is one) and what to do.
 */
export class ExecError extends Error {
  override readonly name = 'ExecError';
  constructor(
    readonly _tag: ExecErrorTag,
    message: string,
    /** Name of the node concerned (or its first output's name when unnamed). */
    readonly node?: string,
    /** `domain::opType` of the node concerned. */
    readonly opType?: string,
  ) {
    super(message);
  }
}

/** How a node is named in messages: `Conv 'conv1'`. */
export function describeNode(node: Node): string {
  return node.toString();
}

/** An ExecError about `node`, with the node prefixed to the message. */
export function nodeError(tag: ExecErrorTag, node: Node, message: string): ExecError {
  return new ExecError(tag, `${describeNode(node)}: ${message}`, nodeLabel(node), node.qualifiedOpType);
}

/** The node's name, or its first output's name when the node is unnamed. */
export function nodeLabel(node: Node): string {
  return node.name !== '' ? node.name : (node.outputs[0]?.name ?? '');
}
