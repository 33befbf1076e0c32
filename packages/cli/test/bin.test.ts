import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DataType, GraphBuilder } from '@mixprec/ir';
import { encodeModel } from '@mixprec/onnx';
import { CLS, tempDir } from './helpers.js';

const CLI_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(CLI_DIR, 'bin', 'mixprec.js');
const BUNDLE_SCRIPT = path.join(CLI_DIR, 'scripts', 'bundle.mjs');

interface Proc {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function node(args: readonly string[], env: Readonly<Record<string, string>> = {}): Proc {
  const r = spawnSync(process.execPath, [...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * A package laid out as the CLI's (bin/mixprec.js, dist/index.js, dist/bundle/) whose two
 * entries print which one ran, with one stamp file.
 */
function fakeCli(): { root: string; stamp: string; manifest: string; bundleEntry: string } {
  const root = tempDir();
  fs.mkdirSync(path.join(root, 'bin'));
  fs.mkdirSync(path.join(root, 'dist', 'bundle'), { recursive: true });
  fs.copyFileSync(BIN, path.join(root, 'bin', 'mixprec.js'));
  fs.writeFileSync(path.join(root, 'package.json'), '{"type":"module"}');
  for (const f of ['bundle-loader.js', 'package.json']) fs.copyFileSync(path.join(path.dirname(BIN), f), path.join(root, 'bin', f));
  const body = (what: string): string => `async function main(argv) { process.stdout.write('${what} ' + argv.slice(2).join(' ')); return 0; }\n`;
  fs.writeFileSync(path.join(root, 'dist', 'index.js'), `export ${body('dist')}`);
  const bundleEntry = path.join(root, 'dist', 'bundle', 'mixprec.cjs');
  fs.writeFileSync(bundleEntry, `exports.main = ${body('bundle')}`);
  const stamp = path.join(root, 'dist', '.tsbuildinfo');
  fs.writeFileSync(stamp, 'info');
  const st = fs.statSync(stamp);
  const manifest = path.join(root, 'dist', 'bundle', 'manifest.json');
  fs.writeFileSync(manifest, JSON.stringify({ entry: 'mixprec.cjs', files: ['mixprec.cjs'], stamps: [{ file: '../.tsbuildinfo', mtimeMs: st.mtimeMs, size: st.size }] }));
  return { root, stamp, manifest, bundleEntry };
}

describe('bin/mixprec.js: bundle or dist', () => {
  const ran = (root: string, args: string[] = ['--version'], env: Record<string, string> = {}): string => {
    const r = node([path.join(root, 'bin', 'mixprec.js'), ...args], env);
    expect(r.code, r.stderr).to.equal(0);
    return r.stdout;
  };

  it('runs the bundle while its stamps match, passing argv through', () => {
    const f = fakeCli();
    expect(ran(f.root, ['convert', 'a.onnx', '-o', 'b.onnx'])).to.equal('bundle convert a.onnx -o b.onnx');
  });

  it('runs dist once a bundled package was rebuilt (stamp mtime or size changed) or its stamp is gone', () => {
    const f = fakeCli();
    const later = new Date(fs.statSync(f.stamp).mtimeMs + 5000);
    fs.utimesSync(f.stamp, later, later);
    expect(ran(f.root)).to.equal('dist --version');
    const g = fakeCli();
    const st = fs.statSync(g.stamp);
    fs.writeFileSync(g.stamp, 'info, longer');
    fs.utimesSync(g.stamp, st.atime, st.mtime);
    expect(ran(g.root)).to.equal('dist --version');
    const h = fakeCli();
    fs.rmSync(h.stamp);
    expect(ran(h.root)).to.equal('dist --version');
  });

  it('runs dist without a manifest, with an unreadable one, or when the bundle fails to load', () => {
    const f = fakeCli();
    fs.rmSync(f.manifest);
    expect(ran(f.root)).to.equal('dist --version');
    const g = fakeCli();
    fs.writeFileSync(g.manifest, '{"entry":');
    expect(ran(g.root)).to.equal('dist --version');
    const h = fakeCli();
    fs.writeFileSync(h.bundleEntry, "require('./missing-chunk.js');\nexports.main = 1;\n");
    expect(ran(h.root)).to.equal('dist --version');
  });

  it('runs the bundle whatever its code cache holds (V8 rejects a cache that does not fit)', () => {
    const f = fakeCli();
    fs.writeFileSync(`${f.bundleEntry}.cache`, Buffer.alloc(4096, 7));
    expect(ran(f.root)).to.equal('bundle --version');
  });

  it('runs dist for plugins (they share module instances with the CLI) and with MIXPREC_NO_BUNDLE=1', () => {
    const f = fakeCli();
    expect(ran(f.root, ['opt', 'm.onnx', '--plugin', 'p.js'])).to.match(/^dist /);
    expect(ran(f.root, ['passes', '--plugin=p.js'])).to.match(/^dist /);
    expect(ran(f.root, ['--version'], { MIXPREC_NO_BUNDLE: '1' })).to.match(/^dist /);
  });
});

describe('the bundled CLI (scripts/bundle.mjs)', function () {
  this.timeout(300_000);
  // Built into folders inside the package (as dist/bundle is), removed afterwards.
  const dirs = [path.join(CLI_DIR, 'dist', `.bundle-test-${process.pid}-a`), path.join(CLI_DIR, 'dist', `.bundle-test-${process.pid}-b`)];
  let entry = '';

  before(function () {
    if (!fs.existsSync(path.join(CLI_DIR, 'dist', 'index.js'))) this.skip(); // nothing built to bundle
    for (const d of dirs) {
      const r = node([BUNDLE_SCRIPT, '--out', d]);
      expect(r.code, r.stderr).to.equal(0);
    }
    entry = path.join(dirs[0]!, 'mixprec.cjs');
  });
  after(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  const LOADER = pathToFileURL(path.join(CLI_DIR, 'bin', 'bundle-loader.js')).href;
  /**
   * Runs `SCRIPT` as an ES module with `bundle` = loadBundle(entry) (the CLI's own loader) and
   * `argv` = the remaining arguments.
   */
  const withBundle = (script: string, args: readonly string[]): Proc =>
    node(['--input-type=module', '-e', `const { loadBundle } = await import(process.argv[1]); const bundle = loadBundle(process.argv[2]); const argv = process.argv.slice(3); ${script}`, LOADER, entry, ...args]);
  /** `mixprec ARGS` on the bundle under test, or on dist. */
  const bundled = (args: string[]): Proc => withBundle('process.exitCode = await bundle.exports.main(["node", "mixprec", ...argv]);', args);
  const dist = (args: string[]): Proc => node([BIN, ...args], { MIXPREC_NO_BUNDLE: '1' });

  it('is deterministic: two builds give the same files, byte for byte (but for the code cache)', () => {
    const names = fs.readdirSync(dirs[0]!).sort();
    expect(names).to.deep.equal(['manifest.json', 'mixprec.cjs', 'mixprec.cjs.cache']);
    expect(fs.readdirSync(dirs[1]!).sort()).to.deep.equal(names);
    // V8's code cache holds what V8 compiled (version- and machine-specific): not compared.
    const reproducible = names.filter((n) => !n.endsWith('.cache'));
    for (const n of reproducible) expect(fs.readFileSync(path.join(dirs[1]!, n)).equals(fs.readFileSync(path.join(dirs[0]!, n))), n).to.equal(true);
    const manifest = JSON.parse(fs.readFileSync(path.join(dirs[0]!, 'manifest.json'), 'utf8')) as { files: string[]; stamps: { file: string }[] };
    expect([...manifest.files, 'manifest.json'].sort()).to.deep.equal(names);
    // Stamps are relative paths (the bundle holds no absolute path of the machine that built it).
    for (const s of manifest.stamps) expect(path.isAbsolute(s.file), s.file).to.equal(false);
    for (const n of reproducible) expect(fs.readFileSync(path.join(dirs[0]!, n), 'utf8')).not.to.include(CLI_DIR);
  });

  it('starts from its code cache (V8 accepts the cache the build made)', () => {
    const r = withBundle('process.stdout.write(String(bundle.cacheRejected));', []);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.equal('false');
  });

  it('is pure ASCII, and holds protobufjs and the generated ONNX messages (nothing of them is required at run time)', () => {
    const bytes = fs.readFileSync(entry);
    expect(bytes.every((b) => b < 0x80)).to.equal(true);
    const dir = tempDir();
    const required = 'const { createRequire } = await import("node:module"); process.stdout.write(JSON.stringify({ code, loaded: Object.keys(createRequire(process.argv[2]).cache).filter((k) => /protobufjs|long|generated/.test(k)) }));';
    const r = withBundle(`const code = await bundle.exports.main(["node", "mixprec", ...argv]); ${required}`, ['convert', CLS, '-o', path.join(dir, 'c.onnx'), '-q']);
    expect(r.code, r.stderr).to.equal(0);
    expect(JSON.parse(r.stdout)).to.deep.equal({ code: 0, loaded: [] });
  });

  it('keeps TensorFlow.js and onnxruntime-node out of a conversion (loaded only by the commands that run models)', () => {
    const dir = tempDir();
    const loaded = 'const { createRequire } = await import("node:module"); const ext = Object.keys(createRequire(process.argv[2]).cache).filter((k) => /tfjs|onnxruntime/.test(k)); process.stdout.write(JSON.stringify({ code, tfjs: ext.some((k) => k.includes("tfjs-core")), ort: ext.some((k) => k.includes("onnxruntime")) }));';
    const convert = withBundle(`const code = await bundle.exports.main(["node", "mixprec", ...argv]); ${loaded}`, ['convert', CLS, '-o', path.join(dir, 'c.onnx'), '-q']);
    expect(convert.code, convert.stderr).to.equal(0);
    expect(JSON.parse(convert.stdout)).to.deep.equal({ code: 0, tfjs: false, ort: false });
    // The same probe sees TensorFlow.js once `run` needs it.
    const b = new GraphBuilder();
    b.output(b.op1('Relu', [b.input('X', DataType.FLOAT, [2, 3])]), 'Y');
    const relu = path.join(dir, 'relu.onnx');
    fs.writeFileSync(relu, encodeModel(b.model({ opset: 17 })));
    const run = withBundle(`const code = await bundle.exports.main(["node", "mixprec", ...argv]); ${loaded}`, ['run', relu, '--backend', 'cpu', '--json']);
    expect(run.code, run.stderr).to.equal(0);
    expect(JSON.parse(run.stdout.slice(run.stdout.lastIndexOf('{"code"')))).to.include({ code: 0, tfjs: true });
  });

  it('converts exactly as dist does (same output bytes and report)', () => {
    const dir = tempDir();
    const a = bundled(['convert', CLS, '-o', path.join(dir, 'a.onnx'), '--json']);
    const b = dist(['convert', CLS, '-o', path.join(dir, 'b.onnx'), '--json']);
    expect(a.code, a.stderr).to.equal(0);
    expect(b.code, b.stderr).to.equal(0);
    expect(fs.readFileSync(path.join(dir, 'a.onnx')).equals(fs.readFileSync(path.join(dir, 'b.onnx')))).to.equal(true);
    const strip = (s: string): unknown => ({ ...(JSON.parse(s) as object), output: undefined });
    expect(strip(a.stdout)).to.deep.equal(strip(b.stdout));
  });

  it('runs a model on the reference executor (loaded on demand, wasm files found in the tfjs package)', () => {
    const dir = tempDir();
    const b = new GraphBuilder();
    const x = b.input('X', DataType.FLOAT, [2, 3]);
    b.output(b.op1('Relu', [x]), 'Y');
    const file = path.join(dir, 'relu.onnx');
    fs.writeFileSync(file, encodeModel(b.model({ opset: 17 })));
    for (const backend of ['wasm', 'cpu']) {
      const a = bundled(['run', file, '--backend', backend, '--json', '--seed', '3']);
      const d = dist(['run', file, '--backend', backend, '--json', '--seed', '3']);
      expect(a.code, a.stderr).to.equal(0);
      expect(JSON.parse(a.stdout)).to.deep.equal(JSON.parse(d.stdout));
      expect(JSON.parse(a.stdout).backend).to.equal(backend);
    }
  });

  it('gives a user error the same one line and exit code as dist', () => {
    const dir = tempDir();
    const bad = path.join(dir, 'bad.onnx');
    fs.writeFileSync(bad, Buffer.from([0xff, 0xff, 0xff]));
    const a = bundled(['convert', bad, '-o', path.join(dir, 'o.onnx')]);
    const d = dist(['convert', bad, '-o', path.join(dir, 'o.onnx')]);
    expect(a.code).to.equal(2);
    expect(a.stderr).to.equal(d.stderr);
  });
});
