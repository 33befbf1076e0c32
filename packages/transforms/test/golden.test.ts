import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPassRegistry } from '@mixprec/passes';
import { runGoldenDir } from '@mixprec/testing';
import { transformAliases, transformPasses } from '../src/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));

// One `it` per fixtures/<pass>/<case>.onnxtxt: verifyEach, the modified/hash check, the
// expected output, and a second run that must change nothing (idempotence).
runGoldenDir(path.join(here, 'fixtures'), {
  registry: createPassRegistry({ passes: transformPasses, aliases: transformAliases }),
});
