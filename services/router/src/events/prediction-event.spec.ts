import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { create } from '@bufbuild/protobuf';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import {
  ModelInferRequestSchema,
  ModelInferResponseSchema,
  Role,
  type ModelInferRequest,
  type PredictionEvent,
} from '@ballast/contracts';
import { parseManifest, type ModelManifest } from '@ballast/model-store';
import { encodeOutputs } from '@ballast/tensors';
import {
  buildFailedPredictionEvents,
  buildPredictionEvent,
  type PredictionRoute,
} from './prediction-event';

const MODEL_DIR = path.join(__dirname, '../../../../infra/demo-models/breast-cancer/1');
const manifest = parseManifest(
  JSON.parse(readFileSync(path.join(MODEL_DIR, 'manifest.json'), 'utf8')),
);
const expected = JSON.parse(readFileSync(path.join(MODEL_DIR, 'expected.json'), 'utf8')) as {
  inputs: { input: { data: number[][] } };
  outputs: { probabilities: { data: number[][] }; label: { data: number[] } };
};
const rows = expected.inputs.input.data;
const probabilities = expected.outputs.probabilities.data;
const labels = expected.outputs.label.data;

const route: PredictionRoute = {
  model: 'breast-cancer',
  version: '1',
  deployment: 'breast-cancer@3',
  variant: 'treatment',
  experimentId: 'exp-7',
  unitId: 'user-42',
  role: Role.PRIMARY,
};
const eventTime = new Date('2026-01-02T03:04:05.678Z');

/** A request and its response for the first `n` expected rows, typed or raw. */
function served(n: number, raw: boolean) {
  const input = rows.slice(0, n);
  const flat = Float32Array.from(input.flat());
  const request = create(ModelInferRequestSchema, {
    modelName: 'breast-cancer',
    inputs: [
      {
        name: 'input',
        datatype: 'FP32',
        shape: [BigInt(n), 30n],
        ...(raw ? {} : { contents: { fp32Contents: Array.from(flat) } }),
      },
    ],
    rawInputContents: raw ? [new Uint8Array(flat.buffer)] : [],
  });
  const response = create(ModelInferResponseSchema, {
    modelName: 'breast-cancer',
    modelVersion: '1',
    ...encodeOutputs(
      [
        {
          name: 'probabilities',
          datatype: 'FP32',
          shape: [n, 2],
          data: Float32Array.from(probabilities.slice(0, n).flat()),
        },
        {
          name: 'label',
          datatype: 'INT64',
          shape: [n],
          data: BigInt64Array.from(labels.slice(0, n), BigInt),
        },
      ],
      { raw },
    ),
  });
  return { request, response };
}

function build(n: number, raw: boolean, m: ModelManifest = manifest): PredictionEvent[] {
  return buildPredictionEvent({
    ...served(n, raw),
    manifest: m,
    route,
    requestId: 'req-1',
    latencyMs: 3.5,
    eventTime,
  });
}

describe('buildPredictionEvent on the breast-cancer demo model', () => {
  it.each([
    ['typed', false],
    ['raw', true],
  ])('names every feature and output of a one-row %s request', (_, raw) => {
    const [event, ...rest] = build(1, raw);
    expect(rest).toHaveLength(0);
    expect(event!.eventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(timestampDate(event!.eventTime!)).toEqual(eventTime);
    expect(event!.model).toMatchObject({
      name: 'breast-cancer',
      version: '1',
      deployment: 'breast-cancer@3',
    });
    expect(event).toMatchObject({
      requestId: 'req-1',
      unitId: 'user-42',
      experimentId: 'exp-7',
      variant: 'treatment',
      role: Role.PRIMARY,
      latencyMs: 3.5,
      categoricalFeatures: [],
      errorCode: '',
    });
    expect(event!.numericFeatures.map((f) => f.name)).toEqual(manifest.features.map((f) => f.name));
    expect(event!.numericFeatures.map((f) => f.value)).toEqual(
      Array.from(Float32Array.from(rows[0]!)),
    );
    expect(event!.numericFeatures[0]).toMatchObject({ name: 'mean_radius', value: 12.75 });
    expect(event!.outputs.map((o) => [o.name, o.values])).toEqual([
      ['probabilities', Array.from(Float32Array.from(probabilities[0]!))],
      ['label', [labels[0]]],
    ]);
  });

  it.each([
    ['typed', false],
    ['raw', true],
  ])('gives a %s batch one event per row, with its own id, features and outputs', (_, raw) => {
    const events = build(5, raw);
    expect(events.map((e) => e.requestId)).toEqual([0, 1, 2, 3, 4].map((r) => `req-1/${r}`));
    expect(new Set(events.map((e) => e.eventId)).size).toBe(5);
    events.forEach((event, r) => {
      expect(event.numericFeatures.map((f) => f.value)).toEqual(
        Array.from(Float32Array.from(rows[r]!)),
      );
      expect(event.outputs[0]!.values).toEqual(Array.from(Float32Array.from(probabilities[r]!)));
      expect(event.outputs[1]!.values).toEqual([labels[r]]);
    });
  });

  it('gives no event for a request of zero rows', () => {
    expect(build(0, false)).toEqual([]);
  });
});

describe('buildFailedPredictionEvents', () => {
  const failed = (request: ModelInferRequest, m: ModelManifest | undefined) =>
    buildFailedPredictionEvents({
      request,
      manifest: m,
      route,
      requestId: 'req-1',
      latencyMs: 12.5,
      eventTime,
      errorCode: 'UNAVAILABLE',
    });

  it('gives a failed one-row request one event: its features, no outputs, the error code', () => {
    const [event, ...rest] = failed(served(1, true).request, manifest);
    expect(rest).toHaveLength(0);
    expect(event).toMatchObject({
      requestId: 'req-1',
      unitId: 'user-42',
      experimentId: 'exp-7',
      variant: 'treatment',
      role: Role.PRIMARY,
      latencyMs: 12.5,
      outputs: [],
      errorCode: 'UNAVAILABLE',
    });
    expect(event!.numericFeatures.map((f) => f.value)).toEqual(
      Array.from(Float32Array.from(rows[0]!)),
    );
  });

  it('gives a failed batch one event per row, as an answered one', () => {
    const events = failed(served(3, false).request, manifest);
    expect(events.map((e) => [e.requestId, e.errorCode, e.outputs.length])).toEqual([
      ['req-1/0', 'UNAVAILABLE', 0],
      ['req-1/1', 'UNAVAILABLE', 0],
      ['req-1/2', 'UNAVAILABLE', 0],
    ]);
  });

  it.each([
    [
      'inputs that do not fit the manifest',
      create(ModelInferRequestSchema, {
        inputs: [
          { name: 'input', datatype: 'FP32', shape: [1n, 3n], contents: { fp32Contents: [1] } },
        ],
      }),
      manifest,
    ],
    ['zero rows', served(0, false).request, manifest],
    ['no manifest', served(1, false).request, undefined],
  ])('gives one event without features for %s', (_, request, m) => {
    const events = failed(request, m);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      requestId: 'req-1',
      numericFeatures: [],
      categoricalFeatures: [],
      outputs: [],
      errorCode: 'UNAVAILABLE',
    });
  });
});

describe('buildPredictionEvent with categorical and missing features', () => {
  const mixed: ModelManifest = {
    ...manifest,
    inputs: [
      { name: 'country', datatype: 'BYTES', shape: [-1, 1] },
      { name: 'age', datatype: 'FP64', shape: [-1, 1] },
    ],
    // Not in input order: features named after one-column inputs are matched by name.
    features: [
      { name: 'age', type: 'numeric' },
      { name: 'country', type: 'categorical' },
      { name: 'absent', type: 'numeric' },
    ],
    allowNonFinite: true,
  };
  const text = (s: string) => new TextEncoder().encode(s);
  const request = create(ModelInferRequestSchema, {
    inputs: [
      {
        name: 'country',
        datatype: 'BYTES',
        shape: [2n, 1n],
        contents: { bytesContents: [text('fr'), text('')] },
      },
      { name: 'age', datatype: 'FP64', shape: [2n, 1n], contents: { fp64Contents: [41, NaN] } },
    ],
  });
  const response = create(ModelInferResponseSchema, {
    outputs: [
      { name: 'score', datatype: 'FP64', shape: [2n, 1n], contents: { fp64Contents: [0.1, 0.9] } },
    ],
  });

  it('keeps categorical values as text and missing values as NaN or empty', () => {
    const events = buildPredictionEvent({
      request,
      response,
      manifest: mixed,
      route: { ...route, role: Role.SHADOW },
      requestId: 'r',
      latencyMs: 1,
      eventTime,
    });
    expect(
      events.map((e) => ({
        numeric: e.numericFeatures.map((f) => [f.name, f.value]),
        categorical: e.categoricalFeatures.map((f) => [f.name, f.value]),
        outputs: e.outputs.map((o) => o.values),
        role: e.role,
      })),
    ).toEqual([
      {
        numeric: [
          ['age', 41],
          ['absent', NaN],
        ],
        categorical: [['country', 'fr']],
        outputs: [[0.1]],
        role: Role.SHADOW,
      },
      {
        numeric: [
          ['age', NaN],
          ['absent', NaN],
        ],
        categorical: [['country', '']],
        outputs: [[0.9]],
        role: Role.SHADOW,
      },
    ]);
  });
});
