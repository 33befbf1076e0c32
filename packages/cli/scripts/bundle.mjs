/**
 * Bundles the built CLI (dist/index.js and everything it imports, workspace packages included)
 * into dist/bundle/ with esbuild, so that `mixprec` starts from a few files instead of about 240
 * ES modules. Run after `tsc -b` (the root `npm run build` does both).
 *
 *   node packages/cli/scripts/bundle.mjs [--out DIR]
 *
 * - External, loaded only when used: TensorFlow.js (its wasm backend finds its .wasm files
 *   relative to its own package) and onnxruntime-node (an optional peer). The reference
 *   executor is a separate chunk loaded by `import()`, sharing @mixprec/ir with the rest.
 * - Every module keeps its own `import.meta.url` (rewritten to its original file, relative to
 *   the bundle), so `createRequire(import.meta.url)` and `new URL('../x', import.meta.url)` in
 *   the packages resolve exactly as from dist.
 * - Deterministic: same inputs, same bytes (paths in the output are relative).
 * - dist/bundle/manifest.json lists the bundle's files and the stamps of its inputs (size and
 *   mtime of each bundled package's build-info file, of each dependency's package.json);
 *   bin/mixprec.js uses the bundle only when every stamp still matches (else it runs dist).
 * - Files are replaced atomically (write, then rename; the entry and the manifest last), and
 *   the previous build's chunks are kept, so a `mixprec` process started just before a rebuild
 *   still finds the chunks it loads late.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const cliDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// `--out DIR` (tests): another folder, which must sit inside the package (for Node to find
// the external packages from it the same way).
const outFlag = process.argv.indexOf('--out');
const outDir = outFlag > 0 ? path.resolve(process.argv[outFlag + 1]) : path.join(cliDir, 'dist', 'bundle');
const MANIFEST = 'manifest.json';
const ENTRY = 'mixprec.js';

const toPosix = (p) => p.split(path.sep).join('/');

/** Rewrites `import.meta.url` in every bundled module to the URL of its original file. */
const ownImportMetaUrl = {
  name: 'own-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.(m|c)?js$/ }, async (args) => {
      const text = await fs.promises.readFile(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      const rel = toPosix(path.relative(outDir, args.path));
      const url = `new URL(${JSON.stringify(rel)}, import.meta.url).href`;
      return { contents: text.replaceAll('import.meta.url', url), loader: 'js', resolveDir: path.dirname(args.path) };
    });
  },
};

// CommonJS dependencies bundled into ES modules call `require` for Node built-ins.
const banner = "import { createRequire as __mixprecCreateRequire } from 'node:module';\nconst require = __mixprecCreateRequire(import.meta.url);";

const options = {
  absWorkingDir: cliDir,
  entryPoints: { mixprec: 'dist/index.js' },
  outdir: outDir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  entryNames: '[name]',
  chunkNames: 'chunk-[hash]',
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
const files = build.result.outputFiles.map((f) => ({ name: rel(f.path), contents: f.contents }));
const manifest = {
  entry: ENTRY,
  files: files.map((f) => f.name).sort(),
  stamps: build.stamps.map((s) => ({ file: rel(s.file), mtimeMs: s.stat.mtimeMs, size: s.stat.size })),
};

fs.mkdirSync(outDir, { recursive: true });
let previous = [];
try {
  previous = JSON.parse(fs.readFileSync(path.join(outDir, MANIFEST), 'utf8')).files ?? [];
} catch {
  // first build
}
const writeAtomic = (name, contents) => {
  const file = path.join(outDir, name);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, contents);
  fs.renameSync(tmp, file);
};
// Chunks first (content-hashed names), then the entry, then the manifest.
for (const f of files) if (f.name !== ENTRY) writeAtomic(f.name, f.contents);
writeAtomic(ENTRY, files.find((f) => f.name === ENTRY).contents);
writeAtomic(MANIFEST, `${JSON.stringify(manifest, null, 1)}\n`);
const keep = new Set([...manifest.files, ...previous, MANIFEST]);
for (const name of fs.readdirSync(outDir)) {
  if (!keep.has(name) && !name.endsWith('.tmp')) fs.rmSync(path.join(outDir, name), { force: true });
}
