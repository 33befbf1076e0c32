/**
 * Example: a user pass (`fuse-hard-swish`) written with definePass, run in a pipeline from code
 * and by name from the CLI (`mixprec opt --plugin`).
 */
export { fuseHardSwish } from './fuse-hard-swish.js';
export { fuseFromCode } from './pipeline.js';
export { aliases, passes } from './plugin.js';
