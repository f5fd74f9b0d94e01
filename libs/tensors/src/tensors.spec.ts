import { create } from '@bufbuild/protobuf';
import { ModelInferRequestSchema, type ModelInferRequest } from '@ballast/contracts';
import { decodeInputs, type DecodeOptions } from './decode';
import { encodeOutputs } from './encode';
import { TensorError, type Tensor, type TensorSpec } from './tensor';

const specs: TensorSpec[] = [{ name: 'input', datatype: 'FP32', shape: [-1, 3] }];
const options: DecodeOptions = { allowNonFinite: false, maxElements: 1_000 };

function request(
  init: Parameters<typeof create<typeof ModelInferRequestSchema>>[1],
): ModelInferRequest {
  return create(ModelInferRequestSchema, { modelName: 'm', ...init });
}

function fp32Input(values: number[], shape = [values.length / 3, 3]) {
  return {
    name: 'input',
    datatype: 'FP32',
    shape: shape.map(BigInt),
    contents: { fp32Contents: values },
  };
}

function errorOf(fn: () => unknown): { field: string; reason: string } {
  try {
    fn();
  } catch (error) {
    if (error instanceof TensorError) return { field: error.field, reason: error.reason };
    throw error;
  }
  throw new Error('expected a TensorError');
}

describe('decodeInputs', () => {
  it('decodes typed contents with a batch dimension', () => {
    const [tensor] = decodeInputs(
      request({ inputs: [fp32Input([1, 2, 3, 4, 5, 6])] }),
      specs,
      options,
    );
    expect(tensor?.shape).toEqual([2, 3]);
    expect(Array.from(tensor?.data as Float32Array)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('decodes raw little-endian contents, even from an unaligned buffer', () => {
    const values = new Float32Array([0.5, -1.25, 3]);
    const unaligned = new Uint8Array(values.byteLength + 1);
    unaligned.set(new Uint8Array(values.buffer), 1);
    const [tensor] = decodeInputs(
      request({
        inputs: [{ name: 'input', datatype: 'FP32', shape: [1n, 3n] }],
        rawInputContents: [unaligned.subarray(1)],
      }),
      specs,
      options,
    );
    expect(Array.from(tensor?.data as Float32Array)).toEqual([0.5, -1.25, 3]);
  });

  it('decodes raw contents that are a Node Buffer inside a larger allocation (as grpc-js gives them)', () => {
    const values = new Float32Array([0.5, -1.25, 3]);
    const pooled = Buffer.concat([Buffer.from('leading bytes'), Buffer.from(values.buffer)]);
    const [tensor] = decodeInputs(
      request({
        inputs: [{ name: 'input', datatype: 'FP32', shape: [1n, 3n] }],
        rawInputContents: [pooled.subarray(13)],
      }),
      specs,
      options,
    );
    expect(Array.from(tensor?.data as Float32Array)).toEqual([0.5, -1.25, 3]);
  });

  it.each<[string, TensorSpec, Record<string, unknown>, unknown[]]>([
    ['FP64', { name: 'x', datatype: 'FP64', shape: [2] }, { fp64Contents: [0.1, 0.2] }, [0.1, 0.2]],
    ['INT32', { name: 'x', datatype: 'INT32', shape: [2] }, { intContents: [-1, 7] }, [-1, 7]],
    [
      'INT64',
      { name: 'x', datatype: 'INT64', shape: [2] },
      { int64Contents: [-1n, 2n ** 40n] },
      [-1n, 2n ** 40n],
    ],
    ['BOOL', { name: 'x', datatype: 'BOOL', shape: [2] }, { boolContents: [true, false] }, [1, 0]],
  ])('decodes %s contents and round-trips them raw', (datatype, spec, contents, expected) => {
    const input = { name: 'x', datatype, shape: [2n], contents };
    const [tensor] = decodeInputs(request({ inputs: [input] }), [spec], options);
    expect(Array.from(tensor?.data as ArrayLike<unknown>)).toEqual(expected);
    const { rawOutputContents } = encodeOutputs([tensor as Tensor], { raw: true });
    const [again] = decodeInputs(
      request({
        inputs: [{ name: 'x', datatype, shape: [2n] }],
        rawInputContents: rawOutputContents,
      }),
      [spec],
      options,
    );
    expect(Array.from(again?.data as ArrayLike<unknown>)).toEqual(expected);
  });

  it('decodes BYTES from contents and from length-prefixed raw data', () => {
    const spec: TensorSpec = { name: 'text', datatype: 'BYTES', shape: [2] };
    const words = [new TextEncoder().encode('red'), new TextEncoder().encode('')];
    const [typed] = decodeInputs(
      request({
        inputs: [
          { name: 'text', datatype: 'BYTES', shape: [2n], contents: { bytesContents: words } },
        ],
      }),
      [spec],
      options,
    );
    const { rawOutputContents } = encodeOutputs([typed as Tensor], { raw: true });
    expect(Array.from(rawOutputContents?.[0] ?? [])).toEqual([
      3, 0, 0, 0, 114, 101, 100, 0, 0, 0, 0,
    ]);
    const [raw] = decodeInputs(
      request({
        inputs: [{ name: 'text', datatype: 'BYTES', shape: [2n] }],
        rawInputContents: rawOutputContents,
      }),
      [spec],
      options,
    );
    expect((raw?.data as Uint8Array[]).map((b) => new TextDecoder().decode(b))).toEqual([
      'red',
      '',
    ]);
  });

  it.each<
    [
      string,
      Parameters<typeof request>[0],
      DecodeOptions | undefined,
      { field: string; reason: RegExp },
    ]
  >([
    [
      'an unknown input',
      { inputs: [{ ...fp32Input([1, 2, 3]), name: 'x' }] },
      undefined,
      { field: 'inputs[0].name', reason: /unknown input "x"; the model takes "input"/ },
    ],
    [
      'a missing input',
      { inputs: [] },
      undefined,
      { field: 'inputs', reason: /missing input "input"/ },
    ],
    [
      'an input given twice',
      { inputs: [fp32Input([1, 2, 3]), fp32Input([1, 2, 3])] },
      undefined,
      { field: 'inputs[1].name', reason: /given twice/ },
    ],
    [
      'a wrong datatype',
      { inputs: [{ ...fp32Input([1, 2, 3]), datatype: 'FP64' }] },
      undefined,
      { field: 'inputs["input"].datatype', reason: /must be FP32, got "FP64"/ },
    ],
    [
      'a wrong rank',
      { inputs: [fp32Input([1, 2, 3], [3])] },
      undefined,
      { field: 'inputs["input"].shape', reason: /must have 2 dimensions/ },
    ],
    [
      'a wrong feature count',
      { inputs: [fp32Input([1, 2, 3, 4], [1, 4])] },
      undefined,
      { field: 'inputs["input"].shape[1]', reason: /must be 3, got 4/ },
    ],
    [
      'too few elements for the shape',
      { inputs: [fp32Input([1, 2, 3], [2, 3])] },
      undefined,
      {
        field: 'inputs["input"].contents.fp32_contents',
        reason: /has 3 elements; the shape needs 6/,
      },
    ],
    [
      'data in the wrong contents field',
      { inputs: [{ ...fp32Input([1, 2, 3]), contents: { fp64Contents: [1, 2, 3] } }] },
      undefined,
      { field: 'inputs["input"].contents.fp64_contents', reason: /goes in fp32_contents/ },
    ],
    [
      'NaN where the model forbids it',
      { inputs: [fp32Input([1, Number.NaN, 3])] },
      undefined,
      { field: 'inputs["input"]', reason: /element 1 is NaN/ },
    ],
    [
      'Infinity where the model forbids it',
      { inputs: [fp32Input([1, 2, Number.POSITIVE_INFINITY])] },
      undefined,
      { field: 'inputs["input"]', reason: /element 2 is Infinity/ },
    ],
    [
      'a request over the element limit',
      { inputs: [fp32Input(new Array(12).fill(0))] },
      { allowNonFinite: false, maxElements: 9 },
      { field: 'inputs["input"].shape', reason: /12 elements is over the limit of 9/ },
    ],
    [
      'raw bytes that do not fit the shape',
      {
        inputs: [{ name: 'input', datatype: 'FP32', shape: [1n, 3n] }],
        rawInputContents: [new Uint8Array(11)],
      },
      undefined,
      { field: 'raw_input_contents["input"]', reason: /has 11 bytes; shape and FP32 need 12/ },
    ],
    [
      'raw entries not matching the inputs',
      {
        inputs: [fp32Input([1, 2, 3])],
        rawInputContents: [new Uint8Array(12), new Uint8Array(12)],
      },
      undefined,
      { field: 'raw_input_contents', reason: /has 2 entries for 1 inputs/ },
    ],
    [
      'raw data beside typed contents',
      { inputs: [fp32Input([1, 2, 3])], rawInputContents: [new Uint8Array(12)] },
      undefined,
      {
        field: 'inputs["input"].contents',
        reason: /must be empty when raw_input_contents is used/,
      },
    ],
  ])('rejects %s, naming the field and the reason', (_case, init, decodeOptions, expected) => {
    const error = errorOf(() => decodeInputs(request(init), specs, decodeOptions ?? options));
    expect(error.field).toBe(expected.field);
    expect(error.reason).toMatch(expected.reason);
  });

  it('accepts non-finite values when the model allows them', () => {
    const [tensor] = decodeInputs(request({ inputs: [fp32Input([Number.NaN, 1, 2])] }), specs, {
      ...options,
      allowNonFinite: true,
    });
    expect((tensor?.data as Float32Array)[0]).toBeNaN();
  });
});

describe('encodeOutputs', () => {
  const probabilities: Tensor = {
    name: 'probabilities',
    datatype: 'FP32',
    shape: [1, 2],
    data: new Float32Array([0.25, 0.75]),
  };

  it('uses typed contents for typed requests', () => {
    const encoded = encodeOutputs([probabilities], { raw: false });
    expect(encoded.rawOutputContents).toBeUndefined();
    expect(encoded.outputs?.[0]).toMatchObject({
      name: 'probabilities',
      datatype: 'FP32',
      shape: [1n, 2n],
      contents: { fp32Contents: [0.25, 0.75] },
    });
  });

  it('uses raw little-endian bytes for raw requests', () => {
    const encoded = encodeOutputs([probabilities], { raw: true });
    expect(encoded.outputs?.[0]?.contents).toBeUndefined();
    const bytes = encoded.rawOutputContents?.[0] as Uint8Array;
    expect(Array.from(new Float32Array(bytes.slice().buffer))).toEqual([0.25, 0.75]);
  });
});
