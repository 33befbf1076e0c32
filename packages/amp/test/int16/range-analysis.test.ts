import { expect } from 'chai';
import { valuesByName, type Model } from '@mixprec/ir';
import { DEFAULT_DIM_MAX, analyzeRanges, formatInterval, type RangeOptions } from '../../src/index.js';
import { parseText } from './helpers.js';

function ranges(text: string, options: RangeOptions = {}): { of: (name: string) => string; elems: (name: string) => string[] | undefined; model: Model } {
  const model = parseText(text);
  const a = analyzeRanges(model, options);
  const byName = valuesByName(model.graph);
  const get = (name: string) => {
    const v = byName.get(name);
    if (v === undefined) throw new Error(`no value '${name}'`);
    return a.get(v);
  };
  return { of: (n) => formatInterval(get(n).all), elems: (n) => get(n).elems?.map(formatInterval), model };
}

const HEAD = '<ir_version: 8, opset_import: ["" : 17]>';

describe('int16: value-range analysis', () => {
  it('bounds Shape by the dims: static exactly, symbols by dimBounds or [0, 2^31 − 1]', () => {
    const text = `${HEAD}
main (float[N,3,?] x) => (int64[3] s, int64 d, int64 e)
<int64 one = {1}, int64 zero = {0}>
{
  s = Shape (x)
  d = Gather (s, one)
  e = Gather (s, zero)
}`;
    const r = ranges(text);
    expect(r.elems('s')).to.deep.equal([`[0, ${DEFAULT_DIM_MAX}]`, '[3, 3]', `[0, ${DEFAULT_DIM_MAX}]`]);
    expect(r.of('d')).to.equal('[3, 3]');
    expect(ranges(text, { dimBounds: new Map([['N', 64n]]) }).of('e')).to.equal('[0, 64]');
  });

  it('keeps element bounds through Concat, Slice, Unsqueeze and arithmetic on shape vectors', () => {
    const r = ranges(`${HEAD}
main (float[2,5,7] x) => (int64[2] t, int64[1] p, int64[1] q)
<int64[1] st = {1}, int64[1] en = {3}, int64[1] minus1 = {-1}, int64[1] ax = {0}, int64 two = {2}>
{
  s = Shape (x)
  t = Slice (s, st, en)
  m = ReduceProd <keepdims = 1> (t)
  c = Concat <axis = 0> (minus1, t)
  g = Gather (c, two)
  u = Unsqueeze (g, ax)
  p = Mul (u, minus1)
  q = Add (u, u)
}`);
    expect(r.elems('t')).to.deep.equal(['[5, 5]', '[7, 7]']);
    expect(r.elems('c')).to.deep.equal(['[-1, -1]', '[5, 5]', '[7, 7]']);
    expect(r.of('g')).to.equal('[7, 7]');
    expect(r.elems('u')).to.deep.equal(['[7, 7]']);
    expect(r.of('p')).to.equal('[-7, -7]');
    expect(r.of('q')).to.equal('[14, 14]');
  });

  it('propagates through Clip, Add, Mul, Div, Mod, Where and comparisons', () => {
    const r = ranges(`${HEAD}
main (int32[8] x, bool[8] c) => (int32[8] y)
<int32 lo = {-1000}, int32 hi = {1000}, int32 three = {3}, int32 seven = {7}>
{
  a = Clip (x, lo, hi)
  b = Add (a, a)
  m = Mul (b, three)
  d = Div (m, seven)
  r = Mod (m, seven)
  w = Where (c, a, m)
  lt = Less (a, m)
  y = Neg (w)
}`);
    expect(r.of('x')).to.equal('[-2147483648, 2147483647]');
    expect(r.of('a')).to.equal('[-1000, 1000]');
    expect(r.of('m')).to.equal('[-6000, 6000]');
    expect(r.of('d')).to.equal('[-857, 857]');
    expect(r.of('r')).to.equal('[0, 6]');
    expect(r.of('w')).to.equal('[-6000, 6000]');
    expect(r.of('lt')).to.equal('[0, 1]');
    expect(r.of('y')).to.equal('[-6000, 6000]');
  });

  it('never assumes wrap-around: a result that could overflow is bounded by its type only', () => {
    const r = ranges(`${HEAD}
main (int32[8] x) => (int32[8] y, int16[8] z)
<int32 big = {2000000000}>
{
  y = Add (x, big)
  z = Cast <to = 5> (x)
}`, { inputRanges: new Map([['x', { lo: 0n, hi: 2000000000n }]]) });
    expect(r.of('y')).to.equal('[-2147483648, 2147483647]');
    expect(r.of('z')).to.equal('[-32768, 32767]');
  });

  it('bounds Range, ConstantOfShape, casts and float computations that end in an integer Cast', () => {
    const r = ranges(`${HEAD}
main (int64 n, float[4] f) => (int64[?] r, int32[?] k, int64[4] i)
<int64 zero = {0}, int64 one = {1}, int64[1] len = {4}, float flo = {0.5}, float fhi = {99.5}, float two = {2}>
{
  r = Range (zero, n, one)
  k = ConstantOfShape <value = int32[1] {-5}> (len)
  g = Clip (f, flo, fhi)
  h = Mul (g, two)
  fl = Floor (h)
  i = Cast <to = 7> (fl)
}`, { inputRanges: new Map([['n', { lo: 1n, hi: 1000n }]]) });
    expect(r.of('r')).to.equal('[0, 999]');
    expect(r.elems('k')).to.deep.equal(['[-5, -5]', '[-5, -5]', '[-5, -5]', '[-5, -5]']);
    // Float values are bounded by integers (floor and ceiling): enough for casts to integers.
    expect(r.of('g')).to.equal('[0, 100]');
    expect(r.of('i')).to.equal('[0, 200]');
  });

  it('scales reductions by the reduced element count and records partial sums', () => {
    const text = `<ir_version: 8, opset_import: ["" : 18]>
main (int32[16,N] x) => (int32[16] s, int32[N] t, int32[16,N] c)
<int64[1] ax1 = {1}, int64[1] ax0 = {0}, int32 axis1 = {1}>
{
  s = ReduceSum <keepdims = 0> (x, ax1)
  t = ReduceMax <keepdims = 0> (x, ax0)
  c = CumSum (x, axis1)
}`;
    const proven = new Map([['x', { lo: -2n, hi: 3n }]]);
    const r = ranges(text, { inputRanges: proven, dimBounds: new Map([['N', 100n]]) });
    expect(r.of('s')).to.equal('[-200, 300]');
    expect(r.of('t')).to.equal('[-2, 3]');
    expect(r.of('c')).to.equal('[-200, 300]');
    // Without a bound on N the sum is bounded by the type only.
    expect(ranges(text, { inputRanges: proven }).of('s')).to.equal('[-2147483648, 2147483647]');
  });

  it('bounds index outputs by the dims they index', () => {
    const r = ranges(`${HEAD}
main (float[5,9] x) => (int64[5] a, int64[?,?] nz, int64[5,2] ti)
<int64[1] k = {2}>
{
  a = ArgMax <axis = 1, keepdims = 0> (x)
  nz = NonZero (x)
  v, ti = TopK <axis = 1> (x, k)
}`);
    expect(r.of('a')).to.equal('[0, 8]');
    expect(r.of('nz')).to.equal('[0, 8]');
    expect(r.of('ti')).to.equal('[0, 8]');
  });

  it('marks bounds that rest on an assumed input range, and keeps the proven ones apart', () => {
    const model = parseText(`${HEAD}
main (int32[8] x) => (int32[8] y, int32[8] c)
<int32 lo = {-5}, int32 hi = {5}>
{
  y = Add (x, x)
  c = Clip (x, lo, hi)
}`);
    const a = analyzeRanges(model, { assumedInputRange: { lo: -32768n, hi: 32767n } });
    const v = valuesByName(model.graph);
    expect(formatInterval(a.get(v.get('y')!).all)).to.equal('[-65536, 65534]');
    expect(a.get(v.get('x')!).assumed).to.equal(true);
    expect(formatInterval(a.proven(v.get('x')!).all)).to.equal('[-2147483648, 2147483647]');
    expect(formatInterval(a.proven(v.get('c')!).all)).to.equal('[-5, 5]');
    expect([...a.assumedInputs].map((x) => x.name)).to.deep.equal(['x']);
  });

  it('is conservative inside subgraphs and for ops it has no rule for', () => {
    const r = ranges(`${HEAD}
main (int32[4] x, bool c) => (int32[4] y, int32[4] z)
<int32 one = {1}>
{
  z = Einsum <equation = "i,i->i"> (x, x)
  y = If (c) <
    then_branch = t_g () => (int32[4] t) { t = Add (one, one) },
    else_branch = e_g () => (int32[4] e) { e = Neg (one) }
  >
}`);
    expect(r.of('z')).to.equal('[-2147483648, 2147483647]');
    expect(r.of('y')).to.equal('[-2147483648, 2147483647]');
  });
});
