/**
 * The plugin module `mixprec opt --plugin` loads: it exports `passes` (made with definePass)
 * and, optionally, `aliases` (pipelines over any registered pass).
 *
 * ```
 * mixprec opt model.onnx -o fused.onnx --plugin ./dist/plugin.js -p 'fuse-hard-swish,dce'
 * mixprec opt model.onnx -o fused.onnx --plugin ./dist/plugin.js -p hard-swish
 * ```
 */
import type { PipelineAlias } from '@mixprec/passes';
import { fuseHardSwish } from './fuse-hard-swish.js';

export const passes = [fuseHardSwish];

export const aliases: readonly PipelineAlias[] = [
  { name: 'hard-swish', description: 'Fuse hard-swish patterns, then drop the dead constants', pipeline: 'fuse-hard-swish,dce' },
];
