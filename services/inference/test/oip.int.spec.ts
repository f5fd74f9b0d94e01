/**
 * The Open Inference Protocol over real gRPC against the built service: every
 * standard call, typed and raw requests answered as the model computes them, and
 * every kind of bad input refused with its code, the field and the reason.
 */
import { status } from '@grpc/grpc-js';
import {
  expectClose,
  expected,
  inferRequest,
  metricsText,
  outputValues,
  sample,
  scratchStore,
  startInference,
  type InferInit,
  type RunningInference,
} from './support';

let inference: RunningInference;

beforeAll(async () => {
  inference = await startInference({ MODEL_STORE_DIR: scratchStore() });
});

afterAll(async () => {
  // A clean stop: the shutdown hooks ran and released every model before the exit.
  await expect(inference?.stop()).resolves.toMatch(/^(exit 0|SIGTERM)$/);
  expect(inference.service.logged('model version unloaded')).toHaveLength(3);
});

describe('health and metadata', () => {
  it('answers ServerLive, ServerReady and ServerMetadata', async () => {
    await expect(inference.client.serverLive({})).resolves.toMatchObject({ live: true });
    await expect(inference.client.serverReady({})).resolves.toMatchObject({ ready: true });
    await expect(inference.client.serverMetadata({})).resolves.toMatchObject({
      name: 'ballast-inference',
      extensions: ['model_repository'],
    });
  });

  it('answers ModelReady for loaded models and versions only', async () => {
    const ready = (name: string, version = '') =>
      inference.client.modelReady({ name, version }).then((r) => r.ready);
    await expect(ready('breast-cancer')).resolves.toBe(true);
    await expect(ready('breast-cancer', '2')).resolves.toBe(true);
    await expect(ready('breast-cancer', '1')).resolves.toBe(false);
    await expect(ready('no-such-model')).resolves.toBe(false);
  });

  it('describes a model: inputs, outputs, versions and features', async () => {
    const metadata = await inference.client.modelMetadata({ name: 'breast-cancer' });
    expect(metadata).toMatchObject({ name: 'breast-cancer', platform: 'onnxruntime_onnx' });
    expect(metadata.inputs.map((t) => [t.name, t.datatype, t.shape.map(Number)])).toEqual([
      ['input', 'FP32', [-1, 30]],
    ]);
    expect(metadata.outputs.map((t) => t.name)).toEqual(['probabilities', 'label']);
    expect(metadata.versions).toEqual(['2']);
    expect(metadata.properties['features']?.split(',')).toHaveLength(30);
  });

  it('lists the repository: every resident version and which one is current', async () => {
    const { models } = await inference.client.repositoryIndex({});
    expect(models.map((m) => `${m.name}@${m.version}:${m.state}:${m.reason}`).sort()).toEqual([
      'breast-cancer@2:READY:current',
      'diabetes@1:READY:current',
      'wine@1:READY:current',
    ]);
  });
});

describe('ModelInfer', () => {
  it.each([
    ['breast-cancer', '2', ['probabilities', 'label']],
    ['wine', '1', ['probabilities', 'label']],
    ['diabetes', '1', ['prediction']],
  ])(
    '%s v%s: typed and raw requests return what the model computes',
    async (model, version, outputs) => {
      const want = expected(model, version);
      const rows = want.inputs['input']!.data;
      for (const raw of [false, true]) {
        const response = await inference.client.modelInfer(
          inferRequest(model, rows, { raw, version }),
        );
        expect(response).toMatchObject({ modelName: model, modelVersion: version });
        expect(response.rawOutputContents.length > 0).toBe(raw);
        for (const name of outputs) {
          const output = response.outputs.find((o) => o.name === name)!;
          expect(output.shape.map(Number)).toEqual(want.outputs[name]!.shape);
          expectClose(
            outputValues(response, name),
            want.outputs[name]!.data.flat(),
            want.tolerance,
          );
        }
      }
    },
  );

  it('returns only the outputs asked for, in the order asked', async () => {
    const rows = expected('breast-cancer', '2').inputs['input']!.data.slice(0, 2);
    const response = await inference.client.modelInfer(
      inferRequest('breast-cancer', rows, { outputs: ['label'] }),
    );
    expect(response.outputs.map((o) => o.name)).toEqual(['label']);
    expect(response.outputs[0]?.shape.map(Number)).toEqual([2]);
  });

  it('echoes the request id', async () => {
    const rows = expected('wine', '1').inputs['input']!.data.slice(0, 1);
    const response = await inference.client.modelInfer({
      ...inferRequest('wine', rows),
      id: 'req-42',
    });
    expect(response.id).toBe('req-42');
  });
});

describe('bad input', () => {
  const first = expected('breast-cancer', '2').inputs['input']!.data[0]!;
  const row = () => [...first];
  const fails = async (init: InferInit, code: status, message: RegExp) => {
    const error = await inference.client.modelInfer(init).then(
      () => undefined,
      (e: unknown) => e as { code: number; details: string },
    );
    expect(error).toBeDefined();
    expect({ code: status[error!.code], details: error!.details }).toMatchObject({
      code: status[code],
      details: expect.stringMatching(message),
    });
  };

  it('unknown model or version: NOT_FOUND', async () => {
    await fails(inferRequest('no-such-model', [row()]), status.NOT_FOUND, /no-such-model/);
    await fails(
      inferRequest('breast-cancer', [row()], { version: '9' }),
      status.NOT_FOUND,
      /version "9"/,
    );
  });

  it.each([
    [
      'a wrong input name',
      () => ({
        ...inferRequest('breast-cancer', [row()]),
        inputs: [
          { name: 'x', datatype: 'FP32', shape: [1n, 30n], contents: { fp32Contents: row() } },
        ],
      }),
      /inputs\[0\]\.name.*"x"/,
    ],
    [
      'a wrong datatype',
      () => ({
        ...inferRequest('breast-cancer', [row()]),
        inputs: [
          { name: 'input', datatype: 'FP64', shape: [1n, 30n], contents: { fp64Contents: row() } },
        ],
      }),
      /inputs\["input"\]\.datatype: must be FP32/,
    ],
    [
      'a wrong shape',
      () => ({
        ...inferRequest('breast-cancer', [row()]),
        inputs: [
          {
            name: 'input',
            datatype: 'FP32',
            shape: [1n, 29n],
            contents: { fp32Contents: row().slice(1) },
          },
        ],
      }),
      /inputs\["input"\]\.shape\[1\]: must be 30/,
    ],
    [
      'an element count that does not match the shape',
      () => ({
        ...inferRequest('breast-cancer', [row()]),
        inputs: [
          { name: 'input', datatype: 'FP32', shape: [2n, 30n], contents: { fp32Contents: row() } },
        ],
      }),
      /inputs\["input"\]\.contents\.fp32_contents: has 30 elements; the shape needs 60/,
    ],
    [
      'NaN where the manifest forbids it',
      () => inferRequest('breast-cancer', [[Number.NaN, ...row().slice(1)]]),
      /inputs\["input"\]: element 0 is NaN/,
    ],
    [
      'Infinity in raw contents',
      () =>
        inferRequest('breast-cancer', [[Number.POSITIVE_INFINITY, ...row().slice(1)]], {
          raw: true,
        }),
      /inputs\["input"\]: element 0 is Infinity/,
    ],
    [
      'a raw buffer of the wrong length',
      () => ({
        ...inferRequest('breast-cancer', [row()], { raw: true }),
        rawInputContents: [new Uint8Array(7)],
      }),
      /raw_input_contents\["input"\]: has 7 bytes/,
    ],
    [
      'an unknown requested output',
      () => inferRequest('breast-cancer', [row()], { outputs: ['logits'] }),
      /outputs\[0\]\.name.*"logits"/,
    ],
    [
      'a missing input',
      () => ({ ...inferRequest('breast-cancer', [row()]), inputs: [] }),
      /missing input "input"/,
    ],
  ])('%s: INVALID_ARGUMENT naming the field', async (_what, build, message) => {
    await fails(build(), status.INVALID_ARGUMENT, message);
  });

  it('a request over the size limit: INVALID_ARGUMENT', async () => {
    const rows = Array.from({ length: 200_000 }, () => row());
    await fails(
      inferRequest('breast-cancer', rows, { raw: true }),
      status.INVALID_ARGUMENT,
      /raw_input_contents.*limit/,
    );
  });

  it('survives all of it and keeps serving', async () => {
    const response = await inference.client.modelInfer(inferRequest('breast-cancer', [row()]));
    expect(response.outputs).toHaveLength(2);
  });
});

it('exposes request, latency, queue, batch and loaded-model metrics', async () => {
  const text = await metricsText(inference.metricsPort);
  const model = { model: 'breast-cancer' };
  expect(
    sample(text, 'ballast_inference_requests_total', { ...model, version: '2', code: 'OK' }),
  ).toBeGreaterThan(0);
  expect(
    sample(text, 'ballast_inference_requests_total', { ...model, code: 'INVALID_ARGUMENT' }),
  ).toBeGreaterThan(0);
  expect(
    sample(text, 'ballast_inference_requests_total', { model: 'no-such-model', code: 'NOT_FOUND' }),
  ).toBeGreaterThan(0);
  for (const histogram of ['request_duration_seconds', 'queue_duration_seconds', 'batch_size']) {
    expect(
      sample(text, `ballast_inference_${histogram}_count`, { ...model, version: '2' }),
    ).toBeGreaterThan(0);
  }
  expect(sample(text, 'ballast_inference_loaded_model_versions')).toBe(3);
});
