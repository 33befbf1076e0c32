import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runGoldenDir } from '@mixprec/testing';
import { int16Registry } from './helpers.js';

const here = path.dirname(fileURLToPath(import.meta.url));

// One case per rule of the integer passes (fixtures/int16/<pass>/<case>.onnxtxt): the RUN
// pipeline with verifyEach and the modified/hash check, the expected output (the per-tensor
// rules as `# info` lines, then the model), and a second run that must change nothing.
runGoldenDir(path.join(here, '..', 'fixtures', 'int16'), { registry: int16Registry });
