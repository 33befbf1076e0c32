import { expect } from 'chai';
import { DataType, GraphBuilder, Node, attr, fromBFloat16Bits, fromFloat16Bits, integerRange, isFloatType, toBFloat16Bits, toFloat16Bits } from '@mixprec/ir';
import { castTarget, chainCollapse, isExactCast, isLatticeType } from '../src/index.js';

const D = DataType;
const TYPES = [D.BOOL, D.UINT8, D.INT8, D.UINT16, D.INT16, D.UINT32, D.INT32, D.UINT64, D.INT64, D.FLOAT16, D.BFLOAT16, D.FLOAT, D.DOUBLE];

/** Values of a type: every value for ≤ 16-bit types, extremes and edge cases for the others. */
function valuesOf(t: DataType): (number | bigint)[] {
  if (t === D.BOOL) return [0n, 1n];
  if (t === D.FLOAT16 || t === D.BFLOAT16) {
    const out: number[] = [];
    for (let b = 0; b < 65536; b++) out.push(t === D.FLOAT16 ? fromFloat16Bits(b) : fromBFloat16Bits(b));
    return out;
  }
  if (t === D.FLOAT || t === D.DOUBLE) {
    const xs = [0, -0, 1, -1, 0.1, 1 / 3, 65504, 65520, 1e38, 3.4028234663852886e38, 2 ** -149, 2 ** -126, 2 ** 24 + 2, 16777217, 2049, 257, NaN, Infinity, -Infinity];
    if (t === D.DOUBLE) xs.push(1e300, 2 ** -1074, 2 ** 53 + 2, 0.1 + 0.2);
    return xs.map((x) => (t === D.FLOAT ? Math.fround(x) : x));
  }
  const [lo, hi] = integerRange(t)!;
  if (hi - lo < 65536n) {
    const out: bigint[] = [];
    for (let v = lo; v <= hi; v++) out.push(v);
    return out;
  }
  const out = [lo, hi, 0n, 1n, -1n, 255n, 256n, 2049n, 65535n, 65536n, 16777217n, 2n ** 31n - 1n, 2n ** 32n - 1n, 2n ** 53n + 1n];
  return out.filter((v) => v >= lo && v <= hi);
}

/** Whether type `t` holds `v` exactly. */
function holds(t: DataType, v: number | bigint): boolean {
  if (isFloatType(t)) {
    const x = typeof v === 'bigint' ? Number(v) : v;
    if (typeof v === 'bigint' && BigInt(x) !== v) return false;
    if (Number.isNaN(x)) return true;
    if (t === D.DOUBLE) return true;
    if (t === D.FLOAT) return Object.is(Math.fround(x), x);
    if (t === D.FLOAT16) return Object.is(fromFloat16Bits(toFloat16Bits(x)), x);
    return Object.is(fromBFloat16Bits(toBFloat16Bits(x)), x);
  }
  let b: bigint;
  if (typeof v === 'bigint') b = v;
  else if (Number.isInteger(v)) b = BigInt(v);
  else return false;
  if (t === D.BOOL) return b === 0n || b === 1n;
  const [lo, hi] = integerRange(t)!;
  return b >= lo && b <= hi;
}

describe('cast lattice', () => {
  it('marks A → B exact exactly when every value of A is held by B (checked value by value)', () => {
    const wrong: string[] = [];
    for (const a of TYPES) {
      const vals = valuesOf(a);
      for (const b of TYPES) {
        if (a === b) continue;
        const counter = vals.find((v) => !holds(b, v));
        const exact = counter === undefined;
        if (exact !== isExactCast(a, b)) wrong.push(`${DataType[a]}→${DataType[b]}: table ${isExactCast(a, b)}, measured ${exact}${counter === undefined ? '' : ` (e.g. ${String(counter)})`}`);
      }
    }
    expect(wrong).to.deep.equal([]);
  });

  it('collapses chains exactly only over an exact first step; lossy only for floats', () => {
    expect(chainCollapse(D.FLOAT16, D.FLOAT, D.DOUBLE)).to.equal('exact');
    expect(chainCollapse(D.INT8, D.INT32, D.INT64)).to.equal('exact');
    expect(chainCollapse(D.FLOAT16, D.FLOAT, D.FLOAT16)).to.equal('exact');
    expect(chainCollapse(D.FLOAT, D.FLOAT16, D.FLOAT)).to.equal('lossy');
    expect(chainCollapse(D.DOUBLE, D.FLOAT, D.FLOAT16)).to.equal('lossy');
    expect(chainCollapse(D.INT32, D.INT8, D.INT32)).to.equal('no');
    expect(chainCollapse(D.FLOAT, D.INT32, D.FLOAT)).to.equal('no');
    expect(chainCollapse(D.STRING, D.STRING, D.FLOAT)).to.equal('no');
    expect(chainCollapse(D.FLOAT16, D.FLOAT, D.STRING)).to.equal('no');
    expect(isLatticeType(D.FLOAT8E4M3FN)).to.equal(false);
  });

  it('reads Cast `to` as INT or as the STRING of Cast-1', () => {
    const b = new GraphBuilder();
    const x = b.input('X', D.FLOAT, [1]);
    const n1 = b.op1('Cast', [x], { attrs: { to: attr.int(D.FLOAT16) } }).producer()!;
    const n2 = b.op1('Cast', [x], { attrs: { to: attr.string('DOUBLE') } }).producer()!;
    expect(castTarget(n1)).to.equal(D.FLOAT16);
    expect(castTarget(n2)).to.equal(D.DOUBLE);
    expect(castTarget(new Node({ opType: 'Cast' }))).to.equal(undefined);
  });
});
