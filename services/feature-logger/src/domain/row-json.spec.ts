import { stringifyRow, type OutcomeEventRow, type PredictionEventRow } from '@ballast/clickhouse';
import { outcomeLine, predictionLine } from './row-json';

const prediction: PredictionEventRow = {
  event_id: 'e-"1"\\',
  event_time: '2026-11-28 11:59:58',
  event_time_ms: 500,
  model: 'breast-cancer',
  model_version: '2',
  deployment: 'breast-cancer@7',
  variant: 'tréatment 😀',
  experiment_id: 'exp\n1',
  unit_id: 'u-1',
  request_id: 'r-1\u0000',
  role: 'primary',
  numeric_names: ['mean_radius', 'mean_texture', 'big', 'small', 'neg'],
  numeric_values: [14.2, Number.NaN, Number.POSITIVE_INFINITY, 1e-300, Number.NEGATIVE_INFINITY],
  categorical_names: ['site', '"q"'],
  categorical_values: ['left', '\u2028'],
  output_names: ['probabilities', 'empty'],
  output_values: [[0.2, 0.8, -0], []],
  latency_ms: Number.NaN,
  error_code: '',
};

it('writes a prediction row as stringifyRow does, NaN and infinities as strings', () => {
  expect(predictionLine(prediction)).toBe(`${stringifyRow(prediction)}\n`);
  expect(predictionLine(prediction)).toContain('"numeric_values":[14.2,"nan","inf",1e-300,"-inf"]');
  const plain = { ...prediction, numeric_values: [1, 2, 3, 4, 5], latency_ms: 1.25 };
  expect(predictionLine(plain)).toBe(`${stringifyRow(plain)}\n`);
  const failed = { ...plain, output_names: [], output_values: [], error_code: 'UNAVAILABLE "x"' };
  expect(predictionLine(failed)).toBe(`${stringifyRow(failed)}\n`);
});

it('writes an outcome row as stringifyRow does', () => {
  const outcome: OutcomeEventRow = {
    event_id: 'o-1',
    event_time: '2026-11-28 12:00:00',
    event_time_ms: 0,
    model: '',
    model_version: '',
    deployment: '',
    request_id: 'r-"1"',
    unit_id: 'u-1',
    metric: 'converted',
    value: 0.5,
  };
  expect(outcomeLine(outcome)).toBe(`${stringifyRow(outcome)}\n`);
});
