import { expect } from 'chai';
import * as fs from 'node:fs';
import { GraphBuilder, knownOps, walkNodes, type Model, type Node } from '@mixprec/ir';
import { REAL_MODELS, realModelPath } from './real-models.js';

/** An fp-ts `Either` seen structurally (this package does not depend on fp-ts). */
export type Result<E, A> = { readonly _tag: 'Left'; readonly left: E } | { readonly _tag: 'Right'; readonly right: A };

/** What the shared checks read of a policy. */
export interface TestedPolicy {
  readonly name: string;
  readonly target: number;
  readonly fallback?: unknown;
}

/** What the shared checks read of a decision. */
export interface TestedDecision {
  readonly color: string;
  readonly accumulation?: number;
}

/**
 * The part of `@mixprec/amp` the policy checks call. Pass the module itself
 * (`import * as amp from '@mixprec/amp'`): amp depends on this package, so this package
 * cannot import it.
 */
export interface PolicyApi<P extends TestedPolicy, Q, E> {
  createPolicyQuery(node: Node, model: Model): Q;
  decide(policy: P, query: Q): TestedDecision;
  loadPolicyFile(path: string, resolve: (name: string) => P | undefined): Result<E, P>;
  decodePolicyJson(text: string, options: { readonly resolve: (name: string) => P | undefined; readonly file?: string }): Result<E, P>;
  formatPolicyFileError(e: E): readonly string[];
  encodeListPolicy(policy: P): unknown;
}

/** Helpers handed to a package's own README check. */
export interface PolicyCheckContext<P> {
  /** The policy's decision on a node. */
  ask(policy: P, node: Node, model: Model): TestedDecision;
  /** A lone node of `op` (`domain.OpType` for custom domains) in an opset-27 model. */
  probe(op: string): { node: Node; model: Model };
}

/** One policy package (`policies/<name>`) and what its tests expect of it. */
export interface PolicyPackageSpec<P extends TestedPolicy, Q, E> {
  /** The policy's name; the package is `@mixprec/policy-<name>`. */
  readonly name: string;
  /** The package's `policy` export. */
  readonly policy: P;
  /** The value of the same name in `@mixprec/amp`, which `policy` must be. */
  readonly shipped: P;
  /** The package's `policyJsonPath`: its policy-file twin. */
  readonly policyJsonPath: string;
  /** The package's README.md. */
  readonly readmePath: string;
  /** Every op of the real models → the expected decision: colour, then `/f32` for float32 accumulation. */
  readonly realModelOps: Readonly<Record<string, string>>;
  readonly amp: PolicyApi<P, Q, E>;
  /** `@mixprec/onnx`'s `loadModel`. */
  readonly loadModel: (file: string) => Result<unknown, Model>;
  /** The package's own README check (which ops it must document, and how). */
  readonly readmeCheck: { readonly title: string; check(readme: string, ctx: PolicyCheckContext<P>): void };
}

function probe(op: string): { node: Node; model: Model } {
  const dot = op.lastIndexOf('.');
  const domain = dot < 0 ? '' : op.slice(0, dot);
  const b = new GraphBuilder();
  const node = b.op1(dot < 0 ? op : op.slice(dot + 1), [], { domain }).producer()!;
  return { node, model: b.model({ opset: 27, opsets: domain === '' ? {} : { [domain]: 1 } }) };
}

/**
 * Defines the tests every policy package shares: the export is amp's value; `policy.json`
 * decodes, is the policy-file form of the value (`UPDATE_GOLDEN=1` rewrites it) and decides
 * like it on every known op and on custom ops; every node of the real models is decided as
 * `realModelOps` says, by both forms; the README documents its ops (`readmeCheck`) and its
 * policy-file examples decode.
 */
export function describePolicyPackage<P extends TestedPolicy, Q, E>(spec: PolicyPackageSpec<P, Q, E>): void {
  const { name, policy, amp } = spec;
  const ask = (p: P, node: Node, model: Model): TestedDecision => amp.decide(p, amp.createPolicyQuery(node, model));
  const twin = (): P => {
    const r = amp.loadPolicyFile(spec.policyJsonPath, () => undefined);
    if (r._tag === 'Left') throw new Error(amp.formatPolicyFileError(r.left).join('\n'));
    return r.right;
  };
  const readme = (): string => fs.readFileSync(spec.readmePath, 'utf8');

  describe(`@mixprec/policy-${name}`, () => {
    it(`exports the ${name} policy of @mixprec/amp`, () => {
      expect(policy).to.equal(spec.shipped);
      expect(policy.name).to.equal(name);
    });

    describe('policy.json', () => {
      it('decodes without errors', () => {
        expect(twin().name).to.equal(name);
        expect(twin().target).to.equal(policy.target);
      });
      it('is the policy-file form of the TypeScript value (UPDATE_GOLDEN=1 rewrites it)', () => {
        const expected = `${JSON.stringify(amp.encodeListPolicy(policy), null, 2)}\n`;
        if (process.env.UPDATE_GOLDEN === '1') fs.writeFileSync(spec.policyJsonPath, expected);
        expect(fs.readFileSync(spec.policyJsonPath, 'utf8')).to.equal(expected);
      });
      it('decides like the TypeScript value on every known op and on custom ops', () => {
        const json = twin();
        const ops = [...knownOps().map((o) => (o.domain === '' ? o.opType : `${o.domain}.${o.opType}`)), 'com.microsoft.FusedMatMul', 'npu.Gelu'];
        for (const op of ops) {
          const { node, model } = probe(op);
          expect(ask(json, node, model), op).to.deep.equal(ask(policy, node, model));
        }
        expect(json.fallback).to.deep.equal(policy.fallback);
      });
    });

    describe('real models', () => {
      for (const m of REAL_MODELS) {
        it(`${m.name}: every node decided as the table says, by both forms`, () => {
          const r = spec.loadModel(realModelPath(m));
          if (r._tag === 'Left') throw new Error(`cannot load ${m.name}`);
          const model = r.right;
          const json = twin();
          let nodes = 0;
          for (const node of walkNodes(model)) {
            const d = ask(policy, node, model);
            const expected = spec.realModelOps[node.opType];
            expect(expected, `${m.name}: op ${node.opType} missing from the table`).to.not.equal(undefined);
            expect(`${d.color}${d.accumulation === undefined ? '' : '/f32'}`, `${m.name}/${node.name}`).to.equal(expected);
            expect(ask(json, node, model)).to.deep.equal(d);
            nodes++;
          }
          expect(nodes).to.be.greaterThan(20);
        });
      }
    });

    it(spec.readmeCheck.title, () => spec.readmeCheck.check(readme(), { ask, probe }));

    it('has policy-file examples in its README that decode', () => {
      const blocks = [...readme().matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]!);
      expect(blocks.length).to.be.greaterThan(0);
      const shipped = new Map<string, P>([[policy.name, policy]]);
      for (const text of blocks) {
        const r = amp.decodePolicyJson(text, { resolve: (n) => shipped.get(n), file: 'README.md' });
        if (r._tag === 'Left') throw new Error(amp.formatPolicyFileError(r.left).join('\n'));
        expect(r.right.name).to.not.equal(policy.name);
      }
    });
  });
}
