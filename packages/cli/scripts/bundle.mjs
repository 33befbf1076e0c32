/**
 * Bundles the built CLI (dist/index.js and everything it imports, workspace packages included)
 * into dist/bundle/ with esbuild, so that `mixprec` starts from one CommonJS file instead of about
 * 240 ES modules, then saves V8's code cache of it (see bin/bundle-loader.js). Run after `tsc -b`
 * (the root `npm run build` does both).
 *
 *   node packages/cli/scripts/bundle.mjs [--out DIR]
 *
 * - External, loaded only when used: TensorFlow.js (its wasm backend finds its .wasm files
 *   relative to its own package) and onnxruntime-node (an optional peer). The reference
 *   executor's modules are initialised (and require TensorFlow.js) only when `run`/`validate`
 *   import them.
 * - The code cache (`mixprec.cjs.cache`) is made by loading the new bundle in this process and
 *   converting examples/models/showcase.onnx with it once, so the functions of a conversion are
 *   in it, under the V8 flags the CLI runs with (`V8_FLAGS` of bin/bundle-loader.js, set by
 *   `loadBundle`). It depends on the V8 version and flags (V8 rejects one that does not fit, and the
 *   CLI then compiles from source), so it is the one output that is not byte-for-byte
 *   reproducible.
 * - Every module keeps its own `import.meta.url` (rewritten to its original file, relative to
 *   the bundle file), so `createRequire(import.meta.url)` and `new URL('../x', import.meta.url)` in
 *   the packages resolve exactly as from dist.
 * - CommonJS modules that packages load with `createRequire(import.meta.url)('<literal>')`
 *   (protobufjs, the generated ONNX messages) are bundled like imports, so they are in the code
 *   cache too; the bundle is pure ASCII (read as latin1 by the loader).
 * - Deterministic: same inputs, same bytes (paths in the output are relative).
 * - dist/bundle/manifest.json lists the bundle's files and the stamps of its inputs (size and
 *   mtime of each bundled package's build-info file, of each dependency's package.json);
 *   bin/mixprec.js uses the bundle only when every stamp still matches (else it runs dist).
 * - Files are replaced atomically (write, then rename; the manifest last).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { codeCacheFile, loadBundle } from '../bin/bundle-loader.js';

const cliDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// `--out DIR` (tests): another folder, which must sit inside the package (for Node to find
// the external packages from it the same way).
const outFlag = process.argv.indexOf('--out');
const outDir = outFlag > 0 ? path.resolve(process.argv[outFlag + 1]) : path.join(cliDir, 'dist', 'bundle');
const MANIFEST = 'manifest.json';
const ENTRY = 'mixprec.cjs';

const toPosix = (p) => p.split(path.sep).join('/');

/** Rewrites `import.meta.url` in every bundled module to the URL of its original file. */
const ownImportMetaUrl = {
  name: 'own-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.(m|c)?js$/ }, async (args) => {
      let text = await fs.promises.readFile(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      // CommonJS modules a package loads with `createRequire(import.meta.url)('<literal>')` at
      // start-up (protobufjs and the generated ONNX messages) go into the bundle too, and so
      // into its code cache: a plain `require` of the same literal, which esbuild resolves from
      // the same file. Externals stay runtime requires.
      text = text.replace(/createRequire\(import\.meta\.url\)\((['"])([^'"]+)\1\)/g, (all, q, spec) => (
        options.external.some((e) => (e.endsWith('/*') ? spec.startsWith(e.slice(0, -1)) : spec === e)) ? all : `require(${q}${spec}${q})`
      ));
      const rel = toPosix(path.relative(outDir, args.path));
      const url = `new URL(${JSON.stringify(rel)}, __mixprecBundleUrl).href`;
      return { contents: text.replaceAll('import.meta.url', url), loader: 'js', resolveDir: path.dirname(args.path) };
    });
  },
};

// The bundle's own URL, the base of every rewritten `import.meta.url`.
const banner = 'var __mixprecBundleUrl = require("node:url").pathToFileURL(__filename).href;';

const options = {
  absWorkingDir: cliDir,
  entryPoints: { mixprec: 'dist/index.js' },
  outdir: outDir,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  charset: 'ascii',
  entryNames: '[name]',
  outExtension: { '.js': '.cjs' },
  external: ['@tensorflow/*', 'onnxruntime-node', 'onnxruntime-common'],
  banner: { js: banner },
  legalComments: 'none',
  metafile: true,
  write: false,
  logLevel: 'warning',
  plugins: [ownImportMetaUrl],
};

/** The package folder (nearest ancestor with a package.json) of a file. */
function packageRoot(file) {
  for (let d = path.dirname(file); ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, 'package.json'))) return d;
    if (path.dirname(d) === d) return undefined;
  }
}

/**
 * What bin/mixprec.js checks: for each bundled workspace package its `dist/.tsbuildinfo`
 * (`tsc -b` rewrites it whenever it emits), for each bundled dependency its package.json,
 * and every input file of a package without a build-info file.
 */
function stampFiles(inputs) {
  const out = new Set();
  for (const file of inputs) {
    const root = packageRoot(file);
    if (root === undefined) {
      out.add(file);
      continue;
    }
    const info = path.join(root, 'dist', '.tsbuildinfo');
    if (!root.split(path.sep).includes('node_modules') && fs.existsSync(info)) out.add(info);
    else if (root.split(path.sep).includes('node_modules')) out.add(path.join(root, 'package.json'));
    else out.add(file);
  }
  return [...out].sort();
}

// A build is kept only if no input changed while esbuild read them (another `tsc -b` running):
// every input and stamp file must be older than the build's start.
let build;
for (let attempt = 1; ; attempt++) {
  const start = Date.now() - 1;
  const result = await esbuild.build(options);
  const inputs = Object.keys(result.metafile.inputs).map((p) => path.resolve(cliDir, p));
  const stamps = stampFiles(inputs).map((f) => ({ file: f, stat: fs.statSync(f) }));
  const changed = [...inputs.map((f) => fs.statSync(f)), ...stamps.map((s) => s.stat)].some((st) => st.mtimeMs >= start);
  if (!changed) {
    build = { result, stamps };
    break;
  }
  if (attempt === 3) {
    console.error('bundle: the inputs kept changing during the build (is tsc -b running?); run `npm run build` again');
    process.exit(1);
  }
}

const rel = (f) => toPosix(path.relative(outDir, f));
const files = build.result.outputFiles.map((f) => ({ name: rel(f.path), contents: f.path.endsWith('.cjs') ? asciiBundle(f.text) : f.contents }));
const CACHE = path.basename(codeCacheFile(ENTRY));
const manifest = {
  entry: ENTRY,
  codeCache: CACHE,
  files: [...files.map((f) => f.name), CACHE].sort(),
  stamps: build.stamps.map((s) => ({ file: rel(s.file), mtimeMs: s.stat.mtimeMs, size: s.stat.size })),
};

fs.mkdirSync(outDir, { recursive: true });
const writeAtomic = (name, contents) => {
  const file = path.join(outDir, name);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, contents);
  fs.renameSync(tmp, file);
};
// The bundle, then its code cache, then the manifest (which makes bin/mixprec.js use them).
for (const f of files) writeAtomic(f.name, f.contents);
writeAtomic(CACHE, await trainCodeCache(path.join(outDir, ENTRY)));
writeAtomic(MANIFEST, `${JSON.stringify(manifest, null, 1)}\n`);
const keep = new Set([...manifest.files, MANIFEST]);
for (const name of fs.readdirSync(outDir)) {
  if (!keep.has(name) && !name.endsWith('.tmp')) fs.rmSync(path.join(outDir, name), { force: true });
}

/**
 * The bundle as pure ASCII, which bin/bundle-loader.js reads as latin1 (a one-byte string, no
 * UTF-8 decode). esbuild escapes every non-ASCII character of code (its default charset), so
 * the only ones left are in comments it copies, where each becomes `?`.
 */
function asciiBundle(text) {
  return Buffer.from(text.replace(/[^\x00-\x7f]/gu, '?'), 'latin1');
}

/**
 * Loads the bundle `entry` in this process, converts the example model with it (and runs the
 * O1 pipeline) so that V8 compiles what a conversion runs, and returns V8's code cache.
 */
async function trainCodeCache(entry) {
  const { exports: cli, script } = loadBundle(entry, false);
  const sample = path.resolve(cliDir, '..', '..', 'examples', 'models', 'showcase.onnx');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mixprec-bundle-'));
  try {
    const runs = fs.existsSync(sample)
      ? [['convert', sample, '-o', path.join(work, 'a.onnx'), '-q'], ['opt', sample, '-o', path.join(work, 'b.onnx'), '-q', '-p', 'O1']]
      : [['--version']];
    for (const argv of runs) {
      const code = await cli.main(['node', 'mixprec', ...argv]);
      if (code !== 0) {
        console.error(`bundle: \`mixprec ${argv.join(' ')}\` failed on the new bundle (exit ${code})`);
        process.exit(1);
      }
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  return script.createCachedData();
}
