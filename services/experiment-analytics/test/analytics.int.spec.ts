/**
 * The analysis against the real ClickHouse: synthetic events in a private database,
 * the aggregate SQL's sums checked against sums Node computes from the same rows,
 * and whole analyses of a real effect, an A/A test and a broken split.
 */
import { TABLES, createClickHouse, ensureDatabase, ident, migrate, sql } from '@ballast/clickhouse';
import { stackFromEnv } from '@ballast/testing';
import type { ClickHouseClient } from '@clickhouse/client';
import { randomUUID } from 'node:crypto';
import { analyzeExperiment } from '../src/analysis/analyze-experiment';
import {
  parseExperimentDefinition,
  type ExperimentDefinition,
} from '../src/domain/experiment-definition';
import { compactExposures, loadExperimentData, queryRows } from '../src/queries/experiment-data';
import { exposurePartRowsSql } from '../src/queries/exposures';
import { ResultsStore } from '../src/results/results-store';
import {
  insertEvents,
  insertEventsInTwoParts,
  outcome,
  prediction,
  referenceSums,
  simulate,
  type Arm,
} from './synthetic';

const stack = stackFromEnv();
const database = `ballast_ea_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
let clickhouse: ClickHouseClient;
const HOUR = 3_600_000;
const now = new Date();

beforeAll(async () => {
  const options = { url: stack.CLICKHOUSE_URL, database };
  await ensureDatabase(options);
  clickhouse = createClickHouse(options);
  await migrate(clickhouse);
});

afterAll(async () => {
  await clickhouse?.command({ query: `DROP DATABASE IF EXISTS ${ident(database).text}` });
  await clickhouse?.close();
});

function experiment(overrides: Record<string, unknown> = {}): ExperimentDefinition {
  return parseExperimentDefinition({
    id: `exp-${randomUUID().slice(0, 8)}`,
    model: 'breast-cancer',
    variants: [
      { name: 'v1', weight: 0.5, version: '1' },
      { name: 'v2', weight: 0.5, version: '2' },
    ],
    controlVariant: 'v1',
    start: new Date(now.getTime() - 72 * HOUR).toISOString(),
    end: new Date(now.getTime() - 1 * HOUR).toISOString(),
    attributionWindowHours: 24,
    metrics: [
      { name: 'conversion', kind: 'binary', outcome: 'converted' },
      { name: 'revenue', kind: 'continuous', outcome: 'revenue' },
      { name: 'revenue_per_item', kind: 'ratio', numerator: 'revenue', denominator: 'items' },
    ],
    guardrails: { latencyP95MaxIncrease: 0.5 },
    ...overrides,
  });
}

async function analyze(def: ExperimentDefinition, arms: readonly Arm[], seed: number) {
  await insertEvents(clickhouse, simulate(def, arms, seed));
  const data = await loadExperimentData(clickhouse, def);
  return analyzeExperiment({ definition: def, data, now });
}

function expectSums(actual: object | undefined, expected: object | undefined): void {
  expect(actual).toBeDefined();
  for (const [key, value] of Object.entries(expected ?? {})) {
    const got = (actual as Record<string, unknown>)[key];
    if (typeof value === 'number') expect(got).toBeCloseTo(value, 6);
    else expect(got).toBe(value);
  }
}

describe('sufficient statistics in SQL', () => {
  it('equal the sums Node computes from the same rows, with the edge cases the rules exclude', async () => {
    const def = experiment({ cupedPreWindowHours: 48 });
    const rows = simulate(
      def,
      [
        { variant: 'v1', units: 300, conversion: 0.3 },
        { variant: 'v2', units: 300, conversion: 0.4 },
      ],
      7,
    );
    const t0 = def.start.getTime() + 10 * HOUR;
    const edge = [
      // Seen in both variants: counted once, excluded from the metrics.
      prediction(def, { unit: 'both', variant: 'v1', ms: t0 }),
      prediction(def, { unit: 'both', variant: 'v2', ms: t0 + 1000 }),
      // Only shadow traffic: never exposed.
      prediction(def, { unit: 'shadow-only', variant: 'v2', ms: t0, role: 'shadow' }),
      // Before the experiment started: not an exposure.
      prediction(def, { unit: 'early', variant: 'v1', ms: def.start.getTime() - HOUR }),
      // First exposed before the start, then again inside: its exposure is the first,
      // outside the analysis, so it is left out.
      prediction(def, { unit: 'returning', variant: 'v2', ms: def.start.getTime() - HOUR }),
      prediction(def, { unit: 'returning', variant: 'v2', ms: t0 }),
      // Served only a variant the definition does not name: left out.
      prediction(def, { unit: 'stranger', variant: 'v9', ms: t0 }),
      // Served a named and an unnamed variant: in several variants.
      prediction(def, { unit: 'mixed', variant: 'v1', ms: t0 }),
      prediction(def, { unit: 'mixed', variant: 'v9', ms: t0 + 1000 }),
      prediction(def, { unit: 'late-exposure', variant: 'v1', ms: t0 }),
    ];
    const outcomes = [
      // Before exposure and after the window: not attributed. Pre-period: CUPED covariate.
      outcome(def, { unit: 'late-exposure', metric: 'revenue', value: 5, ms: t0 - 1000 }),
      outcome(def, {
        unit: 'late-exposure',
        metric: 'revenue',
        value: 7,
        ms: t0 + def.attributionWindowMs + 1000,
      }),
      outcome(def, {
        unit: 'late-exposure',
        metric: 'revenue',
        value: 3,
        ms: def.start.getTime() - 5 * HOUR,
      }),
      outcome(def, {
        unit: `${def.id}-v1-0`,
        metric: 'revenue',
        value: 11,
        ms: def.start.getTime() - 2 * HOUR,
      }),
      // A value of 0 is an outcome but not a conversion.
      outcome(def, { unit: 'late-exposure', metric: 'converted', value: 0, ms: t0 + 1000 }),
    ];
    const all = {
      predictions: [...rows.predictions, ...edge],
      outcomes: [...rows.outcomes, ...outcomes],
    };
    // Redelivered events (same id, same row) are counted once.
    await insertEvents(clickhouse, {
      predictions: [...all.predictions, ...all.predictions.slice(0, 50)],
      outcomes: [...all.outcomes, ...all.outcomes.slice(0, 50)],
    });

    const data = await loadExperimentData(clickhouse, def);
    const cases = [
      { metric: 'conversion', reference: { x: 'converted', binary: true } },
      { metric: 'revenue', reference: { x: 'revenue', covariate: true } },
      { metric: 'revenue_per_item', reference: { x: 'revenue', y: 'items' } },
    ];
    for (const { metric, reference } of cases) {
      const expected = referenceSums(def, all, reference);
      expect(data.unitsInSeveralVariants).toBe(2);
      expect(expected.unitsInSeveralVariants).toBe(2);
      for (const variant of ['v1', 'v2']) {
        expectSums(
          data.metrics.get(metric)?.find((s) => s.variant === variant),
          expected.sums.get(variant),
        );
      }
    }
    expect(data.units.get('v1')).toBe(301);
    expect(data.units.get('v2')).toBe(300);
    expect(data.metrics.get('revenue')?.find((s) => s.variant === 'v1')?.sumC).toBeCloseTo(14, 9);
    // v2's events were not redelivered (the 50 copies are v1's): the serving guardrails
    // read without FINAL and count a copy not merged yet twice (queries/guardrails.ts).
    const latencies = all.predictions
      .filter((p) => p.variant === 'v2' && p.role === 'primary')
      .filter((p) => Date.parse(`${p.event_time.replace(' ', 'T')}Z`) >= def.start.getTime())
      .map((p) => p.latency_ms)
      .sort((a, b) => a - b);
    // v9's requests are not the experiment's variants' (the definition names v1 and v2).
    expect(data.serving.map((s) => s.variant)).toEqual(['v1', 'v2']);
    const v2 = data.serving.find((s) => s.variant === 'v2');
    expect(v2?.requests).toBe(latencies.length);
    expect(v2?.latencyP95).toBeCloseTo(latencies[Math.floor(0.95 * latencies.length)] as number, 9);
  });
});

describe('serving guardrails in SQL', () => {
  it('count failed requests per variant and keep latency over answered requests only', async () => {
    const def = experiment({
      guardrails: { latencyP95MaxIncrease: 0.5, errorRateMaxIncrease: 0.01 },
    });
    const rows = simulate(
      def,
      [
        { variant: 'v1', units: 800, conversion: 0.1 },
        { variant: 'v2', units: 800, conversion: 0.1 },
      ],
      51,
    );
    // A failed later request for some exposed units: 6 in v1, 80 in v2, slow to fail.
    const failures = (variant: string, count: number, errorCode: string) =>
      rows.predictions
        .filter((p) => p.variant === variant)
        .slice(0, count)
        .map((p) =>
          prediction(def, {
            unit: p.unit_id,
            variant,
            ms: Date.parse(`${p.event_time.replace(' ', 'T')}Z`) + 30_000,
            latency: 10_000,
            errorCode,
          }),
        );
    // A request is served a variant whether or not it carries a unit id: one of v1's
    // failures has none, and counts in v1's requests and errors all the same.
    const [first, ...rest] = failures('v1', 6, 'UNAVAILABLE');
    const failed = [
      { ...first!, unit_id: '' },
      ...rest,
      ...failures('v2', 80, 'DEADLINE_EXCEEDED'),
    ];
    await insertEvents(clickhouse, {
      predictions: [...rows.predictions, ...failed],
      outcomes: rows.outcomes,
    });

    const data = await loadExperimentData(clickhouse, def);
    for (const [variant, errors] of [
      ['v1', 6],
      ['v2', 80],
    ] as const) {
      const answered = rows.predictions
        .filter((p) => p.variant === variant)
        .map((p) => p.latency_ms)
        .sort((a, b) => a - b);
      const stats = data.serving.find((s) => s.variant === variant);
      expect(stats).toMatchObject({ requests: answered.length + errors, errors });
      expect(stats?.latencyP95).toBeCloseTo(answered[Math.floor(0.95 * answered.length)]!, 9);
      expect(stats?.latencyMean).toBeCloseTo(
        answered.reduce((a, b) => a + b, 0) / answered.length,
        6,
      );
    }

    const report = analyzeExperiment({ definition: def, data, now });
    expect(report.guardrails).toContainEqual(
      expect.objectContaining({ variant: 'v2', guardrail: 'error_rate', violated: true }),
    );
    expect(report.guardrails).toContainEqual(
      expect.objectContaining({ variant: 'v2', guardrail: 'latency_p95_ms', violated: false }),
    );
    expect(report.decision).toMatchObject({ recommendation: 'stop_harm', variant: 'v2' });

    await new ResultsStore(clickhouse).write(report);
    const stored = await (
      await clickhouse.query({
        query: `SELECT variant, status, verdict, mean, p_value FROM experiment_results
                WHERE experiment_id = '${def.id}' AND metric = 'guardrail:error_rate'`,
        format: 'JSONEachRow',
      })
    ).json<{ variant: string; status: string; verdict: string; mean: number; p_value: number }>();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ variant: 'v2', status: 'ok', verdict: 'violated' });
    const v2 = data.serving.find((s) => s.variant === 'v2');
    expect(stored[0]?.mean).toBeCloseTo(80 / (v2?.requests ?? Number.NaN), 9);
    expect(stored[0]?.p_value).toBeLessThan(0.05);
  });
});

describe('exposures compaction', () => {
  it("merges one experiment's exposures into one row per unit, leaving its analysis and the other experiments as they were, once they grew by a quarter", async () => {
    const arms = [
      { variant: 'v1', units: 200, conversion: 0.2 },
      { variant: 'v2', units: 200, conversion: 0.3 },
    ];
    const [def, other] = [experiment(), experiment()];
    for (const [d, seed] of [
      [def, 61],
      [other, 62],
    ] as const)
      await insertEventsInTwoParts(clickhouse, simulate(d, arms, seed));
    const parts = async (d: ExperimentDefinition) =>
      (await queryRows(clickhouse, exposurePartRowsSql(d), 'parts')).length;
    const rowsOf = async (d: ExperimentDefinition) => {
      const query = sql`SELECT count() AS n FROM ${ident(TABLES.experimentFirstExposures)}
        WHERE experiment_id = ${d.id}`;
      return Number((await queryRows(clickhouse, query, 'rows'))[0]?.n);
    };
    expect(await parts(def)).toBe(2);
    expect(await rowsOf(def)).toBeGreaterThan(400);
    const before = await loadExperimentData(clickhouse, def);

    expect(await compactExposures(clickhouse, def)).toBe(true);
    expect(await parts(def)).toBe(1);
    expect(await rowsOf(def)).toBe(400);
    // The same data; sums taken in another order may differ in the last bit.
    const after = await loadExperimentData(clickhouse, def);
    expect(after.units).toEqual(before.units);
    expect(after.unitsInSeveralVariants).toBe(before.unitsInSeveralVariants);
    before.serving.forEach((stats, i) => expectSums(after.serving[i], stats));
    for (const [metric, sums] of before.metrics)
      sums.forEach((variant, i) => expectSums(after.metrics.get(metric)?.[i], variant));
    expect([...before.units.values()]).toEqual([200, 200]);
    // Its own partition only; merged already, nothing to do.
    expect(await parts(other)).toBe(2);
    expect(await compactExposures(clickhouse, def)).toBe(false);

    // New parts are merged in once they hold a quarter of the merged part's rows (100
    // of 400), not before: each merge rewrites the whole partition.
    const newUnits = async (from: number, count: number) =>
      insertEvents(clickhouse, {
        predictions: Array.from({ length: count }, (_, i) =>
          prediction(def, {
            unit: `late-${from + i}`,
            variant: 'v1',
            ms: def.start.getTime() + 60_000,
          }),
        ),
        outcomes: [],
      });
    await newUnits(0, 99);
    expect(await compactExposures(clickhouse, def)).toBe(false);
    expect(await parts(def)).toBe(2);
    await newUnits(99, 1);
    expect(await compactExposures(clickhouse, def)).toBe(true);
    expect(await parts(def)).toBe(1);
    expect(await rowsOf(def)).toBe(500);
  });
});

describe('analysis of whole experiments', () => {
  it('ships v2 when it truly converts better, with a positive lift and its interval', async () => {
    const def = experiment();
    const report = await analyze(
      def,
      [
        { variant: 'v1', units: 3000, conversion: 0.1 },
        { variant: 'v2', units: 3000, conversion: 0.14 },
      ],
      11,
    );
    expect(report.srm).toMatchObject({ status: 'ok', mismatch: false });
    const v2 = report.metrics[0]?.variants.find((v) => v.variant === 'v2')?.comparison;
    expect(v2).toMatchObject({ status: 'ok', significant: true, verdict: 'better' });
    if (v2?.status !== 'ok') throw new Error('unreachable');
    expect(v2.absolute.lower).toBeGreaterThan(0);
    expect(v2.relative?.estimate).toBeGreaterThan(0.2);
    expect(report.decision).toMatchObject({ recommendation: 'ship', variant: 'v2' });

    const store = new ResultsStore(clickhouse);
    await store.write(report);
    const stored = await (
      await clickhouse.query({
        query: `SELECT metric, variant, significant, decision FROM experiment_results WHERE experiment_id = '${def.id}' ORDER BY metric, variant`,
        format: 'JSONEachRow',
      })
    ).json<{ metric: string; variant: string; significant: number; decision: string }>();
    expect(stored).toContainEqual({
      metric: 'conversion',
      variant: 'v2',
      significant: 1,
      decision: 'ship',
    });
  });

  it('finds no effect in an A/A test', async () => {
    const def = experiment();
    const report = await analyze(
      def,
      [
        { variant: 'v1', units: 3000, conversion: 0.12 },
        { variant: 'v2', units: 3000, conversion: 0.12 },
      ],
      21,
    );
    for (const metric of report.metrics) {
      const c = metric.variants.find((v) => v.variant === 'v2')?.comparison;
      expect(c).toMatchObject({ status: 'ok', significant: false, verdict: 'inconclusive' });
    }
    expect(report.decision.recommendation).toBe('stop_no_effect');
  });

  it('flags a broken 50/50 split as a sample ratio mismatch before any lift', async () => {
    const def = experiment();
    const report = await analyze(
      def,
      [
        { variant: 'v1', units: 5000, conversion: 0.1 },
        { variant: 'v2', units: 4500, conversion: 0.14 },
      ],
      31,
    );
    expect(report.srm).toMatchObject({ status: 'ok', mismatch: true, observed: [5000, 4500] });
    expect(report.decision.recommendation).toBe('fix_assignment');
  });

  it('says insufficient_data, not NaN, for a variant without units', async () => {
    const def = experiment();
    const report = await analyze(def, [{ variant: 'v1', units: 50, conversion: 0.1 }], 41);
    const c = report.metrics[0]?.variants.find((v) => v.variant === 'v2');
    expect(c).toMatchObject({ n: 0, mean: null, comparison: { status: 'insufficient_data' } });
    expect(report.decision.recommendation).not.toBe('ship');
  });
});
