import { create, toBinary } from '@bufbuild/protobuf';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import {
  OutcomeEventSchema,
  PredictionEventSchema,
  Role,
  type OutcomeEvent,
  type PredictionEvent,
} from '@ballast/contracts';
import {
  EventValidationError,
  outcomeRow as outcomeRowOf,
  predictionRow as predictionRowOf,
} from './event-rows';
import { decodeOutcome, decodePrediction } from './event-wire';

// The rows of events as they come from Kafka: encoded, then decoded by event-wire.ts.
const predictionRow = (event: PredictionEvent, now: number) =>
  predictionRowOf(decodePrediction(Buffer.from(toBinary(PredictionEventSchema, event))), now);
const outcomeRow = (event: OutcomeEvent, now: number) =>
  outcomeRowOf(decodeOutcome(Buffer.from(toBinary(OutcomeEventSchema, event))), now);

const NOW = Date.UTC(2026, 10, 28, 12, 0, 0);

function prediction(overrides: Record<string, unknown> = {}) {
  return create(PredictionEventSchema, {
    eventId: 'e-1',
    eventTime: timestampFromMs(NOW - 1_500),
    model: { name: 'breast-cancer', version: '2', deployment: 'breast-cancer@7' },
    requestId: 'r-1',
    unitId: 'u-1',
    experimentId: 'exp-1',
    variant: 'treatment',
    role: Role.PRIMARY,
    numericFeatures: [
      { name: 'mean_radius', value: 14.2 },
      { name: 'mean_texture', value: Number.NaN },
    ],
    categoricalFeatures: [{ name: 'site', value: 'left' }],
    outputs: [{ name: 'probabilities', values: [0.2, 0.8] }],
    latencyMs: 1.25,
    ...overrides,
  });
}

it('maps a prediction event to its row, keeping a missing feature as NaN', () => {
  expect(predictionRow(prediction(), NOW)).toEqual({
    event_id: 'e-1',
    event_time: '2026-11-28 11:59:58',
    event_time_ms: 500,
    model: 'breast-cancer',
    model_version: '2',
    deployment: 'breast-cancer@7',
    variant: 'treatment',
    experiment_id: 'exp-1',
    unit_id: 'u-1',
    request_id: 'r-1',
    role: 'primary',
    numeric_names: ['mean_radius', 'mean_texture'],
    numeric_values: [14.2, Number.NaN],
    categorical_names: ['site'],
    categorical_values: ['left'],
    output_names: ['probabilities'],
    output_values: [[0.2, 0.8]],
    latency_ms: 1.25,
    error_code: '',
  });
});

it('maps a failed request to a row with its error code and no outputs', () => {
  const row = predictionRow(prediction({ outputs: [], errorCode: 'DEADLINE_EXCEEDED' }), NOW);
  expect(row).toMatchObject({
    error_code: 'DEADLINE_EXCEEDED',
    output_names: [],
    output_values: [],
    numeric_names: ['mean_radius', 'mean_texture'],
  });
});

it.each([
  ['no event id', { eventId: '' }, 'event_id', 'is empty'],
  ['no time', { eventTime: undefined }, 'event_time', 'is missing'],
  ['a time before 2000', { eventTime: timestampFromMs(0) }, 'event_time', 'outside'],
  [
    'a time two days ahead',
    { eventTime: timestampFromMs(NOW + 2 * 86_400_000) },
    'event_time',
    'outside',
  ],
  ['no model', { model: undefined }, 'model', 'is missing'],
  ['no model name', { model: { name: '' } }, 'model.name', 'is empty'],
  [
    'a nameless feature',
    { numericFeatures: [{ name: '', value: 1 }] },
    'numeric_features[0].name',
    'is empty',
  ],
  ['a nameless output', { outputs: [{ name: '', values: [] }] }, 'outputs[0].name', 'is empty'],
  ['an unknown role', { role: 7 }, 'role', 'unknown value 7'],
])('refuses a prediction with %s, naming the field', (_what, overrides, field, reason) => {
  const refuse = () => predictionRow(prediction(overrides), NOW);
  expect(refuse).toThrow(EventValidationError);
  expect(refuse).toThrow(
    expect.objectContaining({ field, message: expect.stringContaining(reason) }),
  );
});

it('maps an outcome and refuses one without a unit or request, metric, or finite value', () => {
  const outcome = (overrides: Record<string, unknown> = {}) =>
    create(OutcomeEventSchema, {
      eventId: 'o-1',
      eventTime: timestampFromMs(NOW),
      unitId: 'u-1',
      metric: 'converted',
      value: 1,
      ...overrides,
    });
  expect(outcomeRow(outcome(), NOW)).toMatchObject({
    event_id: 'o-1',
    event_time: '2026-11-28 12:00:00',
    model: '',
    unit_id: 'u-1',
    metric: 'converted',
    value: 1,
  });
  expect(() => outcomeRow(outcome({ unitId: '' }), NOW)).toThrow(
    /request_id: is empty, and so is unit_id/,
  );
  expect(() => outcomeRow(outcome({ metric: '' }), NOW)).toThrow(/metric: is empty/);
  expect(() => outcomeRow(outcome({ value: Number.NaN }), NOW)).toThrow(
    /value: must be a finite number/,
  );
});
