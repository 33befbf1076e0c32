import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import {
  DataType, GraphBuilder, attr, floatTensor, tensorType, type Attr, type Dim, type Model, type Node, type Tensor,
} from '@mixprec/ir';
import {
  aggressive, balanced, bf16, createPolicyQuery, decide, decodePolicyJson, encodeListPolicy, formatPolicyFileError,
  loadPolicyFile, type Policy, type PolicyFileError,
} from '../src/index.js';

const SHIPPED = new Map<string, Policy>([['aggressive', aggressive], ['balanced', balanced], ['bf16', bf16]]);
const resolve = (name: string): Policy | undefined => SHIPPED.get(name);
const known = [...SHIPPED.keys()];

function decodeOk(json: unknown): Policy {
  const r = decodePolicyJson(json, { resolve, known, file: 'test.json' });
  if (E.isLeft(r)) throw new Error(formatPolicyFileError(r.left).join('\n'));
  return r.right;
}

function errorsOf(json: unknown): string[] {
  const r = decodePolicyJson(json, { resolve, known, file: 'p.json' });
  if (E.isRight(r)) throw new Error('expected a decode error');
  return formatPolicyFileError(r.left);
}

type InputSpec = readonly Dim[] | Tensor;

function nodeOf(op: string, inputs: readonly InputSpec[] = [[2, 2]], o: { attrs?: Record<string, Attr>; out?: readonly Dim[]; name?: string; domain?: string } = {}): { node: Node; model: Model } {
  const b = new GraphBuilder();
  const vals = inputs.map((s, i) => (Array.isArray(s) ? b.input(`x${i}`, DataType.FLOAT, s as readonly Dim[]) : b.initializer(`w${i}`, s as Tensor)));
  const y = b.op1(op, vals, { attrs: o.attrs, name: o.name, domain: o.domain, type: o.out === undefined ? undefined : tensorType(DataType.FLOAT, o.out) });
  b.output(y);
  return { node: y.producer()!, model: b.model({ opset: 17, opsets: o.domain === undefined ? {} : { [o.domain]: 1 } }) };
}

function ask(p: Policy, op: string, inputs?: readonly InputSpec[], o?: Parameters<typeof nodeOf>[2]) {
  const { node, model } = nodeOf(op, inputs, o);
  return decide(p, createPolicyQuery(node, model));
}

const zeros = (dims: readonly number[]): Tensor => floatTensor(dims, new Float32Array(dims.reduce((a, b) => a * b, 1)));

describe('policy JSON codec', () => {
  describe('decoding', () => {
    it('builds a policy from lists, accumulation, reasons, fallback and claims', () => {
      const p = decodeOk({
        name: 'mine', description: 'test', target: 'bfloat16',
        green: ['MatMul', 'npu.FusedGelu'], gray: ['Add'], red: ['Softmax'],
        accumulation: { MatMul: 'float32', Add: 'bfloat16' }, reasons: { Softmax: 'no exp unit' },
        fallback: 'gray', fallbackReason: 'mine: follow', claims: ['npu.FusedGelu'],
      });
      expect(p.name).to.equal('mine');
      expect(p.description).to.equal('test');
      expect(p.target).to.equal(DataType.BFLOAT16);
      expect(ask(p, 'MatMul', [[2, 2], [2, 2]])).to.include({ color: 'green', accumulation: DataType.FLOAT, rule: 'mine:lists' });
      expect(ask(p, 'Add')).to.include({ color: 'gray', accumulation: DataType.BFLOAT16 });
      expect(ask(p, 'Softmax')).to.include({ color: 'red', reason: 'no exp unit' });
      expect(ask(p, 'FusedGelu', undefined, { domain: 'npu' }).color).to.equal('green');
      expect(p.claimsOp?.('npu', 'FusedGelu')).to.equal(true);
      expect(ask(p, 'Relu')).to.include({ color: 'gray', reason: 'mine: follow', rule: 'fallback' });
    });
    it('accepts text and parsed values alike; defaults: FLOAT16, fallback red', () => {
      const text = decodePolicyJson('{ "name": "t", "green": ["Conv"] }', { resolve });
      expect(E.isRight(text)).to.equal(true);
      const p = (text as E.Right<Policy>).right;
      expect(p.target).to.equal(DataType.FLOAT16);
      expect(ask(p, 'Relu').color).to.equal('red');
    });
    it('resolves extends through the caller and layers the file on top', () => {
      const p = decodeOk({ name: 'b2', extends: 'balanced', green: ['Softmax'], accumulation: { Softmax: 'float32' } });
      expect(ask(p, 'Softmax')).to.include({ color: 'green', accumulation: DataType.FLOAT });
      expect(ask(p, 'Add').color).to.equal('gray');
      expect(ask(p, 'Exp').color).to.equal('red');
      expect(p.target).to.equal(DataType.FLOAT16);
      const q = decodeOk({ name: 'b3', extends: 'bf16' });
      expect(q.target).to.equal(DataType.BFLOAT16);
      expect(ask(q, 'CumSum').color).to.equal('red');
    });
  });

  describe('rules', () => {
    const npu = () => decodeOk({
      name: 'npu', extends: 'aggressive',
      rules: [
        { level: 20, op: 'Conv', when: { minWeightElements: 4096, depthwise: false }, color: 'green', accumulation: 'float32', reason: 'big conv' },
        { level: 20, op: 'Conv', when: { maxWeightElements: 4095 }, color: 'red' },
        { level: 25, op: 'Conv', when: { depthwise: true }, color: 'gray' },
        { level: 20, op: ['MatMul', 'Gemm'], when: { maxReductionDepth: 4096 }, color: 'green', accumulation: 'float32' },
        { level: 20, op: ['MatMul', 'Gemm'], when: { minReductionDepth: 4097 }, color: 'red', name: 'long-k' },
        { level: 30, node: '^head/', color: 'red', output: 'float32' },
        { level: 20, op: 'Resize', when: { attr: { mode: 'nearest' } }, color: 'gray' },
        { level: 20, op: 'Conv', when: { attr: { group: 1, kernel_shape: [1, 1] }, minMacs: 1 }, color: 'gray', name: 'pointwise' },
        { level: 20, op: 'MatMul', when: { maxMacs: 100 }, color: 'red', name: 'tiny' },
      ],
    });

    it('decides by weight size, depthwise-ness and attributes (schema defaults included)', () => {
      const p = npu();
      expect(ask(p, 'Conv', [[1, 64, 8, 8], zeros([64, 64, 3, 3])])).to.include({ color: 'green', accumulation: DataType.FLOAT, reason: 'big conv' });
      const small = ask(p, 'Conv', [[1, 4, 8, 8], zeros([8, 4, 3, 3])]);
      expect(small).to.include({ color: 'red', rule: 'npu:rules[1]', reason: 'npu:rules[1]: red' });
      expect(ask(p, 'Conv', [[1, 64, 8, 8], zeros([64, 1, 3, 3])], { attrs: { group: attr.int(64) } }).color).to.equal('gray');
      expect(ask(p, 'Conv', [[1, 64, 8, 8], zeros([64, 64, 1, 1])], { attrs: { kernel_shape: attr.ints([1, 1]) }, out: [1, 64, 8, 8] }).rule)
        .to.equal('pointwise', 'equal level: the later rule wins');
      expect(ask(p, 'Resize', [[1, 3, 8, 8]]).color).to.equal('gray', 'mode defaults to nearest');
      expect(ask(p, 'Resize', [[1, 3, 8, 8]], { attrs: { mode: attr.string('linear') } }).color).to.equal('green', 'aggressive fallback');
      const q = decodeOk({ name: 'q', rules: [{ level: 20, when: { attr: { nonexistent: 1 } }, color: 'green' }] });
      expect(ask(q, 'Relu').color).to.equal('red', 'an attribute neither set nor defaulted never matches');
    });
    it('decides by reduction depth and MACs; unknown shapes leave the decision to lower rules', () => {
      const p = npu();
      expect(ask(p, 'MatMul', [[64, 4096], [4096, 64]])).to.include({ color: 'green', accumulation: DataType.FLOAT });
      expect(ask(p, 'MatMul', [[64, 8192], [8192, 64]])).to.include({ color: 'red', rule: 'long-k' });
      expect(ask(p, 'MatMul', [[2, 4], [4, 2]])).to.include({ color: 'red', rule: 'tiny' });
      const unknown = ask(p, 'MatMul', [['N', 'K'], ['K', 64]]);
      expect(unknown).to.include({ color: 'green', rule: 'aggressive:lists' });
      expect(ask(p, 'Gemm', [[8, 100], [100, 8]]).color).to.equal('green');
    });
    it('matches node names by regular expression and sets the output dtype', () => {
      const p = npu();
      const d = ask(p, 'Relu', [[2]], { name: 'head/relu' });
      expect(d).to.include({ color: 'red', output: DataType.FLOAT, rule: 'npu:rules[5]' });
      expect(ask(p, 'Relu', [[2]], { name: 'body/head/relu' }).color).to.equal('green');
    });
    it('rules apply to custom-domain ops named domain.Op', () => {
      const p = decodeOk({ name: 'c', claims: ['npu.Gelu'], rules: [{ level: 20, op: 'npu.Gelu', color: 'green' }] });
      expect(ask(p, 'Gelu', [[2]], { domain: 'npu' }).color).to.equal('green');
      expect(ask(p, 'Gelu', [[2]]).color).to.equal('red');
    });
  });

  describe('errors name the place', () => {
    const base = { name: 'p' };
    const cases: readonly (readonly [string, unknown, string])[] = [
      ['a rule colour', { ...base, rules: [{ level: 20, color: 'red' }, { level: 20, color: 'red' }, { level: 20, color: 'blue' }] },
        'p.json: rules[2].color: expected "green" | "gray" | "red", got "blue"'],
      ['an unknown top-level key', { ...base, colour: 'red' },
        'p.json: colour: unknown key (expected one of: name, description, extends, target, green, gray, red, accumulation, reasons, fallback, fallbackReason, claims, rules)'],
      ['an unknown rule key', { ...base, rules: [{ level: 1, color: 'red', opp: 'Conv' }] }, 'p.json: rules[0].opp: unknown key (expected one of: level, color, name, op, node, when, accumulation, output, reason)'],
      ['an unknown condition', { ...base, rules: [{ level: 1, color: 'red', when: { minFlops: 3 } }] }, 'p.json: rules[0].when.minFlops: unknown key'],
      ['a missing name', { green: ['Conv'] }, 'p.json: name: expected a non-empty string, got nothing'],
      ['an empty op name', { ...base, green: ['Conv', ''] }, 'p.json: green[1]: expected a non-empty string, got ""'],
      ['a missing level', { ...base, rules: [{ color: 'red' }] }, 'p.json: rules[0].level: expected a finite number, got nothing'],
      ['a level of the wrong type', { ...base, rules: [{ level: 'high', color: 'red' }] }, 'p.json: rules[0].level: expected a finite number, got "high"'],
      ['a bad regular expression', { ...base, rules: [{ level: 1, color: 'red', node: 'conv(' }] }, 'p.json: rules[0].node: invalid regular expression "conv("'],
      ['an op that is neither a string nor a list', { ...base, rules: [{ level: 1, color: 'red', op: 5 }] }, 'p.json: rules[0].op: expected string | Array<string>, got 5'],
      ['a negative bound', { ...base, rules: [{ level: 1, color: 'red', when: { minMacs: -1 } }] }, 'p.json: rules[0].when.minMacs: expected a non-negative number, got -1'],
      ['an attribute value of the wrong type', { ...base, rules: [{ level: 1, color: 'red', when: { attr: { group: true } } }] },
        'p.json: rules[0].when.attr.group: expected number | string | number[] | string[], got true'],
      ['a target', { ...base, target: 'fp16' }, 'p.json: target: expected "float16" | "bfloat16", got "fp16"'],
      ['an accumulation dtype', { ...base, accumulation: { 'npu.FusedGelu': 'fp32' } }, 'p.json: accumulation["npu.FusedGelu"]: expected "float32" | "float16" | "bfloat16", got "fp32"'],
      ['a list that is not a list', { ...base, red: 'Softmax' }, 'p.json: red: expected a list of op names, got "Softmax"'],
      ['an op listed in two colours', { ...base, green: ['Softmax'], red: ['Exp', 'Softmax'] }, 'p.json: red[1]: op "Softmax" is also listed at green[0]'],
      ['an unknown extends', { ...base, extends: 'fast' }, 'p.json: extends: no policy named "fast" (known: aggressive, balanced, bf16)'],
      ['a document that is not an object', ['name'], 'p.json: (top level): expected a policy object, got ["name"]'],
      ['rules that are not a list', { ...base, rules: { level: 1 } }, 'p.json: rules: expected a list of rules, got {"level":1}'],
    ];
    for (const [what, json, expected] of cases) {
      it(what, () => {
        const lines = errorsOf(json);
        expect(lines.some((l) => l.startsWith(expected)), lines.join('\n')).to.equal(true);
      });
    }
    it('reports every problem, once each', () => {
      const lines = errorsOf({ name: '', green: [1], rules: [{ level: 1, color: 'blue' }], extra: true });
      expect(lines).to.have.length(4);
      expect(new Set(lines).size).to.equal(lines.length);
    });
    it('reports JSON syntax errors with line and column', () => {
      const r = decodePolicyJson('{\n  "name": "p",\n  "green": ["Conv",]\n}', { resolve, file: 'bad.json' });
      expect(E.isLeft(r)).to.equal(true);
      const e = (r as E.Left<PolicyFileError>).left;
      expect(e._tag).to.equal('PolicyFileSyntax');
      const line = formatPolicyFileError(e)[0]!;
      expect(line).to.match(/^bad\.json:3:\d+: not valid JSON: /);
    });
  });

  describe('encodeListPolicy', () => {
    it('writes a list policy as a file that decodes to the same decisions', () => {
      const src = decodeOk({
        name: 'mine', target: 'bfloat16', green: ['MatMul', 'npu.Gelu'], gray: ['Add'], red: ['Softmax'],
        accumulation: { MatMul: 'float32' }, reasons: { Softmax: 'mine: no exp' }, fallback: 'gray', fallbackReason: 'mine: follow',
      });
      const json = encodeListPolicy(src, ['npu.Gelu']);
      expect(json).to.deep.include({ name: 'mine', target: 'bfloat16', green: ['MatMul', 'npu.Gelu'], gray: ['Add'], red: ['Softmax'], fallback: 'gray', fallbackReason: 'mine: follow' });
      expect(json.accumulation).to.deep.equal({ MatMul: 'float32' });
      const back = decodeOk(JSON.parse(JSON.stringify(json)));
      for (const op of ['MatMul', 'Add', 'Softmax', 'Relu']) expect(ask(back, op), op).to.deep.equal(ask(src, op));
      expect(ask(back, 'Gelu', [[2]], { domain: 'npu' })).to.deep.equal(ask(src, 'Gelu', [[2]], { domain: 'npu' }));
    });
    it('refuses policies with callable rules', () => {
      const p = decodeOk({ name: 'r', rules: [{ level: 20, op: 'Conv', color: 'red' }] });
      expect(() => encodeListPolicy(p)).to.throw(/callable rule 'r:rules\[0\]'/);
    });
  });

  describe('JSON syntax locations', () => {
    const cases: readonly (readonly [string, string])[] = [
      ['{"name": "p",}', '1:14: not valid JSON: expected a property name in double quotes, found "}"'],
      ['{"name": "p"\n "green": []}', '2:2: not valid JSON: expected \',\' or \'}\', found "\\""'],
      ['{"name": "p', '1:12: not valid JSON: expected a closing \'"\', found end of input'],
      ['', '1:1: not valid JSON: expected a value, found end of input'],
      ['{"name": tru}', '1:10: not valid JSON: expected a value'],
      ['{"a": 1} x', '1:10: not valid JSON: expected end of input, found "x"'],
    ];
    for (const [text, expected] of cases) {
      it(JSON.stringify(text), () => {
        const r = decodePolicyJson(text, { resolve, file: 'f.json' });
        expect(E.isLeft(r) && formatPolicyFileError(r.left)[0]).to.satisfy((l: string) => l.startsWith(`f.json:${expected}`));
      });
    }
    it('ignores a byte-order mark', () => {
      expect(E.isRight(decodePolicyJson('\uFEFF{"name": "p"}', { resolve }))).to.equal(true);
    });
  });

  describe('loadPolicyFile', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mixprec-policy-'));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('reads and decodes a file, naming it in errors', () => {
      const good = path.join(dir, 'good.json');
      fs.writeFileSync(good, JSON.stringify({ name: 'g', extends: 'balanced', red: ['MatMul'] }));
      const r = loadPolicyFile(good, resolve, known);
      expect(E.isRight(r) && ask(r.right, 'MatMul', [[2, 2], [2, 2]]).color).to.equal('red');
      const bad = path.join(dir, 'bad.json');
      fs.writeFileSync(bad, JSON.stringify({ name: 'b', fallback: 'blue' }));
      const e = loadPolicyFile(bad, resolve);
      expect(E.isLeft(e) && formatPolicyFileError(e.left)).to.deep.equal([`${bad}: fallback: expected "green" | "gray" | "red", got "blue"`]);
    });
    it('says what to do when the file is missing or a directory', () => {
      const missing = loadPolicyFile(path.join(dir, 'nope.json'), resolve);
      expect(E.isLeft(missing) && formatPolicyFileError(missing.left)[0]).to.match(/nope\.json: cannot read the policy file: no such file; check the path$/);
      const isDir = loadPolicyFile(dir, resolve);
      expect(E.isLeft(isDir) && isDir.left._tag).to.equal('PolicyFileUnreadable');
    });
  });
});
