import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ModelInferRequestSchema, type PredictionEvent } from '@ballast/contracts';
import { parseManifest } from '@ballast/model-store';
import { createLogger } from '@ballast/telemetry';
import { create } from '@bufbuild/protobuf';
import { status } from '@grpc/grpc-js';
import { InvalidRequestError, UpstreamError } from '../domain/errors';
import type { Failed } from '../domain/inference-router';
import { errorCodeOf, PublishingSink } from './prediction-sink';

const MODEL_DIR = path.join(__dirname, '../../../../infra/demo-models/breast-cancer/1');
const manifest = parseManifest(
  JSON.parse(readFileSync(path.join(MODEL_DIR, 'manifest.json'), 'utf8')),
);
const logger = createLogger({ service: 'test', level: 'error' });

describe('errorCodeOf', () => {
  it.each([
    [new UpstreamError(status.UNAVAILABLE, 'gone'), 'UNAVAILABLE'],
    [new UpstreamError(status.DEADLINE_EXCEEDED, 'late'), 'DEADLINE_EXCEEDED'],
    [new UpstreamError(status.RESOURCE_EXHAUSTED, 'full'), 'RESOURCE_EXHAUSTED'],
    [new InvalidRequestError('inputs', 'bad'), 'INVALID_ARGUMENT'],
    // What libs/grpc answers for an error the router does not map.
    [new Error('boom'), 'INTERNAL'],
  ])('names the status the caller gets for %p', (error, name) => {
    expect(errorCodeOf(error)).toBe(name);
  });
});

describe('PublishingSink.recordFailure', () => {
  const failed: Failed = {
    request: create(ModelInferRequestSchema, {
      modelName: 'breast-cancer',
      modelVersion: '1',
      id: 'req-9',
      inputs: [
        {
          name: 'input',
          datatype: 'FP32',
          shape: [1n, 30n],
          contents: { fp32Contents: Array.from({ length: 30 }, (_, i) => i) },
        },
      ],
    }),
    route: {
      model: 'breast-cancer',
      version: '1',
      deployment: 'breast-cancer@3',
      variant: 'treatment',
      experimentId: 'exp-1',
      unitId: 'alice',
      shadowVersion: undefined,
    },
    requestId: 'req-9',
    latencyMs: 4,
    eventTime: new Date(),
    error: new UpstreamError(status.DEADLINE_EXCEEDED, 'late'),
  };

  async function record(get: () => Promise<typeof manifest>): Promise<PredictionEvent[]> {
    const published: PredictionEvent[] = [];
    const sink = new PublishingSink({
      publisher: { publishPrediction: (e) => (published.push(e), true) },
      manifests: { get },
      logger,
    });
    sink.recordFailure(failed);
    await new Promise((resolve) => setTimeout(resolve, 10));
    return published;
  }

  it('publishes one event with the features and the status code name', async () => {
    const [event, ...rest] = await record(async () => manifest);
    expect(rest).toHaveLength(0);
    expect(event).toMatchObject({
      requestId: 'req-9',
      errorCode: 'DEADLINE_EXCEEDED',
      outputs: [],
    });
    expect(event!.numericFeatures).toHaveLength(30);
  });

  it('still counts the failure without the manifest, without features', async () => {
    const [event, ...rest] = await record(() => Promise.reject(new Error('no manifest')));
    expect(rest).toHaveLength(0);
    expect(event).toMatchObject({ errorCode: 'DEADLINE_EXCEEDED', numericFeatures: [] });
  });
});
