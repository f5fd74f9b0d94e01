/**
 * Serving under change and under pressure, over real gRPC against the built service:
 * hot swaps under continuous load fail no request, a bad artifact is refused while
 * the old version keeps serving, and an overloaded model sheds load with
 * RESOURCE_EXHAUSTED while another model keeps serving.
 */
import { status } from '@grpc/grpc-js';
import { createHash } from 'node:crypto';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  expected,
  inferRequest,
  scratchStore,
  startInference,
  type InferInit,
  type RunningInference,
} from './support';

interface Outcome {
  ok: number;
  /** gRPC status name → count. */
  errors: Record<string, number>;
  versions: Record<string, number>;
}

/** Sends `init` from `concurrency` loops until `stop()`; counts answers and errors. */
function loadLoop(service: RunningInference, init: () => InferInit, concurrency: number) {
  const outcome: Outcome = { ok: 0, errors: {}, versions: {} };
  let running = true;
  const loops = Array.from({ length: concurrency }, async () => {
    while (running) {
      try {
        const response = await service.client.modelInfer(init(), { deadline: 10_000 });
        outcome.ok += 1;
        outcome.versions[response.modelVersion] =
          (outcome.versions[response.modelVersion] ?? 0) + 1;
      } catch (error) {
        const name = status[(error as { code: number }).code] ?? String(error);
        outcome.errors[name] = (outcome.errors[name] ?? 0) + 1;
      }
    }
  });
  return {
    outcome,
    async stop(): Promise<Outcome> {
      running = false;
      await Promise.all(loops);
      return outcome;
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const loadVersion = (service: RunningInference, model: string, version: string) =>
  service.client.repositoryModelLoad({
    modelName: model,
    parameters: { version: { parameterChoice: { case: 'stringParam', value: version } } },
  });
const indexOf = async (service: RunningInference) =>
  (await service.client.repositoryIndex({})).models
    .map((m) => `${m.name}@${m.version}${m.reason === 'current' ? '*' : ''}`)
    .sort();
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: { code: number; details: string }) => ({
      code: status[error.code],
      details: error.details,
    }),
  );

describe('hot swap', () => {
  let inference: RunningInference;
  beforeAll(async () => {
    inference = await startInference({
      MODEL_STORE_DIR: scratchStore(),
      INFERENCE_MODELS: 'breast-cancer@1,wine',
      // Swaps start and stop worker threads too.
      INFERENCE_EXECUTION: 'worker',
    });
  });
  afterAll(() => inference?.stop());

  it('swaps versions back and forth under continuous load without failing a request', async () => {
    const rows = expected('breast-cancer', '1').inputs['input']!.data;
    const load = loadLoop(inference, () => inferRequest('breast-cancer', rows), 16);
    for (const version of ['2', '1', '2']) {
      await sleep(300);
      await loadVersion(inference, 'breast-cancer', version);
    }
    await sleep(300);
    const outcome = await load.stop();
    expect(outcome.errors).toEqual({});
    expect(outcome.ok).toBeGreaterThan(100);
    expect(outcome.versions['1']).toBeGreaterThan(0);
    expect(outcome.versions['2']).toBeGreaterThan(0);
    // The old version drained and went; the new one answers requests naming no version.
    expect(await indexOf(inference)).toEqual(['breast-cancer@2*', 'wine@1*']);
  });

  it('keeps the previous version resident when asked (canary), reachable by version', async () => {
    await inference.client.repositoryModelLoad({
      modelName: 'breast-cancer',
      parameters: {
        version: { parameterChoice: { case: 'stringParam', value: '1' } },
        keep_previous: { parameterChoice: { case: 'boolParam', value: true } },
      },
    });
    expect(await indexOf(inference)).toEqual(['breast-cancer@1*', 'breast-cancer@2', 'wine@1*']);
    const rows = expected('breast-cancer', '2').inputs['input']!.data;
    const pinned = await inference.client.modelInfer(
      inferRequest('breast-cancer', rows, { version: '2' }),
    );
    expect(pinned.modelVersion).toBe('2');
    await inference.client.repositoryModelUnload({
      modelName: 'breast-cancer',
      parameters: { version: { parameterChoice: { case: 'stringParam', value: '2' } } },
    });
    expect(await indexOf(inference)).toEqual(['breast-cancer@1*', 'wine@1*']);
  });
});

describe('bad artifacts', () => {
  let inference: RunningInference;
  let store: string;
  const rows = expected('breast-cancer', '2').inputs['input']!.data;
  beforeAll(async () => {
    store = scratchStore();
    inference = await startInference({
      MODEL_STORE_DIR: store,
      INFERENCE_MODELS: 'breast-cancer@2',
    });
  });
  afterAll(() => inference?.stop());

  const stillServing = async () => {
    const response = await inference.client.modelInfer(inferRequest('breast-cancer', rows));
    expect(response.modelVersion).toBe('2');
    expect(await indexOf(inference)).toEqual(['breast-cancer@2*']);
  };

  it('refuses a model file whose checksum does not match its manifest; the old version keeps serving', async () => {
    const file = path.join(store, 'breast-cancer/1/model.onnx');
    const bytes = readFileSync(file);
    const middle = bytes.length >> 1;
    bytes.writeUInt8(bytes.readUInt8(middle) ^ 0xff, middle);
    writeFileSync(file, bytes);
    expect(await failure(loadVersion(inference, 'breast-cancer', '1'))).toMatchObject({
      code: 'FAILED_PRECONDITION',
      details: expect.stringMatching(/version "1".*sha256/),
    });
    await stillServing();
  });

  it('refuses bytes onnxruntime cannot open, even with a matching checksum', async () => {
    const dir = path.join(store, 'breast-cancer/3');
    rmSync(dir, { recursive: true, force: true });
    cpSync(path.join(store, 'breast-cancer/2'), dir, { recursive: true });
    const garbage = Buffer.from('not an onnx model');
    writeFileSync(path.join(dir, 'model.onnx'), garbage);
    const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
    manifest.version = '3';
    manifest.sha256 = createHash('sha256').update(garbage).digest('hex');
    writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
    expect(await failure(loadVersion(inference, 'breast-cancer', '3'))).toMatchObject({
      code: 'FAILED_PRECONDITION',
      details: expect.stringMatching(/version "3".*onnxruntime cannot open/),
    });
    await stillServing();
  });

  it('refuses a model whose inputs or outputs differ from its manifest', async () => {
    const dir = path.join(store, 'breast-cancer/4');
    cpSync(path.join(store, 'breast-cancer/2'), dir, { recursive: true });
    const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
    manifest.version = '4';
    manifest.outputs[0].name = 'scores';
    writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
    expect(await failure(loadVersion(inference, 'breast-cancer', '4'))).toMatchObject({
      code: 'FAILED_PRECONDITION',
      details: expect.stringMatching(/version "4".*scores/),
    });
    await stillServing();
  });

  it('answers NOT_FOUND for a model or version the store does not have', async () => {
    expect(await failure(loadVersion(inference, 'breast-cancer', '99'))).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(
      await failure(inference.client.repositoryModelLoad({ modelName: 'no-such-model' })),
    ).toMatchObject({ code: 'NOT_FOUND' });
    await stillServing();
  });
});

describe('overload', () => {
  let inference: RunningInference;
  beforeAll(async () => {
    inference = await startInference({
      MODEL_STORE_DIR: scratchStore(),
      INFERENCE_MODELS: 'breast-cancer@2,wine',
      // wine: one execution at a time, nobody waiting, no batching, on its own thread
      // so its long executions do not hold the event loop that serves breast-cancer.
      INFERENCE_MODEL_SETTINGS: JSON.stringify({
        wine: { maxConcurrent: 1, maxQueue: 0, batching: false, execution: 'worker' },
      }),
    });
  });
  afterAll(() => inference?.stop());

  it('sheds load on the model over its limit while another model keeps serving', async () => {
    // Large requests keep wine's single execution slot busy.
    const wineRow = expected('wine', '1').inputs['input']!.data[0]!;
    const bigWine = inferRequest(
      'wine',
      Array.from({ length: 20_000 }, () => wineRow),
      { raw: true },
    );
    const cancerRows = expected('breast-cancer', '2').inputs['input']!.data;
    const wine = loadLoop(inference, () => bigWine, 12);
    const cancer = loadLoop(inference, () => inferRequest('breast-cancer', cancerRows), 4);
    await sleep(2_000);
    const [wineOutcome, cancerOutcome] = await Promise.all([wine.stop(), cancer.stop()]);
    expect(wineOutcome.ok).toBeGreaterThan(0);
    expect(Object.keys(wineOutcome.errors)).toEqual(['RESOURCE_EXHAUSTED']);
    expect(wineOutcome.errors['RESOURCE_EXHAUSTED']).toBeGreaterThan(wineOutcome.ok);
    expect(cancerOutcome.errors).toEqual({});
    expect(cancerOutcome.ok).toBeGreaterThan(50);
  });
});
