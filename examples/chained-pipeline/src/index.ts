/**
 * Example: passes chained from code — a custom fusion pass, the amp pass and cleanups — with
 * timing, IR-printer and node-count instruments.
 */
export { fuseMatMulAdd } from './fuse-matmul-add.js';
export { buildMlp } from './model.js';
export {
  createRegistry, nodeCountInstrument, runChainedPipeline, type NodeCountStep, type PipelineRun,
} from './pipeline.js';
