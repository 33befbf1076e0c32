import { expect } from 'chai';
import { DataType, GraphBuilder, Tensor, type Model, type TensorSource } from '@mixprec/ir';
import { createPassContext, runPipeline } from '@mixprec/passes';
import { bucketKey, tensorDigest, tensorsEqual } from '../src/tensor-key.js';
import { registry } from './helpers.js';

const N = 40_000; // 160,000 bytes: more than the 64 KiB a bucket key reads

/** Float32 values `seed + i`, with `value` at element `at` when given. */
function floats(seed: number, at?: number, value?: number): Float32Array {
  const a = new Float32Array(N);
  for (let i = 0; i < N; i++) a[i] = seed + i;
  if (at !== undefined) a[at] = value!;
  return a;
}

/** A lazy source over `data` that counts the bytes read, with or without range reads. */
function source(data: Float32Array, ranged: boolean, stats: { read: number }): TensorSource {
  const bytes = new Uint8Array(data.buffer);
  const s: TensorSource = {
    byteLength: bytes.length,
    description: 'test source',
    read: () => {
      stats.read += bytes.length;
      return bytes.slice();
    },
    readChunks: (f) => {
      for (let at = 0; at < bytes.length; at += 4096) {
        const chunk = bytes.slice(at, Math.min(bytes.length, at + 4096));
        stats.read += chunk.length;
        f(chunk);
      }
    },
  };
  if (!ranged) return s;
  return {
    ...s,
    readInto: (dst, off) => {
      stats.read += dst.length;
      dst.set(bytes.subarray(off, off + dst.length));
    },
  };
}

function lazy(data: Float32Array, ranged: boolean, stats: { read: number }): Tensor {
  return Tensor.lazy(DataType.FLOAT, [N], source(data, ranged, stats));
}

/** Y = W0 + W1 + … with the given initializers. */
function model(ws: readonly Tensor[]): Model {
  const b = new GraphBuilder();
  let acc = b.input('X', DataType.FLOAT, [N]);
  ws.forEach((w, i) => {
    acc = b.op1('Add', [acc, b.initializer(`w${i}`, w)], { type: { kind: 'tensor', dtype: DataType.FLOAT, shape: [N] } });
  });
  b.output(acc, 'Y');
  return b.model({ opset: 17 });
}

function cse(m: Model): boolean {
  const pass = registry.parse('cse{dedupe-initializers=true}');
  const ctx = createPassContext({ registry, verifyEach: true });
  if (pass._tag === 'Left' || ctx._tag === 'Left') throw new Error('setup');
  const r = runPipeline(m, pass.right, ctx.right);
  if (r._tag === 'Left') throw new Error(r.left.message);
  return r.right.modified;
}

describe('cse on lazy (file-backed) initializers', () => {
  it('merges equal lazy weights, and not those that differ only past the sampled head', () => {
    const stats = { read: 0 };
    const m = model([
      lazy(floats(1), true, stats),
      lazy(floats(1), true, stats), // equal to w0
      lazy(floats(1, N - 1, -5), true, stats), // same first 64 KiB, last element differs
      lazy(floats(2), true, stats),
    ]);
    expect(cse(m)).to.equal(true);
    expect([...m.graph.initializers.keys()]).to.deep.equal(['w0', 'w2', 'w3']);
    const adds = [...m.graph].map((n) => n.inputs[1]!.name);
    expect(adds).to.deep.equal(['w0', 'w0', 'w2', 'w3']);
    // Keys read 64 KiB of each weight; only the two candidate pairs (w1, w2 against w0) are compared in full.
    expect(stats.read).to.be.lessThan(4 * 65_536 + 2 * 2 * N * 4 + 1);
  });

  it('compares lazy with eager tensors and lazy sources without range reads, chunk by chunk', () => {
    const stats = { read: 0 };
    const eager = Tensor.of(DataType.FLOAT, [N], floats(3));
    expect(tensorsEqual(eager, lazy(floats(3), true, stats))).to.equal(true);
    expect(tensorsEqual(lazy(floats(3), false, stats), eager)).to.equal(true);
    expect(tensorsEqual(lazy(floats(3), false, stats), lazy(floats(3), true, stats))).to.equal(true);
    expect(tensorsEqual(lazy(floats(3), false, stats), lazy(floats(3), false, stats))).to.equal(true);
    expect(tensorsEqual(eager, lazy(floats(3, 12_345, 0.5), true, stats))).to.equal(false);
    expect(tensorsEqual(lazy(floats(3, N - 1, 0.5), false, stats), lazy(floats(3), false, stats))).to.equal(false);
    // Digests of a lazy tensor stream its bytes and equal the eager tensor's.
    expect(tensorDigest(lazy(floats(3), false, stats))).to.equal(tensorDigest(eager));
    // Equal tensors get equal bucket keys whichever way they are stored.
    expect(bucketKey(lazy(floats(3), true, stats))).to.equal(bucketKey(lazy(floats(3), true, stats)));
    expect(bucketKey(lazy(floats(3), false, stats))).to.equal(bucketKey(eager));
  });

  it('merges lazy sources without range reads by their full digest', () => {
    const stats = { read: 0 };
    const m = model([lazy(floats(7), false, stats), lazy(floats(7), false, stats), lazy(floats(8), false, stats)]);
    expect(cse(m)).to.equal(true);
    expect([...m.graph.initializers.keys()]).to.deep.equal(['w0', 'w2']);
  });
});
