import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runGoldenDir } from '@mixprec/testing';
import { registry } from './helpers.js';

const here = path.dirname(fileURLToPath(import.meta.url));

// One `it` per fixtures/amp/<case>.onnxtxt: the RUN pipeline with verifyEach and the
// modified/hash check, the expected output (diagnostics as `#` lines, then the model), and a
// second run that must change nothing (idempotence).
runGoldenDir(path.join(here, 'fixtures'), { registry });
