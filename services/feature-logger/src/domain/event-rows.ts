/**
 * PredictionEvent and OutcomeEvent fields (decoded by event-wire.ts) to the rows of
 * prediction_events and outcome_events. An event that cannot be stored meaningfully
 * (no id, no time, no model, a feature without a name...) is refused with the field
 * and the reason, and goes to the dead-letter topic instead of the tables.
 */
import { Role } from '@ballast/contracts';
import {
  eventTime,
  type EventTime,
  type OutcomeEventRow,
  type PredictionEventRow,
} from '@ballast/clickhouse';
import type { ModelFields, OutcomeFields, PredictionFields, Timestamp } from './event-wire';

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

const ROLES: Partial<Record<number, PredictionEventRow['role']>> = {
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
  const ms = timestamp.seconds * 1000 + Math.round(timestamp.nanos / 1e6);
  if (!Number.isFinite(ms) || ms < EARLIEST || ms > now + MAX_FUTURE_MS) {
    throw new EventValidationError(
      'event_time',
      `${new Date(ms).toISOString()} is outside 2000-01-01 .. now + 1 day`,
    );
  }
  return ms;
}

// Events mostly come in time order, so most share their second with the one before:
// the DateTime text is formatted once per second instead of once per event.
let lastSecond = { second: NaN, text: '' };
function timeColumns(ms: number): EventTime {
  const second = Math.floor(ms / 1000);
  if (second !== lastSecond.second) lastSecond = { second, text: eventTime(ms).event_time };
  return { event_time: lastSecond.text, event_time_ms: ms - second * 1000 };
}

function modelOf(model: ModelFields | undefined) {
  if (!model) throw new EventValidationError('model', 'is missing');
  return {
    model: required(model.name, 'model.name'),
    model_version: model.version,
    deployment: model.deployment,
  };
}

function named(names: string[], field: string): string[] {
  names.forEach((name, i) => required(name, `${field}[${i}].name`));
  return names;
}

export function predictionRow(event: PredictionFields, now = Date.now()): PredictionEventRow {
  const role = ROLES[event.role];
  if (role === undefined) throw new EventValidationError('role', `unknown value ${event.role}`);
  return {
    event_id: required(event.eventId, 'event_id'),
    ...timeColumns(timeOf(event.eventTime, now)),
    ...modelOf(event.model),
    variant: event.variant,
    experiment_id: event.experimentId,
    unit_id: event.unitId,
    request_id: event.requestId,
    role,
    numeric_names: named(event.numericNames, 'numeric_features'),
    // NaN is a missing value and is stored as such.
    numeric_values: event.numericValues,
    categorical_names: named(event.categoricalNames, 'categorical_features'),
    categorical_values: event.categoricalValues,
    output_names: named(event.outputNames, 'outputs'),
    output_values: event.outputValues,
    latency_ms: event.latencyMs,
    error_code: event.errorCode,
  };
}

export function outcomeRow(event: OutcomeFields, now = Date.now()): OutcomeEventRow {
  if (event.requestId === '' && event.unitId === '')
    throw new EventValidationError('request_id', 'is empty, and so is unit_id: one is needed');
  if (!Number.isFinite(event.value))
    throw new EventValidationError('value', `must be a finite number, got ${event.value}`);
  const model = event.model;
  return {
    event_id: required(event.eventId, 'event_id'),
    ...timeColumns(timeOf(event.eventTime, now)),
    model: model?.name ?? '',
    model_version: model?.version ?? '',
    deployment: model?.deployment ?? '',
    request_id: event.requestId,
    unit_id: event.unitId,
    metric: required(event.metric, 'metric'),
    value: event.value,
  };
}
