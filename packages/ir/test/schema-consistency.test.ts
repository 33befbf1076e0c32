import { expect } from 'chai';
import {
  ONNX_DOMAINS, canonicalTypeString, getOpSchema, knownOps, maxKnownOpset, opSchemaHistory, opSchemaSources,
  opVersions, parseTypeString, typeStringOf, type OpSchema,
} from '../src/index.js';

function everySchema(): OpSchema[] {
  return knownOps().flatMap((k) => [...opSchemaHistory(k.domain, k.opType)]);
}

const ATTR_TYPES = new Set([
  'FLOAT', 'INT', 'STRING', 'TENSOR', 'GRAPH', 'SPARSE_TENSOR', 'TYPE_PROTO',
  'FLOATS', 'INTS', 'STRINGS', 'TENSORS', 'GRAPHS', 'SPARSE_TENSORS', 'TYPE_PROTOS',
]);

describe('op schema table: consistency', () => {
  const all = everySchema();
  const where = (s: OpSchema): string => `${s.domain || 'ai.onnx'}:${s.opType}-${s.sinceVersion}`;

  it('holds the expected number of schema versions', () => {
    expect(all.length).to.equal(639);
    expect(knownOps().length).to.equal(226);
    expect(knownOps('').length).to.equal(202);
    expect(opSchemaSources().join(' ')).to.match(/onnx 1\.12/).and.match(/v1\.22\.0/);
  });

  it('lists only ONNX domains', () => {
    for (const k of knownOps()) expect(ONNX_DOMAINS).to.include(k.domain);
    for (const d of ONNX_DOMAINS) expect(knownOps(d).length === 0 || maxKnownOpset(d) !== undefined, d).to.equal(true);
  });

  it('every type parameter an input or output names has a constraint, and every constraint is used', () => {
    for (const s of all) {
      const used = new Set<string>();
      for (const p of [...s.inputs, ...s.outputs]) {
        if (s.typeConstraints.has(p.typeStr)) {
          used.add(p.typeStr);
        } else {
          // Not a parameter: it must be a fixed, well-formed type string.
          expect(parseTypeString(p.typeStr), `${where(s)} ${p.name}: ${p.typeStr}`).to.not.equal(undefined);
        }
      }
      // Tile-1 declares a T1 that none of its parameters uses (a quirk of the spec itself).
      const unused = [...s.typeConstraints.keys()].filter((p) => !used.has(p));
      expect(unused, where(s)).to.deep.equal(where(s) === 'ai.onnx:Tile-1' ? ['T1'] : []);
    }
  });

  it('every allowed type string is well formed, canonical and listed once', () => {
    for (const s of all) {
      for (const [param, allowed] of s.typeConstraints) {
        expect(allowed.length, `${where(s)} ${param}`).to.be.greaterThan(0);
        expect(new Set(allowed).size, `${where(s)} ${param} duplicates`).to.equal(allowed.length);
        for (const t of allowed) {
          const parsed = parseTypeString(t);
          expect(parsed, `${where(s)} ${param}: ${t}`).to.not.equal(undefined);
          expect(typeStringOf(parsed!), `${where(s)} ${t}`).to.equal(t);
          expect(canonicalTypeString(t)).to.equal(t);
        }
      }
    }
  });

  it('versions are sorted, unique, and each resolves to itself', () => {
    for (const k of knownOps()) {
      const versions = opVersions(k.domain, k.opType);
      expect(versions).to.deep.equal(k.versions);
      for (let i = 1; i < versions.length; i++) {
        expect(versions[i]!, `${k.opType} ${versions.join(',')}`).to.be.greaterThan(versions[i - 1]!);
      }
      for (const v of versions) {
        const s = getOpSchema(k.domain, k.opType, v)!;
        expect(s.sinceVersion).to.equal(v);
        expect(s.opType).to.equal(k.opType);
        expect(s.domain).to.equal(k.domain);
      }
      expect(getOpSchema(k.domain, k.opType, versions[0]! - 1)).to.equal(undefined);
    }
  });

  it('arity agrees with the formal parameters', () => {
    for (const s of all) {
      for (const [list, min, max] of [[s.inputs, s.minInputs, s.maxInputs], [s.outputs, s.minOutputs, s.maxOutputs]] as const) {
        list.forEach((p, i) => {
          if (p.option === 'variadic') expect(i, `${where(s)} variadic ${p.name} not last`).to.equal(list.length - 1);
          if (p.option !== 'variadic') expect(p.homogeneous).to.equal(true);
        });
        const last = list[list.length - 1];
        expect(max, where(s)).to.equal(last?.option === 'variadic' ? Infinity : list.length);
        expect(min, where(s)).to.be.at.most(list.length + (last?.option === 'variadic' ? (last.minArity) : 0));
        // Every single parameter is required, so min covers every one up to the last single.
        let lastSingle = -1;
        list.forEach((p, i) => { if (p.option === 'single') lastSingle = i; });
        expect(min, where(s)).to.be.at.least(lastSingle + 1);
      }
    }
  });

  it('attributes have ONNX types and defaults of their own type', () => {
    for (const s of all) {
      for (const [name, a] of s.attributes) {
        expect(a.name).to.equal(name);
        expect(ATTR_TYPES.has(a.type), `${where(s)} ${name}: ${a.type}`).to.equal(true);
        if (a.default === undefined) continue;
        expect(a.required, `${where(s)} ${name} required with a default`).to.equal(false);
        expect(a.default.type, `${where(s)} ${name}`).to.equal(a.type);
        const v = a.default.value;
        if (a.type === 'FLOAT') expect(Math.fround(v as number)).to.equal(v);
        if (a.type === 'INT') expect(Number.isSafeInteger(v)).to.equal(true);
        if (a.type === 'STRING') expect(typeof v).to.equal('string');
        if (a.type === 'INTS' || a.type === 'FLOATS' || a.type === 'STRINGS') expect(Array.isArray(v)).to.equal(true);
      }
    }
  });

  it('is frozen', () => {
    const s = getOpSchema('', 'Add', 14)!;
    expect(Object.isFrozen(s)).to.equal(true);
    expect(Object.isFrozen(s.inputs)).to.equal(true);
    expect(Object.isFrozen(s.inputs[0])).to.equal(true);
    expect(Object.isFrozen(s.typeConstraints.get('T'))).to.equal(true);
    expect(Object.isFrozen(opVersions('', 'Add'))).to.equal(true);
  });
});
