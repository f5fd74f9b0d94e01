/**
 * PredictionEvent and OutcomeEvent (ballast.events.v1) to the rows of
 * prediction_events and outcome_events. An event that cannot be stored meaningfully
 * (no id, no time, no model, a feature without a name...) is refused with the field
 * and the reason, and goes to the dead-letter topic instead of the tables.
 */
import { Role, type ModelRef, type OutcomeEvent, type PredictionEvent } from '@ballast/contracts';
import { eventTime, type OutcomeEventRow, type PredictionEventRow } from '@ballast/clickhouse';
import { timestampMs, type Timestamp } from '@bufbuild/protobuf/wkt';

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

// Events older than this or this far in the future are wrong clocks or corrupt data,
// and would land in partitions nobody queries.
const EARLIEST = Date.UTC(2000, 0, 1);
const MAX_FUTURE_MS = 24 * 3600 * 1000;

const ROLES: Record<Role, PredictionEventRow['role']> = {
  [Role.UNSPECIFIED]: 'unspecified',
  [Role.PRIMARY]: 'primary',
  [Role.SHADOW]: 'shadow',
};

function required(value: string, field: string): string {
  if (value === '') throw new EventValidationError(field, 'is empty');
  return value;
}

function timeOf(timestamp: Timestamp | undefined, now: number): number {
  if (!timestamp) throw new EventValidationError('event_time', 'is missing');
  const ms = timestampMs(timestamp);
  if (!Number.isFinite(ms) || ms < EARLIEST || ms > now + MAX_FUTURE_MS) {
    throw new EventValidationError(
      'event_time',
      `${new Date(ms).toISOString()} is outside 2000-01-01 .. now + 1 day`,
    );
  }
  return ms;
}

function modelOf(model: ModelRef | undefined) {
  if (!model) throw new EventValidationError('model', 'is missing');
  return {
    model: required(model.name, 'model.name'),
    model_version: model.version,
    deployment: model.deployment,
  };
}

function names<T extends { name: string }>(items: T[], field: string): string[] {
  return items.map((item, i) => required(item.name, `${field}[${i}].name`));
}

export function predictionRow(event: PredictionEvent, now = Date.now()): PredictionEventRow {
  const role = ROLES[event.role];
  if (role === undefined) throw new EventValidationError('role', `unknown value ${event.role}`);
  return {
    event_id: required(event.eventId, 'event_id'),
    ...eventTime(timeOf(event.eventTime, now)),
    ...modelOf(event.model),
    variant: event.variant,
    experiment_id: event.experimentId,
    unit_id: event.unitId,
    request_id: event.requestId,
    role,
    numeric_names: names(event.numericFeatures, 'numeric_features'),
    // NaN is a missing value and is stored as such.
    numeric_values: event.numericFeatures.map((f) => f.value),
    categorical_names: names(event.categoricalFeatures, 'categorical_features'),
    categorical_values: event.categoricalFeatures.map((f) => f.value),
    output_names: names(event.outputs, 'outputs'),
    output_values: event.outputs.map((o) => o.values),
    latency_ms: event.latencyMs,
  };
}

export function outcomeRow(event: OutcomeEvent, now = Date.now()): OutcomeEventRow {
  if (event.requestId === '' && event.unitId === '')
    throw new EventValidationError('request_id', 'is empty, and so is unit_id: one is needed');
  if (!Number.isFinite(event.value))
    throw new EventValidationError('value', `must be a finite number, got ${event.value}`);
  const model = event.model;
  return {
    event_id: required(event.eventId, 'event_id'),
    ...eventTime(timeOf(event.eventTime, now)),
    model: model?.name ?? '',
    model_version: model?.version ?? '',
    deployment: model?.deployment ?? '',
    request_id: event.requestId,
    unit_id: event.unitId,
    metric: required(event.metric, 'metric'),
    value: event.value,
  };
}

/**
 * A cheap estimate of a row's size in an insert (JSON text), for batching by bytes;
 * exact sizes would cost a serialisation per row.
 */
export function approximateBytes(row: PredictionEventRow | OutcomeEventRow): number {
  let bytes = 200 + row.event_id.length + row.model.length + row.request_id.length;
  if ('numeric_values' in row) {
    bytes += 20 * row.numeric_values.length + 12 * row.categorical_values.length;
    for (const name of row.numeric_names) bytes += name.length;
    for (const name of row.categorical_names) bytes += name.length;
    for (const value of row.categorical_values) bytes += value.length;
    for (const values of row.output_values) bytes += 20 * values.length;
  }
  return bytes;
}
