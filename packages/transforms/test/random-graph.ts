import {
  DataType, Graph, GraphBuilder, Node, Value, attr, floatTensor, tensorType, type Model,
} from '@mixprec/ir';
import { mulberry32, randomInt } from '@mixprec/testing';

const UNARY = ['Relu', 'Neg', 'Abs', 'Sigmoid', 'Tanh'];
const BINARY = ['Add', 'Mul', 'Sub', 'Max'];

/**
 * A random valid model over float[4] values with what the common passes look for: duplicate
 * nodes (also with swapped commutative inputs), Identities, Cast chains (exact and lossy),
 * Constants, dead nodes, and If nodes whose branches capture outer values.
 */
export function randomModel(seed: number, size = 30): Model {
  const rng = mulberry32(seed);
  const b = new GraphBuilder();
  const shape = [4];
  const f32 = (dt: DataType = DataType.FLOAT) => tensorType(dt, shape);
  const floats: Value[] = [b.input('X', DataType.FLOAT, shape), b.input('Y', DataType.FLOAT, shape)];
  const cond = b.input('C', DataType.BOOL, []);
  floats.push(b.initializer('W', floatTensor(shape, [0.5, -1, 2, 0.25])));
  const made: Node[] = [];
  const pick = (): Value => floats[randomInt(rng, 0, floats.length - 1)]!;
  for (let i = 0; i < size; i++) {
    const r = rng();
    let out: Value;
    if (r < 0.15 && made.length > 0) {
      // A duplicate of an earlier single-output float node (commutative inputs swapped half the time).
      const n = made[randomInt(rng, 0, made.length - 1)]!;
      const inputs = [...n.inputs];
      if (inputs.length === 2 && rng() < 0.5) inputs.reverse();
      out = b.op1(n.opType, inputs, { attrs: Object.fromEntries(n.attributes), type: n.outputs[0]!.type });
    } else if (r < 0.3) {
      out = b.op1('Identity', [pick()], { type: f32() });
    } else if (r < 0.45) {
      // fp32 → (fp16 | double) → fp32.
      const mid = rng() < 0.5 ? DataType.FLOAT16 : DataType.DOUBLE;
      const c1 = b.op1('Cast', [pick()], { attrs: { to: attr.int(mid) }, type: f32(mid) });
      out = b.op1('Cast', [c1], { attrs: { to: attr.int(DataType.FLOAT) }, type: f32() });
    } else if (r < 0.52) {
      const vals = Array.from({ length: 4 }, () => Math.round(rng() * 8) / 4 - 1);
      out = b.op1('Constant', [], { attrs: { value: attr.tensor(floatTensor(shape, vals)) }, type: f32() });
    } else if (r < 0.6) {
      out = ifNode(b, cond, pick(), pick(), rng);
    } else if (r < 0.78) {
      out = b.op1(UNARY[randomInt(rng, 0, UNARY.length - 1)]!, [pick()], { type: f32() });
    } else {
      out = b.op1(BINARY[randomInt(rng, 0, BINARY.length - 1)]!, [pick(), pick()], { type: f32() });
    }
    const p = out.producer()!;
    if (p.opType !== 'If' && p.opType !== 'Constant') made.push(p);
    floats.push(out);
  }
  // A few outputs: everything not reachable from them is dead.
  const produced = floats.filter((v) => v.producer() !== undefined);
  const count = Math.min(produced.length, randomInt(rng, 1, 3));
  const chosen = new Set<Value>();
  while (chosen.size < count) chosen.add(produced[produced.length - 1 - randomInt(rng, 0, Math.min(produced.length - 1, 6))]!);
  let k = 0;
  for (const v of chosen) b.output(v, `out${k++}`);
  return b.model({ opset: 17 });
}

function ifNode(b: GraphBuilder, cond: Value, x: Value, y: Value, rng: () => number): Value {
  const branch = (name: string, op: string): Graph => {
    const g = new Graph(name);
    const n1 = new Node({ opType: op, inputs: [x, y], outputs: [`${name}_a`] });
    n1.outputs[0]!.type = tensorType(DataType.FLOAT, [4]);
    g.append(n1);
    const n2 = new Node({ opType: 'Identity', inputs: [n1.outputs[0]!], outputs: [`${name}_o`] });
    n2.outputs[0]!.type = tensorType(DataType.FLOAT, [4]);
    g.append(n2);
    // A dead node inside the branch, and a duplicate of an outer computation.
    g.append(new Node({ opType: 'Neg', inputs: [x], outputs: [`${name}_dead`] }));
    g.addOutput(n2.outputs[0]!);
    return g;
  };
  const names = b.graph.names;
  const t = branch(names.freshValueName('then'), BINARY[randomInt(rng, 0, BINARY.length - 1)]!);
  const e = branch(names.freshValueName('else'), BINARY[randomInt(rng, 0, BINARY.length - 1)]!);
  return b.op1('If', [cond], { attrs: { then_branch: attr.graph(t), else_branch: attr.graph(e) }, type: tensorType(DataType.FLOAT, [4]) });
}
