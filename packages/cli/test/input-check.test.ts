import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { DataType, Graph, GraphBuilder, Node, Value, attr, floatTensor, printModel, tensorType, verify, type Model } from '@mixprec/ir';
import { loadModel, saveModel } from '@mixprec/onnx';
import { sortInputGraphs } from '../src/input-check.js';
import { CliError, ExitCode } from '../src/errors.js';
import { blameInvalidInput } from '../src/input-check.js';
import { CLS, cli, tempDir } from './helpers.js';

/** Y = Relu(X + W), with the two nodes in reverse order (`unsorted`) or reading each other (`cycle`). */
function broken(kind: 'unsorted' | 'cycle'): Model {
  const b = new GraphBuilder();
  const x = b.input('X', DataType.FLOAT, [4]);
  const w = b.initializer('W', floatTensor([4], new Float32Array([1, 2, 3, 4])));
  const s = b.op1('Add', [x, w], { name: 'add', output: 's', type: tensorType(DataType.FLOAT, [4]) });
  const y = b.op1('Relu', [s], { name: 'relu', output: 'Y', type: tensorType(DataType.FLOAT, [4]) });
  b.output(y);
  const m = b.model({ opset: 17 });
  const add = s.producer()!;
  const relu = y.producer()!;
  if (kind === 'unsorted') {
    const inputs = [...add.inputs];
    m.graph.remove(add); // detaches its inputs
    m.graph.insertAfter(relu, add);
    inputs.forEach((v, i) => add.replaceInput(i, v));
  } else {
    add.replaceInput(0, y); // Y = Relu(Y + W)
  }
  return m;
}

describe('CLI: conversions of invalid inputs are bad input (found by fuzzing)', () => {
  const dir = tempDir();
  const write = (kind: 'unsorted' | 'cycle'): string => {
    const f = path.join(dir, `${kind}.onnx`);
    const r = saveModel(broken(kind), f);
    if (r._tag === 'Left') throw new Error(r.left.message);
    return f;
  };

  for (const args of [['convert', '--keep-io-types'], ['opt', '-p', 'cleanup']]) {
    it(`${args[0]}: a cycle exits 2 with one line naming the input's problem, and writes nothing`, async () => {
      const input = write('cycle');
      const out = path.join(dir, `cycle-${args[0]}.onnx`);
      const r = await cli(args[0]!, input, '-o', out, ...args.slice(1));
      expect(r.code, r.stderr).to.equal(2);
      expect(r.stderr.trim().split('\n')).to.have.length(1);
      expect(r.stderr).to.include(`${input}: the input model is invalid, nothing written: error [use-before-def]`);
      expect(fs.existsSync(out)).to.equal(false);
    });
  }

  it('verifies the input only when the conversion failed (a valid input is verified once, as the output)', () => {
    let calls = 0;
    const problem = { severity: 'error' as const, code: 'use-before-def', message: 'x' };
    const problems = () => {
      calls++;
      return [problem];
    };
    expect(blameInvalidInput('m.onnx', problems, () => 7)).to.equal(7);
    expect(calls).to.equal(0);
    // A user error of the step stands as it is; a failure on an invalid input blames the input.
    expect(() => blameInvalidInput('m.onnx', problems, () => { throw new CliError('bad flag'); })).to.throw('bad flag');
    expect(calls).to.equal(0);
    try {
      blameInvalidInput('m.onnx', problems, () => { throw new Error('boom'); });
      expect.fail('no error');
    } catch (e) {
      expect(e).to.be.instanceOf(CliError);
      expect((e as CliError).code).to.equal(ExitCode.badInput);
      expect((e as CliError).message).to.match(/^m\.onnx: the input model is invalid, nothing written: error \[use-before-def\] x/);
    }
    expect(calls).to.equal(1);
    // A valid input, or one that cannot be read again: the step's own failure.
    expect(() => blameInvalidInput('m.onnx', () => [], () => { throw new Error('boom'); })).to.throw('boom');
    expect(() => blameInvalidInput('m.onnx', () => { throw new CliError('gone'); }, () => { throw new Error('boom'); })).to.throw('boom');
  });

  it('a pipeline that repairs the input still runs (opt -p topo-sort on an unsorted graph)', async () => {
    const input = write('unsorted');
    const out = path.join(dir, 'sorted.onnx');
    const r = await cli('opt', input, '-o', out, '-p', 'topo-sort', '--quiet');
    expect(r.code, r.stderr).to.equal(0);
    expect(fs.existsSync(out)).to.equal(true);
  });

  for (const args of [['convert', '--keep-io-types'], ['opt', '-p', 'cleanup'], ['auto', '--tolerance', '0.05']]) {
    it(`${args[0]}: an unsorted but acyclic graph is sorted, with a note on stderr, instead of refused (found by fuzzing)`, async () => {
      const input = write('unsorted');
      const out = path.join(dir, `unsorted-${args[0]}.onnx`);
      const r = await cli(args[0]!, input, '-o', out, ...args.slice(1));
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stderr).to.include(`note: ${input}: the nodes were not in topological order; sorted them (topo-sort: 2 node(s) moved in 1 graph(s))\n`);
      const saved = loadModel(out);
      if (saved._tag === 'Left') throw new Error(saved.left.message);
      expect(verify(saved.right)).to.deep.equal([]);
      const quiet = await cli(args[0]!, input, '-o', out, ...args.slice(1), '--quiet', '--in-place');
      expect([quiet.code, quiet.stderr]).to.deep.equal([0, '']);
    });
  }

  it('convert refuses a file without a graph (empty, or cut off before it) or without outputs (exit 2, nothing written)', async () => {
    const cls = fs.readFileSync(CLS);
    // ir_version and producer fields come before the graph (field 7) in the file.
    const graphAt = cls.indexOf(0x3a);
    for (const [name, bytes] of [['empty', new Uint8Array(0)], ['header-only', cls.subarray(0, graphAt)]] as const) {
      const input = path.join(dir, `${name}.onnx`);
      fs.writeFileSync(input, bytes);
      const out = path.join(dir, `${name}-out.onnx`);
      const r = await cli('convert', input, '-o', out);
      expect(r.code, r.stderr).to.equal(2);
      expect(r.stderr.trim()).to.equal(`mixprec: ${input}: the model has no graph (an empty or truncated file?); nothing to convert`);
      expect(fs.existsSync(out)).to.equal(false);
    }
    // A graph without outputs computes nothing (onnxruntime cannot even load it once dce ran).
    const m = broken('unsorted');
    m.graph.sortTopologically();
    (m.graph.outputs as Value[]).length = 0;
    const input = path.join(dir, 'no-outputs.onnx');
    const s = saveModel(m, input);
    if (s._tag === 'Left') throw new Error(s.left.message);
    const r = await cli('convert', input, '-o', path.join(dir, 'no-outputs-out.onnx'));
    expect(r.code, r.stderr).to.equal(2);
    expect(r.stderr.trim()).to.equal(`mixprec: ${input}: the model's graph has no outputs (a truncated or damaged file?); nothing to convert`);
  });

  it('convert: a graph output of element type UNDEFINED is bad input, not an internal error (found by fuzzing)', async () => {
    const m = broken('unsorted');
    m.graph.sortTopologically();
    m.graph.outputs[0]!.type = tensorType(DataType.UNDEFINED, [4]);
    const input = path.join(dir, 'undefined-output.onnx');
    const s = saveModel(m, input);
    if (s._tag === 'Left') throw new Error(s.left.message);
    const out = path.join(dir, 'undefined-output-out.onnx');
    const r = await cli('convert', input, '-o', out, '--keep-io-types');
    expect(r.code, r.stderr).to.be.oneOf([0, 2]);
    if (r.code === 2) expect(r.stderr.trim()).to.match(/the input model is invalid, nothing written: error \[undefined-io-dtype\] Output 0 'Y' of the main graph has element type UNDEFINED/);
    expect(fs.existsSync(out)).to.equal(r.code === 0);
  });

  describe('sortInputGraphs', () => {
    it('sorts every graph that needs it (a branch reading a value defined after its If) and says what moved', () => {
      const m = broken('unsorted');
      const relu = [...m.graph].find((n) => n.name === 'relu')!;
      // An If placed first whose branches capture 's', which the Add defines after it.
      const branch = (name: string): Graph => {
        const g = new Graph(name);
        const neg = new Node({ opType: 'Neg', name: `neg_${name}`, inputs: [relu.inputs[0]!], outputs: [new Value(`n_${name}`, tensorType(DataType.FLOAT, [4]))] });
        g.append(neg);
        g.addOutput(neg.outputs[0]!);
        return g;
      };
      const c = new Value('c', tensorType(DataType.BOOL, []));
      m.graph.addInput(c);
      const iff = new Node({ opType: 'If', name: 'if', inputs: [c], outputs: [new Value('I', tensorType(DataType.FLOAT, [4]))], attributes: { then_branch: attr.graph(branch('then')), else_branch: attr.graph(branch('else')) } });
      m.graph.prepend(iff);
      m.graph.addOutput(iff.outputs[0]!);
      expect(verify(m).map((d) => d.code)).to.include('use-before-def');
      expect(sortInputGraphs(m, 'in.onnx')).to.equal('in.onnx: the nodes were not in topological order; sorted them (topo-sort: 3 node(s) moved in 1 graph(s))');
      expect(verify(m)).to.deep.equal([]);
      expect([...m.graph].map((n) => n.name), 'the original order where the dependencies allow').to.deep.equal(['add', 'if', 'relu']);
      expect(sortInputGraphs(m, 'in.onnx'), 'sorted already: nothing to say').to.equal(undefined);
    });

    it('leaves a model with a cycle exactly as it is', () => {
      const m = broken('cycle');
      const before = printModel(m);
      expect(sortInputGraphs(m, 'in.onnx')).to.equal(undefined);
      expect(printModel(m)).to.equal(before);
    });
  });
});

