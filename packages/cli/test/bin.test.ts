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
  const entry = (what: string): string => `export async function main(argv) { process.stdout.write('${what} ' + argv.slice(2).join(' ')); return 0; }\n`;
  fs.writeFileSync(path.join(root, 'dist', 'index.js'), entry('dist'));
  const bundleEntry = path.join(root, 'dist', 'bundle', 'mixprec.js');
  fs.writeFileSync(bundleEntry, entry('bundle'));
  const stamp = path.join(root, 'dist', '.tsbuildinfo');
  fs.writeFileSync(stamp, 'info');
  const st = fs.statSync(stamp);
  const manifest = path.join(root, 'dist', 'bundle', 'manifest.json');
  fs.writeFileSync(manifest, JSON.stringify({ entry: 'mixprec.js', files: ['mixprec.js'], stamps: [{ file: '../.tsbuildinfo', mtimeMs: st.mtimeMs, size: st.size }] }));
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
    fs.writeFileSync(h.bundleEntry, "import './missing-chunk.js';\nexport const main = 1;\n");
    expect(ran(h.root)).to.equal('dist --version');
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
    entry = pathToFileURL(path.join(dirs[0]!, 'mixprec.js')).href;
  });
  after(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  /** `mixprec ARGS` on the bundle under test, or on dist. */
  const bundled = (args: string[]): Proc =>
    node(['--input-type=module', '-e', 'const { main } = await import(process.argv[1]); process.exitCode = await main(["node", "mixprec", ...process.argv.slice(2)]);', entry, ...args]);
  const dist = (args: string[]): Proc => node([BIN, ...args], { MIXPREC_NO_BUNDLE: '1' });

  it('is deterministic: two builds give the same files, byte for byte', () => {
    const names = fs.readdirSync(dirs[0]!).sort();
    expect(fs.readdirSync(dirs[1]!).sort()).to.deep.equal(names);
    for (const n of names) expect(fs.readFileSync(path.join(dirs[1]!, n)).equals(fs.readFileSync(path.join(dirs[0]!, n))), n).to.equal(true);
    const manifest = JSON.parse(fs.readFileSync(path.join(dirs[0]!, 'manifest.json'), 'utf8')) as { files: string[]; stamps: { file: string }[] };
    expect([...manifest.files, 'manifest.json'].sort()).to.deep.equal(names);
    // Stamps are relative paths (the bundle holds no absolute path of the machine that built it).
    for (const s of manifest.stamps) expect(path.isAbsolute(s.file), s.file).to.equal(false);
    for (const n of names) expect(fs.readFileSync(path.join(dirs[0]!, n), 'utf8')).not.to.include(CLI_DIR);
  });

  it('keeps TensorFlow.js and onnxruntime-node out of start-up (no static import of them)', () => {
    const text = (n: string): string => fs.readFileSync(path.join(dirs[0]!, n), 'utf8');
    const staticImports = (src: string): string[] => [...src.matchAll(/^import\b[^;]*?from\s*"([^"]+)"|^import\s*"([^"]+)"/gms)].map((m) => m[1] ?? m[2]!);
    // The entry and the chunks it imports statically: what start-up loads.
    const startup = new Set(['mixprec.js']);
    for (const n of startup) for (const s of staticImports(text(n))) if (s.startsWith('./')) startup.add(s.slice(2));
    for (const n of startup) {
      const ext = staticImports(text(n)).filter((s) => !s.startsWith('./') && !s.startsWith('node:'));
      expect(ext, n).to.deep.equal([]);
    }
    // The executor is a chunk of its own, importing tfjs from its package.
    const lazy = fs.readdirSync(dirs[0]!).filter((n) => n.endsWith('.js') && !startup.has(n));
    expect(lazy.some((n) => staticImports(text(n)).includes('@tensorflow/tfjs-core')), lazy.join()).to.equal(true);
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
