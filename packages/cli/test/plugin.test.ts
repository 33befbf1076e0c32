import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataType, GraphBuilder, floatTensor, tensorType } from '@mixprec/ir';
import { loadModel, saveModel } from '@mixprec/onnx';
import { cli, tempDir } from './helpers.js';

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const PLUGIN = fixture('plugin-name-nodes.mjs');

/** A small model whose nodes have no names, and a dead node. */
function unnamedModel(dir: string): string {
  const b = new GraphBuilder();
  const x = b.input('x', DataType.FLOAT, [1, 4]);
  const w = b.initializer('w', floatTensor([4, 2], [1, 2, 3, 4, 5, 6, 7, 8]));
  const y = b.op1('MatMul', [x, w]);
  b.op1('Relu', [y]); // dead
  b.output(b.op1('Tanh', [y], { type: tensorType(DataType.FLOAT, [1, 2]) }), 'y');
  const model = b.model({ opset: 17 });
  for (const n of model.graph) n.name = '';
  const file = path.join(dir, 'unnamed.onnx');
  const r = saveModel(model, file);
  if (r._tag === 'Left') throw new Error(r.left.message);
  return file;
}

function nodeNames(file: string): string[] {
  const r = loadModel(file);
  if (r._tag === 'Left') throw new Error(r.left.message);
  return [...r.right.graph].map((n) => n.name);
}

describe('--plugin', () => {
  it('lists the passes and aliases of a plugin with `mixprec passes`', async () => {
    const r = await cli('passes', '--plugin', PLUGIN);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/name-nodes/);
    expect(r.stdout).to.match(/Give unnamed nodes a unique name from their op type/);
    expect(r.stdout).to.match(/tidy/);
    const plain = await cli('passes');
    expect(plain.stdout).to.not.match(/name-nodes/);
  });

  it('runs a plugin pass by name, with options, in a pipeline of shipped passes', async () => {
    const dir = tempDir();
    const file = unnamedModel(dir);
    const out = path.join(dir, 'named.onnx');
    const r = await cli('opt', file, '-o', out, '-p', 'name-nodes{prefix=my_},dce', '--plugin', PLUGIN, '--verify-each');
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.contain("with -p 'name-nodes{prefix=my_},dce'");
    expect(nodeNames(out)).to.deep.equal(['my_MatMul', 'my_Tanh']);
  });

  it('runs a plugin alias', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'tidy.onnx');
    const r = await cli('opt', unnamedModel(dir), '-o', out, '-p', 'tidy', '--plugin', PLUGIN);
    expect(r.code, r.stderr).to.equal(0);
    expect(nodeNames(out)).to.deep.equal(['n_MatMul', 'n_Tanh']);
  });

  it('without the plugin the pass is unknown', async () => {
    const dir = tempDir();
    const r = await cli('opt', unnamedModel(dir), '-o', path.join(dir, 'o.onnx'), '-p', 'name-nodes');
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/unknown pass 'name-nodes'; valid passes: .*dce/);
  });

  it('reports bad plugins in one line: missing file, no passes export, name clash, unloadable module', async () => {
    const dir = tempDir();
    const model = unnamedModel(dir);
    const out = path.join(dir, 'o.onnx');
    const cases: [string, RegExp][] = [
      [path.join(dir, 'missing.mjs'), /--plugin .*missing\.mjs: no such file/],
      [fixture('plugin-no-passes.mjs'), /--plugin .*plugin-no-passes\.mjs: the module exports no 'passes' list/],
      [fixture('plugin-clash.mjs'), /--plugin: Pass 'dce' is registered twice; rename the plugin's pass or alias/],
      ['no-such-package-mixprec-plugin', /--plugin no-such-package-mixprec-plugin: cannot load the module/],
    ];
    for (const [spec, re] of cases) {
      const r = await cli('opt', model, '-o', out, '-p', 'dce', '--plugin', spec);
      expect(r.code, spec).to.equal(2);
      expect(r.stderr, spec).to.match(re);
      expect(r.stderr.trim().split('\n'), spec).to.have.length(1);
      expect(fs.existsSync(out)).to.equal(false);
    }
    const broken = path.join(dir, 'broken.mjs');
    fs.writeFileSync(broken, 'export const passes = [;\n');
    const r = await cli('passes', '--plugin', broken);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/--plugin .*broken\.mjs: cannot load the module: /);
  });
});
