import { mergeTables, type KernelTable } from '../registry.js';
import { ACTIVATION } from './activation.js';
import { BINARY } from './binary.js';
import { CAST } from './cast.js';
import { CONTROL } from './control.js';
import { CONV } from './conv.js';
import { GATHER } from './gather.js';
import { GENERATE } from './generate.js';
import { LOGIC } from './logic.js';
import { LOSS } from './loss.js';
import { MATMUL } from './matmul.js';
import { MISC } from './misc.js';
import { NORM } from './norm.js';
import { POOL } from './pool.js';
import { QUANT } from './quant.js';
import { RANDOM } from './random.js';
import { REDUCE } from './reduce.js';
import { RESIZE } from './resize.js';
import { RNN } from './rnn.js';
import { SEQUENCE } from './sequence.js';
import { SHAPE } from './shape.js';
import { SIGNAL } from './signal.js';
import { SPATIAL } from './spatial.js';
import { STRINGS } from './strings.js';
import { TRAINING } from './training.js';
import { UNARY } from './unary.js';

/** Every kernel of the executor, keyed `${domain}::${opType}` (frozen at import). */
export const KERNELS: KernelTable = mergeTables([
  UNARY, ACTIVATION, BINARY, LOGIC, CAST, SHAPE, GATHER, GENERATE, REDUCE, MATMUL, CONV, POOL, NORM,
  RESIZE, RNN, QUANT, CONTROL, SEQUENCE, RANDOM, MISC, LOSS, SIGNAL, SPATIAL, STRINGS, TRAINING,
]);
