import { expect } from 'chai';
import { DataType, GraphBuilder, floatTensor, type Model, type Node } from '@mixprec/ir';
import {
  aggressive, balanced, bf16, createPolicyQuery, decide, decodePolicyJson, definePolicy, type Decision, type Policy,
  type PolicyRule, type RuledDecision,
} from '../src/index.js';
import { PolicyDecider, type OpScopedSlot } from '../src/policy-memo.js';

/** A model of many nodes (several per op type, with names) to ask policies about. */
function nodes(): { model: Model; nodes: Node[] } {
  const b = new GraphBuilder();
  const x = b.input('x', DataType.FLOAT, [4, 4]);
  const w = b.initializer('w', floatTensor([4, 4], new Array(16).fill(0.5)));
  let cur = x;
  const ops = ['MatMul', 'Add', 'Relu', 'Softmax', 'Exp', 'Mul', 'Tanh', 'Conv', 'ReduceSum', 'Identity', 'Sigmoid'];
  for (let i = 0; i < 33; i++) {
    const op = ops[i % ops.length]!;
    const ins = op === 'MatMul' || op === 'Add' || op === 'Mul' ? [cur, w] : [cur];
    cur = b.op1(op, ins, { name: `${op.toLowerCase()}_${i}` });
  }
  b.output(cur);
  const model = b.model();
  return { model, nodes: model.graph.nodes() };
}

/** Asks `p` about every node with `decide` and with one `PolicyDecider` (a slot per op type). */
function both(p: Policy): { plain: RuledDecision[]; memo: RuledDecision[] } {
  const { model, nodes: ns } = nodes();
  const decider = new PolicyDecider(p);
  const slots = new Map<string, OpScopedSlot>();
  const plain: RuledDecision[] = [];
  const memo: RuledDecision[] = [];
  for (const n of ns) {
    const q = createPolicyQuery(n, model);
    plain.push(decide(p, q));
    let slot = slots.get(n.opType);
    if (slot === undefined) slots.set(n.opType, (slot = {}));
    const known = decider.knownFor(slot);
    const d = decider.decide(q, slot);
    if (known !== undefined) expect(known).to.equal(d);
    memo.push(d);
  }
  return { plain, memo };
}

function rule(name: string, level: number, f: (n: Node) => Decision | undefined, scope?: 'op'): PolicyRule {
  return { name, level, ...(scope === undefined ? {} : { scope }), decide: (q) => f(q.node) };
}

describe('policy decisions per op type (PolicyDecider)', () => {
  it('decides like decide() for the shipped policies, whose rules are all op-scoped', () => {
    for (const p of [aggressive, balanced, bf16]) {
      expect(p.rules.every((r) => r.scope === 'op'), p.name).to.equal(true);
      const { plain, memo } = both(p);
      expect(memo, p.name).to.deep.equal(plain);
      expect(new PolicyDecider(p).byOpType).to.equal(true);
    }
  });

  it('mixes op-scoped and per-node rules as decide() does: levels, ties (later wins), fallback', () => {
    const byName = (n: Node): boolean => Number(n.name.split('_')[1]) % 2 === 0;
    const p = definePolicy({
      name: 'mixed', extends: balanced, red: ['Tanh'],
      rules: [
        rule('even-red', 10, (n) => (byName(n) ? { color: 'red', reason: 'even' } : undefined)),
        rule('conv-green', 10, (n) => (n.opType === 'Conv' ? { color: 'green' } : undefined), 'op'),
        rule('low', 5, () => ({ color: 'gray' })),
        rule('softmax-20', 20, (n) => (n.opType === 'Softmax' && !byName(n) ? { color: 'green', accumulation: DataType.FLOAT } : undefined)),
        rule('sigmoid-op-20', 20, (n) => (n.opType === 'Sigmoid' ? { color: 'red' } : undefined), 'op'),
        rule('sigmoid-late-20', 20, (n) => (n.opType === 'Sigmoid' && byName(n) ? { color: 'gray' } : undefined)),
      ],
    });
    const { plain, memo } = both(p);
    expect(memo).to.deep.equal(plain);
    expect(new Set(plain.map((d) => d.rule)).size).to.be.greaterThan(4);
    expect(new PolicyDecider(p).byOpType).to.equal(false);
  });

  it('an earlier per-node rule of the winning level does not beat a later op-scoped one', () => {
    const p = definePolicy({
      name: 'tie', fallback: 'red',
      rules: [rule('node-first', 10, () => ({ color: 'gray' })), rule('op-later', 10, () => ({ color: 'green' }), 'op')],
    });
    const { plain, memo } = both(p);
    expect(memo).to.deep.equal(plain);
    expect(plain.every((d) => d.rule === 'op-later')).to.equal(true);
  });

  it('policy files: rules selected by op alone are op-scoped, rules with node or when are not, decisions agree', () => {
    const shipped = new Map<string, Policy>([['aggressive', aggressive], ['balanced', balanced], ['bf16', bf16]]);
    const r = decodePolicyJson({
      name: 'file', extends: 'aggressive',
      rules: [
        { level: 20, op: ['Relu', 'Exp'], color: 'red' },
        { level: 20, node: '_1[0-9]$', color: 'gray' },
        { level: 15, op: 'MatMul', when: { minMacs: 10 }, color: 'red' },
      ],
    }, { resolve: (n) => shipped.get(n), known: [...shipped.keys()], file: 'file.json' });
    if (r._tag === 'Left') throw new Error(JSON.stringify(r.left));
    const p = r.right;
    const scopes = p.rules.slice(-3).map((x) => x.scope);
    expect(scopes).to.deep.equal(['op', undefined, undefined]);
    const { plain, memo } = both(p);
    expect(memo).to.deep.equal(plain);
  });
});
