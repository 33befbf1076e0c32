import { expect } from 'chai';
import { DataType, GraphBuilder, PreconditionError, type Model, type Node } from '@mixprec/ir';
import { LIST_LEVEL, createPolicyQuery, decide, definePolicy, type Decision, type Policy, type PolicyRule } from '../src/index.js';

function node(op: string, domain = '', name?: string): { node: Node; model: Model } {
  const b = new GraphBuilder();
  const x = b.input('x', DataType.FLOAT, [2, 2]);
  const y = b.op1(op, [x], { domain, name });
  b.output(y);
  return { node: y.producer()!, model: b.model({ opsets: domain === '' ? {} : { [domain]: 1 } }) };
}

function ask(p: Policy, op: string, domain = '', name?: string) {
  const n = node(op, domain, name);
  return decide(p, createPolicyQuery(n.node, n.model));
}

function rule(name: string, level: number, d: (op: string) => Decision | undefined): PolicyRule {
  return { name, level, decide: (q) => d(q.node.opType) };
}

describe('policy levels and definePolicy', () => {
  describe('decide', () => {
    it('lets the highest level win, whatever the order', () => {
      const p = definePolicy({
        name: 'p', green: ['Relu'],
        rules: [rule('high', 20, () => ({ color: 'red' })), rule('low', 5, () => ({ color: 'gray' }))],
      });
      const d = ask(p, 'Relu');
      expect(d.color).to.equal('red');
      expect(d.rule).to.equal('high');
    });
    it('lets the later rule win a tie', () => {
      const p = definePolicy({ name: 'p', rules: [rule('first', 10, () => ({ color: 'red' })), rule('second', 10, () => ({ color: 'gray' }))] });
      expect(ask(p, 'Relu')).to.include({ color: 'gray', rule: 'second' });
      // A callable at the list level registered after the lists overrides them (TVM re-registration).
      const q = definePolicy({ name: 'q', green: ['Relu'], rules: [rule('override', LIST_LEVEL, () => ({ color: 'red' }))] });
      expect(ask(q, 'Relu')).to.include({ color: 'red', rule: 'override' });
    });
    it('asks lower levels when a rule has no opinion, then falls back', () => {
      const p = definePolicy({
        name: 'p', fallback: 'gray', red: ['Exp'],
        rules: [rule('only-sigmoid', 30, (op) => (op === 'Sigmoid' ? { color: 'green' } : undefined))],
      });
      expect(ask(p, 'Sigmoid')).to.include({ color: 'green', rule: 'only-sigmoid' });
      expect(ask(p, 'Exp')).to.include({ color: 'red', rule: 'p:lists' });
      expect(ask(p, 'Tanh')).to.include({ color: 'gray', rule: 'fallback' });
    });
    it('falls back to red by default, with a reason naming the policy', () => {
      const d = ask(definePolicy({ name: 'p' }), 'Relu');
      expect(d).to.include({ color: 'red', rule: 'fallback' });
      expect(d.reason).to.match(/^p: /);
      const e = ask(definePolicy({ name: 'p', fallback: 'green', fallbackReason: 'p: everything 16-bit' }), 'Relu');
      expect(e).to.include({ color: 'green', reason: 'p: everything 16-bit' });
    });
  });

  describe('definePolicy', () => {
    it('refuses an op listed in two colours, naming both', () => {
      expect(() => definePolicy({ name: 'p', green: ['MatMul'], red: ['Softmax', 'MatMul'] }))
        .to.throw(PreconditionError, /Policy 'p': op 'MatMul' is listed both green and red/);
      expect(() => definePolicy({ name: 'p', gray: ['Add'], red: ['Add'] })).to.throw(PreconditionError, /'Add'.*gray and red/);
      expect(() => definePolicy({ name: 'p', green: ['Add', 'Add'] })).not.to.throw();
    });
    it('attaches list accumulation to green and gray decisions, never to red', () => {
      const p = definePolicy({
        name: 'p', green: ['MatMul'], gray: ['AveragePool'], red: ['ReduceSum'],
        accumulation: { MatMul: 'float32', AveragePool: 'float16', ReduceSum: 'float32' },
        rules: [rule('tanh', 20, (op) => (op === 'Tanh' ? { color: 'green' } : undefined))],
      });
      expect(ask(p, 'MatMul').accumulation).to.equal(DataType.FLOAT);
      expect(ask(p, 'AveragePool').accumulation).to.equal(DataType.FLOAT16);
      expect(ask(p, 'Tanh').accumulation).to.equal(undefined);
      const r = ask(p, 'ReduceSum');
      expect(r.color).to.equal('red');
    });
    it('applies the accumulation map to callables that colour a listed op', () => {
      const p = definePolicy({
        name: 'p', accumulation: { Conv: 'float32' },
        rules: [rule('conv', 20, (op) => (op === 'Conv' ? { color: 'green' } : undefined)),
          rule('conv16', 30, (op) => (op === 'Conv' ? { color: 'green', accumulation: DataType.FLOAT16 } : undefined))],
      });
      expect(ask(p, 'Conv')).to.include({ color: 'green', accumulation: DataType.FLOAT16, rule: 'conv16' });
      const q = definePolicy({ name: 'q', accumulation: { Conv: 'float32' }, rules: [rule('conv', 20, (op) => (op === 'Conv' ? { color: 'gray' } : undefined))] });
      expect(ask(q, 'Conv')).to.include({ color: 'gray', accumulation: DataType.FLOAT });
    });
    it('uses the list reasons for the report', () => {
      const p = definePolicy({ name: 'p', red: ['Softmax'], reasons: { Softmax: 'p: Softmax red (no exp unit)' } });
      expect(ask(p, 'Softmax').reason).to.equal('p: Softmax red (no exp unit)');
      expect(ask(definePolicy({ name: 'p', red: ['Softmax'] }), 'Softmax').reason).to.equal('p: Softmax is red');
    });
    it('matches custom-domain ops as domain.Op and reports claims', () => {
      const p = definePolicy({ name: 'npu', green: ['npu.FusedGelu'], claims: ['npu.FusedGelu'] });
      expect(ask(p, 'FusedGelu', 'npu').color).to.equal('green');
      expect(ask(p, 'FusedGelu', 'other').color).to.equal('red');
      expect(p.claimsOp?.('npu', 'FusedGelu')).to.equal(true);
      expect(p.claimsOp?.('npu', 'Other')).to.equal(false);
      expect(ask(definePolicy({ name: 'p', red: ['Relu'] }), 'Relu', 'ai.onnx').color).to.equal('red');
    });
    it('returns a frozen, deterministic policy', () => {
      const p = definePolicy({ name: 'p', green: ['MatMul'] });
      expect(Object.isFrozen(p)).to.equal(true);
      expect(Object.isFrozen(p.rules)).to.equal(true);
      expect(ask(p, 'MatMul')).to.deep.equal(ask(p, 'MatMul'));
      expect(p.target).to.equal(DataType.FLOAT16);
    });
  });

  describe('extends', () => {
    const parent = definePolicy({
      name: 'parent', target: DataType.BFLOAT16, green: ['MatMul', 'Conv'], red: ['Softmax'],
      accumulation: { MatMul: 'float32' }, fallback: 'green', fallbackReason: 'parent: 16-bit', claims: ['npu.Op'],
    });
    const child = definePolicy({
      name: 'child', extends: parent, red: ['Conv'], green: ['Softmax'], accumulation: { MatMul: 'float16' },
    });

    it('keeps the parent rules, and the child lists win ties (they come later)', () => {
      expect(ask(child, 'Conv')).to.include({ color: 'red', rule: 'child:lists' });
      expect(ask(child, 'Softmax')).to.include({ color: 'green', rule: 'child:lists' });
    });
    it('lets the child accumulation override the inherited one', () => {
      expect(ask(parent, 'MatMul')).to.include({ color: 'green', accumulation: DataType.FLOAT });
      expect(ask(child, 'MatMul')).to.include({ color: 'green', accumulation: DataType.FLOAT16, rule: 'parent:lists' });
    });
    it('inherits target, fallback (colour and reason) and claims unless given', () => {
      expect(child.target).to.equal(DataType.BFLOAT16);
      expect(ask(child, 'Relu')).to.include({ color: 'green', reason: 'parent: 16-bit' });
      expect(child.claimsOp?.('npu', 'Op')).to.equal(true);
      const redChild = definePolicy({ name: 'c2', extends: parent, fallback: 'red', target: DataType.FLOAT16 });
      expect(redChild.target).to.equal(DataType.FLOAT16);
      expect(ask(redChild, 'Relu').color).to.equal('red');
      expect(ask(redChild, 'Relu').reason).to.match(/^c2: /);
    });
    it('does not change the parent', () => {
      expect(ask(parent, 'Conv').color).to.equal('green');
      expect(ask(parent, 'Softmax').color).to.equal('red');
    });
  });
});
