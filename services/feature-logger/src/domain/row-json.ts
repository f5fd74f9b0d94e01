/**
 * Rows as JSONEachRow lines, written field by field: the batch writer holds these
 * strings (smaller than the row objects, and no work left for the insert but a join).
 * The text is the same as libs/clickhouse `stringifyRow`'s (row-json.spec.ts checks
 * it), with its reason: non-finite numbers as "nan", "inf" and "-inf", never null.
 */
import type { OutcomeEventRow, PredictionEventRow } from '@ballast/clickhouse';

const text = JSON.stringify;

function number(value: number): string {
  if (Number.isFinite(value)) return String(value);
  return Number.isNaN(value) ? '"nan"' : value > 0 ? '"inf"' : '"-inf"';
}

function numbers(values: readonly number[]): string {
  let out = '[';
  for (let i = 0; i < values.length; i += 1) out += (i === 0 ? '' : ',') + number(values[i]!);
  return `${out}]`;
}

export function predictionLine(row: PredictionEventRow): string {
  let outputs = '[';
  for (let i = 0; i < row.output_values.length; i += 1)
    outputs += (i === 0 ? '' : ',') + numbers(row.output_values[i]!);
  return (
    `{"event_id":${text(row.event_id)},"event_time":"${row.event_time}","event_time_ms":${row.event_time_ms}` +
    `,"model":${text(row.model)},"model_version":${text(row.model_version)},"deployment":${text(row.deployment)}` +
    `,"variant":${text(row.variant)},"experiment_id":${text(row.experiment_id)}` +
    `,"unit_id":${text(row.unit_id)},"request_id":${text(row.request_id)},"role":"${row.role}"` +
    `,"numeric_names":${text(row.numeric_names)},"numeric_values":${numbers(row.numeric_values)}` +
    `,"categorical_names":${text(row.categorical_names)},"categorical_values":${text(row.categorical_values)}` +
    `,"output_names":${text(row.output_names)},"output_values":${outputs}]` +
    `,"latency_ms":${number(row.latency_ms)},"error_code":${text(row.error_code)}}\n`
  );
}

export function outcomeLine(row: OutcomeEventRow): string {
  return (
    `{"event_id":${text(row.event_id)},"event_time":"${row.event_time}","event_time_ms":${row.event_time_ms}` +
    `,"model":${text(row.model)},"model_version":${text(row.model_version)},"deployment":${text(row.deployment)}` +
    `,"request_id":${text(row.request_id)},"unit_id":${text(row.unit_id)}` +
    `,"metric":${text(row.metric)},"value":${number(row.value)}}\n`
  );
}
