import { expect } from 'chai';
import { DataType, type FunctionDef } from '@mixprec/ir';
import { EXTRAS } from '../src/index.js';
import { expectLosslessRoundTrip, f32Bytes, i64, protoBytes, tensorTypeProto, vi } from './helpers.js';

const FLOAT = 1;
const INT64 = 7;

/** A model that sets every field of every message at least once. */
function everyFieldModel(): Uint8Array {
  const subgraph = {
    name: 'then_body', docString: 'then doc',
    node: [{ input: ['X', 'W'], output: ['t_out'], opType: 'Add', name: 'then_add' }],
    output: [vi('t_out', FLOAT, ['N', 4])],
    metadataProps: [{ key: 'g', value: 'sub' }],
  };
  const sparse = {
    values: { name: 'sp', dims: [2], dataType: FLOAT, floatData: [1.5, -2] },
    indices: { dims: [2], dataType: INT64, int64Data: [1, 5] },
    dims: [2, 4],
  };
  return protoBytes({
    irVersion: 13,
    opsetImport: [{ domain: '', version: 21 }, { domain: 'local', version: 1 }],
    producerName: 'mixprec-test', producerVersion: '1.0', domain: 'org.example', modelVersion: 7,
    docString: 'model doc',
    metadataProps: [{ key: 'author', value: 'tests' }, { key: 'license', value: 'none' }],
    graph: {
      name: 'main', docString: 'graph doc',
      node: [
        {
          input: ['X'], output: ['Y0'], name: 'n0', opType: 'Identity', domain: '', docString: 'node doc', overload: '',
          metadataProps: [{ key: 'k', value: 'v' }],
          deviceConfigurations: [{
            configurationId: 'cfg', pipelineStage: 1,
            shardingSpec: [{
              tensorName: 'X', device: [0, 1], indexToDeviceGroupMap: [{ key: 0, value: [2, 3] }],
              shardedDim: [{ axis: 0, simpleSharding: [{ dimValue: 8, numShards: 2 }, { dimParam: 'N', numShards: 2 }] }],
            }],
          }],
        },
        {
          input: ['cond'], output: ['Y1'], name: 'if0', opType: 'If',
          attribute: [
            { name: 'then_branch', type: 5, g: subgraph },
            { name: 'else_branch', type: 5, g: { ...subgraph, name: 'else_body', node: [{ input: ['X'], output: ['t_out'], opType: 'Neg' }] } },
          ],
        },
        {
          input: ['Y1', '', 'W'], output: ['Y2', ''], name: 'custom', opType: 'Custom', domain: 'local', overload: 'v2',
          attribute: [
            { name: 'f', type: 1, f: 0.25, docString: 'attr doc' },
            { name: 'i', type: 2, i: i64('-9007199254740993') },
            { name: 's', type: 3, s: new TextEncoder().encode('héllo') },
            { name: 'sbin', type: 3, s: Uint8Array.from([0xff, 0x00, 0xfe]) },
            { name: 't', type: 4, t: { dims: [2], dataType: FLOAT, rawData: f32Bytes([1, 2]), name: 'tt', docString: 'tdoc' } },
            { name: 'sp', type: 11, sparseTensor: sparse },
            { name: 'tp', type: 13, tp: { sequenceType: { elemType: tensorTypeProto(10, [3]) }, denotation: 'SEQ' } },
            { name: 'floats', type: 6, floats: [0.5, -1, 3] },
            { name: 'ints', type: 7, ints: [1, -2, i64('9223372036854775807')] },
            { name: 'strings', type: 8, strings: [new TextEncoder().encode('a'), new TextEncoder().encode('')] },
            { name: 'tensors', type: 9, tensors: [{ dims: [1], dataType: INT64, int64Data: [42] }] },
            { name: 'graphs', type: 10, graphs: [{ name: 'gs', output: [{ name: 'X' }] }] },
            { name: 'sps', type: 12, sparseTensors: [sparse] },
            { name: 'tps', type: 14, typeProtos: [
              { mapType: { keyType: 8, valueType: tensorTypeProto(FLOAT) } },
              { optionalType: { elemType: tensorTypeProto(FLOAT, [1]) } },
              { sparseTensorType: { elemType: FLOAT, shape: { dim: [{ dimValue: 2, denotation: 'BATCH' }] } } },
              { opaqueType: { domain: 'x', name: 'y' } },
            ] },
            { name: 'empty_ints', type: 7 },
            { name: 'undef', type: 0 },
          ],
        },
      ],
      initializer: [
        { name: 'W', dims: [4], dataType: FLOAT, rawData: f32Bytes([1, 2, 3, 4]), docString: 'w doc', metadataProps: [{ key: 'q', value: 'r' }] },
        { name: 'cond', dims: [], dataType: 9, int32Data: [1], segment: { begin: 0, end: 1 } },
      ],
      sparseInitializer: [{ ...sparse, values: { ...sparse.values, name: 'spinit' } }],
      input: [
        { name: 'X', type: { tensorType: { elemType: FLOAT, shape: { dim: [{ dimParam: 'N', denotation: 'DATA_BATCH' }, { dimValue: 4 }] } }, denotation: 'TENSOR' }, docString: 'input doc', metadataProps: [{ key: 'in', value: '1' }] },
      ],
      output: [vi('Y2', FLOAT, ['N', 4]), { name: 'Y0', type: {} }],
      valueInfo: [vi('Y1', FLOAT, ['N', null]), vi('not_a_value', INT64, [1]), { name: 'Y0', docString: 'dup entry' }],
      quantizationAnnotation: [{ tensorName: 'W', quantParameterTensorNames: [{ key: 'SCALE_TENSOR', value: 's' }] }],
      metadataProps: [{ key: 'graph', value: 'main' }],
    },
    trainingInfo: [{
      initialization: { name: 'init', node: [{ output: ['W2'], opType: 'Constant' }] },
      algorithm: { name: 'algo' },
      initializationBinding: [{ key: 'W', value: 'W2' }],
      updateBinding: [{ key: 'W', value: 'W3' }],
    }],
    functions: [{
      name: 'Fn', domain: 'local', overload: 'v2', input: ['a', 'b'], output: ['c'], attribute: ['alpha'],
      attributeProto: [{ name: 'beta', type: 1, f: 2 }, { name: 'gamma', type: 2 }],
      node: [
        { input: ['a', 'b'], output: ['t'], opType: 'Add' },
        { input: ['t'], output: ['c'], opType: 'LeakyRelu', attribute: [{ name: 'alpha', refAttrName: 'alpha', type: 1 }] },
      ],
      docString: 'fn doc', opsetImport: [{ domain: '', version: 21 }],
      valueInfo: [vi('t', FLOAT, [4])], metadataProps: [{ key: 'fn', value: 'meta' }],
    }],
    configuration: [{ name: 'cfg', numDevices: 2, device: ['cpu:0', 'cpu:1'] }],
  });
}

describe('fields: every field of every message survives load → save', () => {
  it('re-encodes the every-field model byte for byte', () => {
    const m = expectLosslessRoundTrip(everyFieldModel());
    expect(m.irVersion).to.equal(13);
    expect([...m.opsetImports]).to.deep.equal([['', 21], ['local', 1]]);
    expect(m.modelVersion).to.equal(7);
    expect(m.docString).to.equal('model doc');
    expect([...m.metadataProps]).to.deep.equal([['author', 'tests'], ['license', 'none']]);
    expect(m.trainingInfo).to.have.length(1);
    const g = m.graph;
    expect(g.name).to.equal('main');
    expect(g.inputs[0]!.type).to.deep.include({ kind: 'tensor', dtype: DataType.FLOAT, shape: ['N', 4], denotation: 'TENSOR' });
    expect(g.inputs[0]!.docString).to.equal('input doc');
    expect(g.valueInfoExtras.map((v) => v.name)).to.deep.equal(['not_a_value']);
    expect(g.sparseInitializers.get('spinit')!.sparseValue!.dims).to.deep.equal([2, 4]);
    const [n0, ifNode, custom] = g.nodes();
    expect(n0!.docString).to.equal('node doc');
    expect(n0!.extras?.[EXTRAS.deviceConfigurations]).to.have.length(1);
    expect(ifNode!.subgraphs().map((s) => s.name)).to.deep.equal(['then_body', 'else_body']);
    expect(custom!.overload).to.equal('v2');
    expect(custom!.inputs[1]).to.equal(undefined);
    expect(custom!.outputs[1]!.name).to.equal('');
    expect(custom!.attributes.get('i')).to.deep.equal({ type: 'INT', value: -9007199254740993n });
    expect(custom!.attributes.get('s')!.value).to.equal('héllo');
    expect(custom!.attributes.get('sbin')!.value).to.deep.equal(Uint8Array.from([0xff, 0x00, 0xfe]));
    expect(custom!.attributes.get('f')).to.deep.equal({ type: 'FLOAT', value: 0.25, docString: 'attr doc' });
    expect(custom!.getInts('empty_ints')).to.deep.equal([]);
    const fn = m.functions[0] as FunctionDef;
    expect([fn.domain, fn.name, fn.overload]).to.deep.equal(['local', 'Fn', 'v2']);
    expect(fn.attributeNames).to.deep.equal(['alpha']);
    expect([...fn.attributeDefaults.keys()]).to.deep.equal(['beta', 'gamma']);
    expect(fn.graph.nodes()[1]!.attributes.get('alpha')!.refAttrName).to.equal('alpha');
    expect(m.extras?.[EXTRAS.configuration]).to.have.length(1);
  });

  it('keeps explicitly written defaults (empty names, domain "", ai.onnx spelling, data_location DEFAULT)', () => {
    expectLosslessRoundTrip(protoBytes({
      irVersion: 8, producerName: '', opsetImport: [{ domain: 'ai.onnx', version: 13 }, { version: 1 }], modelVersion: 0,
      graph: {
        name: '',
        node: [
          { input: ['X'], output: ['Y'], name: '', opType: 'Relu', domain: '' },
          { input: ['Y'], output: ['Z'], opType: 'Relu', domain: 'ai.onnx', docString: '' },
        ],
        initializer: [{ name: 'unused', dims: [1], dataType: FLOAT, rawData: f32Bytes([1]), dataLocation: 0 }],
        input: [vi('X', FLOAT, [1])],
        output: [vi('Z', FLOAT, [1])],
      },
    }));
  });

  it('keeps the value_info order and entries that name no value or disagree with an output', () => {
    const bytes = protoBytes({
      irVersion: 8, opsetImport: [{ domain: '', version: 13 }],
      graph: {
        node: [
          { input: ['X'], output: ['b'], opType: 'Relu' },
          { input: ['b'], output: ['a'], opType: 'Relu' },
          { input: ['a'], output: ['Y'], opType: 'Relu' },
        ],
        input: [vi('X', FLOAT, [2])],
        output: [{ name: 'Y' }],
        valueInfo: [vi('a', FLOAT, [2]), vi('ghost', FLOAT), vi('b', FLOAT, [2]), vi('Y', FLOAT, [2]), vi('a', FLOAT, [3])],
      },
    });
    const m = expectLosslessRoundTrip(bytes);
    const byName = new Map(m.graph.nodes().map((n) => [n.outputs[0]!.name, n.outputs[0]!]));
    expect(byName.get('a')!.shape).to.deep.equal([2]);
    expect(byName.get('Y')!.shape).to.deep.equal([2]);
  });
});
