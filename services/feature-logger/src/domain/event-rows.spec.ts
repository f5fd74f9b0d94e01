import { create, toBinary } from '@bufbuild/protobuf';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import {
  OutcomeEventSchema,
  PredictionEventSchema,
  Role,
  type OutcomeEvent,
  type PredictionEvent,
} from '@ballast/contracts';
import { eventTime } from '@ballast/clickhouse';
import {
  EventValidationError,
  OUTCOME_COLUMNS,
  PREDICTION_COLUMNS,
  outcomeRow as outcomeRowOf,
  predictionRow as predictionRowOf,
} from './event-rows';
import { decodeOutcome, decodePrediction } from './event-wire';
import { RowBinaryWriter, type RowBytes } from './row-binary';

/** Reads RowBinary values back, by ClickHouse type (those of the event tables). */
class RowReader {
  private pos: number;

  constructor(
    private readonly buf: Buffer,
    start: number,
    private readonly end: number,
  ) {
    this.pos = start;
  }

  read(type: string): unknown {
    const array = /^Array\((.*)\)$/.exec(type);
    if (array) return Array.from({ length: this.varint() }, () => this.read(array[1]!));
    switch (type) {
      case 'String': {
        const length = this.varint();
        this.pos += length;
        return this.buf.toString('utf8', this.pos - length, this.pos);
      }
      case 'Float64':
        return this.buf.readDoubleLE((this.pos += 8) - 8);
      case 'UInt16':
        return this.buf.readUInt16LE((this.pos += 2) - 2);
      case 'DateTime':
        return eventTime(this.buf.readUInt32LE((this.pos += 4) - 4) * 1000).event_time;
      case 'Role':
        return ['unspecified', 'primary', 'shadow'][this.buf.readInt8(this.pos++)];
      default:
        throw new Error(`no reader for ${type}`);
    }
  }

  /** The row, column by column; every byte must be read. */
  row(columns: readonly string[]): Record<string, unknown> {
    const row = Object.fromEntries(
      columns.map((column) => [column, this.read(TYPES[column] ?? 'String')]),
    );
    expect(this.pos).toBe(this.end);
    return row;
  }

  private varint(): number {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = this.buf[this.pos++]!;
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
  }
}

// The column types of migrations/0001_event_tables.sql other than String (Role: the
// Enum8 of role).
const TYPES: Partial<Record<string, string>> = {
  event_time: 'DateTime',
  event_time_ms: 'UInt16',
  role: 'Role',
  numeric_names: 'Array(String)',
  numeric_values: 'Array(Float64)',
  categorical_names: 'Array(String)',
  categorical_values: 'Array(String)',
  output_names: 'Array(String)',
  output_values: 'Array(Array(Float64))',
  latency_ms: 'Float64',
  value: 'Float64',
};
const readRow = ({ buffer, start, end }: RowBytes, columns: readonly string[]) =>
  new RowReader(buffer, start, end).row(columns);

// The rows of events as they come from Kafka: encoded, decoded by event-wire.ts, written.
const out = new RowBinaryWriter();
const predictionRow = (event: PredictionEvent, now: number) =>
  readRow(
    predictionRowOf(
      decodePrediction(Buffer.from(toBinary(PredictionEventSchema, event))),
      out,
      now,
    ),
    PREDICTION_COLUMNS,
  );
const outcomeRow = (event: OutcomeEvent, now: number) =>
  readRow(
    outcomeRowOf(decodeOutcome(Buffer.from(toBinary(OutcomeEventSchema, event))), out, now),
    OUTCOME_COLUMNS,
  );

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

it('writes any text, every number and several outputs as they are', () => {
  const long = 'ü'.repeat(100);
  const row = predictionRow(
    prediction({
      eventId: long,
      role: Role.SHADOW,
      variant: '😀 "quoted" \\ back',
      numericFeatures: [
        { name: '日本語', value: Number.POSITIVE_INFINITY },
        { name: 'small', value: -1e-300 },
      ],
      outputs: [
        { name: 'a', values: [] },
        { name: 'b', values: [1.5, Number.NEGATIVE_INFINITY, -0] },
      ],
    }),
    NOW,
  );
  expect(row).toMatchObject({
    event_id: long,
    role: 'shadow',
    variant: '😀 "quoted" \\ back',
    numeric_names: ['日本語', 'small'],
    numeric_values: [Number.POSITIVE_INFINITY, -1e-300],
    output_names: ['a', 'b'],
    output_values: [[], [1.5, Number.NEGATIVE_INFINITY, -0]],
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
