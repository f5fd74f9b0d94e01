/**
 * Outcomes reported through the OutcomeService, checked and turned into
 * OutcomeEvents. A call is all or nothing: the first bad outcome rejects the call
 * and none of its outcomes is published. Errors are the router's InvalidRequestError
 * (INVALID_ARGUMENT), naming the field: `outcomes[3].value: must be finite, got NaN`.
 */
import { randomUUID } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import { timestampFromDate, timestampMs } from '@bufbuild/protobuf/wkt';
import { OutcomeEventSchema, type Outcome, type OutcomeEvent } from '@ballast/contracts';
import { NAME_PATTERN } from '@ballast/model-store';
import { InvalidRequestError } from '../domain/errors';

export const MAX_OUTCOMES_PER_CALL = 1_000;
const MAX_ID_LENGTH = 256;
/** Metric names become column values and experiment settings: a letter, then letters, digits, `_ . : -`. */
const METRIC_NAME = /^[A-Za-z][A-Za-z0-9_.:-]{0,127}$/;
// The feature logger refuses events outside these bounds (wrong clocks, corrupt data).
const EARLIEST_MS = Date.UTC(2000, 0, 1);
const MAX_FUTURE_MS = 24 * 3600 * 1000;
/** The largest time a Date holds. */
const MAX_DATE_MS = 8.64e15;

/** Checks every outcome, then builds their events (ids in request order). */
export function outcomeEvents(outcomes: readonly Outcome[], now = new Date()): OutcomeEvent[] {
  if (outcomes.length > MAX_OUTCOMES_PER_CALL) {
    throw new InvalidRequestError(
      'outcomes',
      `${outcomes.length} outcomes is over the limit of ${MAX_OUTCOMES_PER_CALL} per call`,
    );
  }
  outcomes.forEach((outcome, i) => check(outcome, `outcomes[${i}]`, now.getTime()));
  return outcomes.map((outcome) =>
    create(OutcomeEventSchema, {
      eventId: randomUUID(),
      eventTime: outcome.eventTime ?? timestampFromDate(now),
      model: outcome.model === '' ? undefined : { name: outcome.model },
      requestId: outcome.requestId,
      unitId: outcome.unitId,
      metric: outcome.metric,
      value: outcome.value,
    }),
  );
}

function check(outcome: Outcome, field: string, now: number): void {
  if (outcome.metric === '') throw new InvalidRequestError(`${field}.metric`, 'is empty');
  if (!METRIC_NAME.test(outcome.metric)) {
    throw new InvalidRequestError(
      `${field}.metric`,
      `"${outcome.metric.slice(0, 64)}" must be a letter then up to 127 of A-Z a-z 0-9 _ . : -`,
    );
  }
  if (!Number.isFinite(outcome.value))
    throw new InvalidRequestError(`${field}.value`, `must be finite, got ${outcome.value}`);
  if (outcome.requestId === '' && outcome.unitId === '')
    throw new InvalidRequestError(`${field}.request_id`, 'is empty, and so is unit_id: give one');
  for (const [name, value] of [
    ['request_id', outcome.requestId],
    ['unit_id', outcome.unitId],
  ] as const) {
    if (value.length > MAX_ID_LENGTH) {
      throw new InvalidRequestError(
        `${field}.${name}`,
        `is ${value.length} characters; at most ${MAX_ID_LENGTH}`,
      );
    }
  }
  if (outcome.model !== '' && !NAME_PATTERN.test(outcome.model)) {
    throw new InvalidRequestError(
      `${field}.model`,
      `"${outcome.model.slice(0, 64)}" is not a model name (1 to 64 of a-z 0-9 . _ -)`,
    );
  }
  if (outcome.eventTime) {
    const ms = timestampMs(outcome.eventTime);
    if (!Number.isFinite(ms) || ms < EARLIEST_MS || ms > now + MAX_FUTURE_MS) {
      throw new InvalidRequestError(
        `${field}.event_time`,
        `${Math.abs(ms) <= MAX_DATE_MS ? new Date(ms).toISOString() : `${ms} ms`} is outside 2000-01-01 .. now + 1 day`,
      );
    }
  }
}
