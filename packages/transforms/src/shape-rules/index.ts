import type { ShapeRule } from '../shape-inference.js';
import { elementwiseRules } from './elementwise.js';
import { nnRules } from './nn.js';
import { reduceRules } from './reduce.js';
import { tensorMoreRules } from './tensor-more.js';
import { tensorRules } from './tensor.js';

/** Every shape rule of the ONNX domain, by op type. */
export const shapeRules: ReadonlyMap<string, ShapeRule> = new Map<string, ShapeRule>([
  ...elementwiseRules, ...tensorRules, ...tensorMoreRules, ...nnRules, ...reduceRules,
]);
