/**
 * The seed corpus and the case generator. A case is a pure function of (run seed, index):
 * a seed model (a real model, an ONNX backend-test model, or a hostile generator's output),
 * optionally mutated at the wire level by 1–3 mutators.
 */
import fs from 'node:fs';
import path from 'node:path';
import { REAL_MODELS, realModelPath } from '@mixprec/testing';
import {
  attributeConfusion, badTensorDims, dataMismatch, externalData, hugeConstants, negativeOrHugeShape, partly16, sparse,
} from './hostile-data.js';
import {
  cycle, dangling, deepNesting, deepType, degenerate, duplicateNames, hostileNames, longChain, missingSubgraph,
  prototypeNames, recursiveFunction, typeConflicts, versions, type Generator,
} from './hostile-graphs.js';
import { mutate } from './mutators.js';
import { caseRng, type Rng } from './rng.js';
import { parseTree, type WireTree } from './wire.js';

/** The ONNX backend test data (Debian libonnx-testdata); override with ONNX_TESTDATA_DIR. */
export const TESTDATA_DIR = process.env['ONNX_TESTDATA_DIR'] ?? '/usr/share/libonnx-testdata/data';

export const GENERATORS: readonly (readonly [string, Generator, number])[] = Object.freeze([
  ['cycle', cycle, 3], ['dangling', dangling, 3], ['duplicate-names', duplicateNames, 3], ['missing-subgraph', missingSubgraph, 4],
  ['deep-nesting', deepNesting, 2], ['deep-type', deepType, 1], ['recursive-function', recursiveFunction, 2], ['long-chain', longChain, 1],
  ['degenerate', degenerate, 2], ['type-conflicts', typeConflicts, 2], ['versions', versions, 2], ['hostile-names', hostileNames, 2], ['prototype-names', prototypeNames, 3],
  ['shape-dims', negativeOrHugeShape, 3], ['tensor-dims', badTensorDims, 3], ['data-mismatch', dataMismatch, 2],
  ['huge-constants', hugeConstants, 2], ['external-data', externalData, 6], ['attribute-confusion', attributeConfusion, 3],
  ['sparse', sparse, 2], ['partly-16-bit', partly16, 3],
]);

/** Weights of the real models as mutation seeds: the small ones more often (they are faster). */
const REAL_WEIGHTS: Readonly<Record<string, number>> = Object.freeze({
  'ppocr-cls': 6, 'silero-legacy': 4, 'silero-v5': 3, 'silero-v6': 3, 'ppocr-det': 2, 'ppocr-rec': 1,
});

export interface FuzzCase {
  readonly index: number;
  /** `real:<name>`, `testdata:<dir>/<case>` or `hostile:<generator>/<variant>`. */
  readonly source: string;
  /** Mutators applied, in order (empty: the seed as is). */
  readonly mutators: readonly string[];
  readonly bytes: Uint8Array;
  /** Save the result with external data. */
  readonly externalData: boolean;
}

/** Seed files and parsed trees, cached per process. */
export class Corpus {
  readonly real: readonly { name: string; file: string }[];
  readonly testdata: readonly string[];
  readonly testdataDir: string;
  readonly #bytes = new Map<string, Uint8Array>();
  readonly #trees = new Map<string, WireTree | undefined>();

  constructor(options: { testdataDir?: string; includeReal?: boolean } = {}) {
    this.real = options.includeReal === false ? [] : REAL_MODELS.map((m) => ({ name: m.name, file: realModelPath(m) }));
    this.testdataDir = options.testdataDir ?? TESTDATA_DIR;
    this.testdata = listTestdata(this.testdataDir);
  }

  #read(file: string): Uint8Array {
    let b = this.#bytes.get(file);
    if (b === undefined) {
      b = new Uint8Array(fs.readFileSync(file));
      this.#bytes.set(file, b);
    }
    return b;
  }

  #tree(file: string): WireTree | undefined {
    if (!this.#trees.has(file)) this.#trees.set(file, parseTree(this.#read(file)));
    return this.#trees.get(file);
  }

  /** Case `index` of the run with `seed`. */
  makeCase(seed: number, index: number): FuzzCase {
    const rng = caseRng(seed, index);
    const kinds: [string, number][] = [['hostile', 22], ['mutate-hostile', 10]];
    if (this.testdata.length > 0) kinds.push(['mutate-testdata', 38], ['testdata', 3]);
    if (this.real.length > 0) kinds.push(['mutate-real', 25], ['real', 2]);
    const kind = rng.weighted(kinds);
    const externalData = rng.chance(0.15);
    if (kind === 'hostile' || kind === 'mutate-hostile') {
      const [name, gen] = rng.weighted(GENERATORS.map(([n, g, w]) => [[n, g] as const, w] as const));
      const { bytes, variant } = gen(rng);
      const source = `hostile:${name}/${variant}`;
      if (kind === 'hostile') return { index, source, mutators: [], bytes, externalData };
      return { index, source, ...mutated(bytes, rng), externalData };
    }
    if (kind === 'testdata' || kind === 'mutate-testdata') {
      const rel = rng.pick(this.testdata);
      const file = path.join(this.testdataDir, rel);
      const source = `testdata:${path.dirname(rel)}`;
      if (kind === 'testdata') return { index, source, mutators: [], bytes: this.#read(file), externalData };
      return { index, source, ...mutated(this.#read(file), rng, this.#tree(file)), externalData };
    }
    const m = rng.weighted(this.real.map((r) => [r, REAL_WEIGHTS[r.name] ?? 1] as const));
    const source = `real:${m.name}`;
    if (kind === 'real') return { index, source, mutators: [], bytes: this.#read(m.file), externalData };
    return { index, source, ...mutated(this.#read(m.file), rng, this.#tree(m.file)), externalData };
  }
}

function mutated(bytes: Uint8Array, rng: Rng, tree?: WireTree): { mutators: string[]; bytes: Uint8Array } {
  const r = mutate(bytes, rng, tree);
  return { mutators: r.applied, bytes: r.bytes };
}

/** `<dir>/<case>/model.onnx` paths relative to the test data root, sorted (empty when absent). */
function listTestdata(root: string): string[] {
  const out: string[] = [];
  if (!fs.existsSync(root)) return out;
  for (const group of fs.readdirSync(root).sort()) {
    const g = path.join(root, group);
    if (!fs.statSync(g).isDirectory()) continue;
    for (const c of fs.readdirSync(g).sort()) {
      const rel = path.join(group, c, 'model.onnx');
      if (fs.existsSync(path.join(root, rel))) out.push(rel);
    }
  }
  return out;
}
