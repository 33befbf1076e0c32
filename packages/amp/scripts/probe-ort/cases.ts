/**
 * Every hand-written probe case, by op type (ops not listed use the generic case).
 */
import type { CaseFn } from './case.js';
import { GRAPH_CASES } from './cases-graph.js';
import { MATH_CASES } from './cases-math.js';
import { NN_CASES } from './cases-nn.js';
import { TENSOR_CASES } from './cases-tensor.js';

export const CASES: ReadonlyMap<string, CaseFn> = new Map<string, CaseFn>([
  ...MATH_CASES, ...TENSOR_CASES, ...NN_CASES, ...GRAPH_CASES,
]);
