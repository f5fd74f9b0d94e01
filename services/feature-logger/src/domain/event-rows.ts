/**
 * PredictionEvent and OutcomeEvent fields (decoded by event-wire.ts) to the RowBinary
 * rows of prediction_events and outcome_events (row-binary.ts), in the order of the
 * column lists below. An event that cannot be stored meaningfully (no id, no time, no
 * model, a feature without a name...) is refused with the field and the reason, and
 * goes to the dead-letter topic instead of the tables.
 */
import { Role } from '@ballast/contracts';
import type { Numbers, OutcomeFields, PredictionFields, Text, Texts } from './event-wire';
import type { RowBinaryWriter, RowBytes } from './row-binary';

/** An event failed validation; `field` is its path in the event. */
export class EventValidationError extends Error {
  override readonly name = 'EventValidationError';
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

/** The columns a prediction row holds, in its order (ingested_at takes its default). */
export const PREDICTION_COLUMNS = [
  'event_id',
  'event_time',
  'event_time_ms',
  'model',
  'model_version',
  'deployment',
  'variant',
  'experiment_id',
  'unit_id',
  'request_id',
  'role',
  'numeric_names',
  'numeric_values',
  'categorical_names',
  'categorical_values',
  'output_names',
  'output_values',
  'latency_ms',
  'error_code',
] as const;

/** The columns an outcome row holds, in its order. */
export const OUTCOME_COLUMNS = [
  'event_id',
  'event_time',
  'event_time_ms',
  'model',
  'model_version',
  'deployment',
  'request_id',
  'unit_id',
  'metric',
  'value',
] as const;

// Events older than this or this far in the future are wrong clocks or corrupt data,
// and would land in partitions nobody queries.
const EARLIEST = Date.UTC(2000, 0, 1);
const MAX_FUTURE_MS = 24 * 3600 * 1000;

/** The role column's Enum8 values (migrations/0001_event_tables.sql). */
const ROLE_CODES: Partial<Record<number, number>> = {
  [Role.UNSPECIFIED]: 0,
  [Role.PRIMARY]: 1,
  [Role.SHADOW]: 2,
};

const isEmpty = (text: Text) => text.end === text.start;

function required(text: Text, field: string): void {
  if (isEmpty(text)) throw new EventValidationError(field, 'is empty');
}

function named(names: Texts, field: string): void {
  for (let i = 0; i < names.length; i += 1)
    if (names.end(i) === names.start(i))
      throw new EventValidationError(`${field}[${i}].name`, 'is empty');
}

/** The event's time in ms since the epoch, checked. */
function timeOf(event: PredictionFields | OutcomeFields, now: number): number {
  if (!event.hasTime) throw new EventValidationError('event_time', 'is missing');
  const ms = event.seconds * 1000 + Math.round(event.nanos / 1e6);
  if (!Number.isFinite(ms) || ms < EARLIEST || ms > now + MAX_FUTURE_MS) {
    throw new EventValidationError(
      'event_time',
      `${new Date(ms).toISOString()} is outside 2000-01-01 .. now + 1 day`,
    );
  }
  return ms;
}

function writeText(out: RowBinaryWriter, bytes: Buffer, text: Text): void {
  out.string(bytes, text.start, text.end);
}

/** Array(String) */
function writeTexts(out: RowBinaryWriter, bytes: Buffer, texts: Texts): void {
  out.varint(texts.length);
  for (let i = 0; i < texts.length; i += 1) out.string(bytes, texts.start(i), texts.end(i));
}

/** Array(Float64) of numbers[from, to) */
function writeNumbers(out: RowBinaryWriter, numbers: Numbers, from = 0, to = numbers.length) {
  out.varint(to - from);
  for (let i = from; i < to; i += 1) out.float64(numbers.at(i));
}

/** event_time (DateTime, seconds) and event_time_ms (UInt16, the rest). */
function writeTime(out: RowBinaryWriter, ms: number): void {
  const seconds = Math.floor(ms / 1000);
  out.uint32(seconds);
  out.uint16(ms - seconds * 1000);
}

/** Begins a row with the columns both tables start with: event id, time, model, version, deployment. */
function writeHead(
  out: RowBinaryWriter,
  event: PredictionFields | OutcomeFields,
  ms: number,
): void {
  const bytes = event.bytes;
  out.begin();
  writeText(out, bytes, event.eventId);
  writeTime(out, ms);
  writeText(out, bytes, event.modelName);
  writeText(out, bytes, event.modelVersion);
  writeText(out, bytes, event.deployment);
}

/** The event's prediction_events row (PREDICTION_COLUMNS), or EventValidationError. */
export function predictionRow(
  event: PredictionFields,
  out: RowBinaryWriter,
  now = Date.now(),
): RowBytes {
  const role = ROLE_CODES[event.role];
  if (role === undefined) throw new EventValidationError('role', `unknown value ${event.role}`);
  required(event.eventId, 'event_id');
  const ms = timeOf(event, now);
  if (!event.hasModel) throw new EventValidationError('model', 'is missing');
  required(event.modelName, 'model.name');
  named(event.numericNames, 'numeric_features');
  named(event.categoricalNames, 'categorical_features');
  named(event.outputNames, 'outputs');

  const bytes = event.bytes;
  writeHead(out, event, ms);
  writeText(out, bytes, event.variant);
  writeText(out, bytes, event.experimentId);
  writeText(out, bytes, event.unitId);
  writeText(out, bytes, event.requestId);
  out.uint8(role);
  writeTexts(out, bytes, event.numericNames);
  // NaN is a missing value and is stored as such.
  writeNumbers(out, event.numericValues);
  writeTexts(out, bytes, event.categoricalNames);
  writeTexts(out, bytes, event.categoricalValues);
  writeTexts(out, bytes, event.outputNames);
  out.varint(event.outputEnds.length);
  let from = 0;
  for (let i = 0; i < event.outputEnds.length; i += 1) {
    const to = event.outputEnds.at(i);
    writeNumbers(out, event.outputValues, from, to);
    from = to;
  }
  out.float64(event.latencyMs);
  writeText(out, bytes, event.errorCode);
  return out.end();
}

/** The event's outcome_events row (OUTCOME_COLUMNS), or EventValidationError. */
export function outcomeRow(event: OutcomeFields, out: RowBinaryWriter, now = Date.now()): RowBytes {
  if (isEmpty(event.requestId) && isEmpty(event.unitId))
    throw new EventValidationError('request_id', 'is empty, and so is unit_id: one is needed');
  if (!Number.isFinite(event.value))
    throw new EventValidationError('value', `must be a finite number, got ${event.value}`);
  required(event.eventId, 'event_id');
  const ms = timeOf(event, now);
  required(event.metric, 'metric');

  const bytes = event.bytes;
  // A missing model is stored as empty strings.
  writeHead(out, event, ms);
  writeText(out, bytes, event.requestId);
  writeText(out, bytes, event.unitId);
  writeText(out, bytes, event.metric);
  out.float64(event.value);
  return out.end();
}
