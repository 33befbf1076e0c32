import { expect } from 'chai';
import { DataType } from '@mixprec/ir';
import { DTypeResolver } from '../src/dtypes.js';
import { parse } from './helpers.js';

describe('dtypes: element types without infer-types', () => {
  it('derives untyped outputs from the schema, Cast/Constant attributes and If branches', () => {
    const m = parse(`<ir_version: 8, opset_import: ["" : 17]>
main (float[2] X, int64[2] I, bool C) => (float[2] Y)
{
  a = Add (X, X)
  c = Cast <to = 10> (I)
  k = Constant <value_float = 1.5> ()
  s = Shape (a)
  z = ConstantOfShape (s)
  e = EyeLike <dtype = 11> (X)
  q = If (C) < then_branch = t () => (float[2] tt) { tt = Neg (a) }, else_branch = f () => (float[2] ee) { ee = Abs (a) } >
  seq = SequenceConstruct (a, a)
  at = SequenceAt (seq, i0)
  i0 = Constant <value = int64 {0}> ()
  Y = Identity (a)
}`.replace('  seq = SequenceConstruct', '  i0 = Constant <value = int64 {0}> ()\n  seq = SequenceConstruct').replace(/\n  i0 = Constant <value = int64 \{0\}> \(\)\n  Y/, '\n  Y'));
    const dt = new DTypeResolver(m);
    const of = (name: string): [DataType | undefined, string | undefined] => {
      for (const n of m.graph) for (const o of n.outputs) if (o.name === name) return [dt.dtype(o), dt.kind(o)];
      return [undefined, undefined];
    };
    expect(of('a')).to.deep.equal([DataType.FLOAT, 'tensor']);
    expect(of('c')[0]).to.equal(DataType.FLOAT16);
    expect(of('k')[0]).to.equal(DataType.FLOAT);
    expect(of('s')[0]).to.equal(DataType.INT64);
    expect(of('z')[0]).to.equal(DataType.FLOAT);
    expect(of('e')[0]).to.equal(DataType.DOUBLE);
    expect(of('q')[0]).to.equal(DataType.FLOAT);
    expect(of('seq')).to.deep.equal([DataType.FLOAT, 'sequence']);
    expect(of('at')).to.deep.equal([DataType.FLOAT, 'tensor']);
  });

  it('a Constant with no, several or a misnamed value attribute has no known dtype (onnxruntime reads its first attribute)', () => {
    const m = parse(`<ir_version: 8, opset_import: ["" : 17]>
main (float[2] X) => (float[2] Y)
{
  a = Constant <value_floats = [1.0, 2.0]> ()
  b = Constant <value_floats = [1.0, 2.0], value_int = 7> ()
  c = Constant <dilations = float[2] {1, 2}> ()
  Y = Identity (X)
}`);
    const dt = new DTypeResolver(m);
    expect([...m.graph].slice(0, 3).map((n) => dt.dtype(n.outputs[0]))).to.deep.equal([DataType.FLOAT, undefined, undefined]);
  });

  it('keeps any declared elem_type, also negative or huge ones a hostile file holds (found by fuzzing)', () => {
    const m = parse(`<ir_version: 8, opset_import: ["" : 17]>
main (float[2] X) => (float[2] Y)
{
  a = Relu (X)
  b = Neg (X)
  Y = Identity (X)
}`);
    const [a, b] = [...m.graph].map((n) => n.outputs[0]!);
    a!.type = { kind: 'tensor', dtype: -2147483648 as DataType };
    b!.type = { kind: 'sequence', elem: { kind: 'tensor', dtype: 2147483647 as DataType } };
    const dt = new DTypeResolver(m);
    expect([dt.dtype(a), dt.kind(a), dt.dtype(b), dt.kind(b)]).to.deep.equal([-2147483648, 'tensor', 2147483647, 'sequence']);
  });
});

