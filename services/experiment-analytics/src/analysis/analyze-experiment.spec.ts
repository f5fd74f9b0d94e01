/**
 * The analysis over given sums: the statistics themselves are libs/stats's (checked
 * there against scipy/statsmodels, including the mSPRT peeking simulation in
 * libs/stats/src/experiment/sequential.spec.ts); these tests check what this service
 * adds: choosing tests, correcting across treatments × metrics, insufficient data,
 * guardrails and the decision.
 */
import { adjustPValues, compareProportions } from '@ballast/stats';
import {
  parseExperimentDefinition,
  type ExperimentDefinition,
} from '../domain/experiment-definition';
import type { ExperimentData } from '../queries/experiment-data';
import type { ServingStats } from '../queries/guardrails';
import type { MetricSums } from '../queries/metric-stats';
import { analyzeExperiment, sequentialKey } from './analyze-experiment';
import { emptySums } from './metric-comparison';

const NOW = new Date('2024-02-01T00:00:00Z');

function definition(overrides: Record<string, unknown> = {}): ExperimentDefinition {
  return parseExperimentDefinition({
    id: 'exp',
    model: 'm',
    variants: [
      { name: 'a', weight: 0.5 },
      { name: 'b', weight: 0.25 },
      { name: 'c', weight: 0.25 },
    ],
    controlVariant: 'a',
    start: '2024-01-01T00:00:00Z',
    end: '2024-01-20T00:00:00Z',
    metrics: [{ name: 'conversion', kind: 'binary', outcome: 'converted' }],
    ...overrides,
  });
}

/** Sums of a 0/1 metric with `successes` of `n`. */
function binary(variant: string, n: number, successes: number): MetricSums {
  return { ...emptySums(variant), n, sumX: successes, sumX2: successes };
}

function serving(variant: string, latencyP95: number): ServingStats {
  return {
    variant,
    requests: 100,
    errors: 0,
    latencyMean: latencyP95 / 2,
    latencyP95,
    scoreN: 0,
    scoreSum: 0,
    scoreSumSquares: 0,
  };
}

function data(
  metrics: Record<string, MetricSums[]>,
  extra: Partial<ExperimentData> = {},
): ExperimentData {
  const first = Object.values(metrics)[0] ?? [];
  return {
    units: new Map(first.map((s) => [s.variant, s.n])),
    unitsInSeveralVariants: 0,
    metrics: new Map(Object.entries(metrics)),
    serving: [],
    ...extra,
  };
}

const SPLIT = [binary('a', 4000, 400), binary('b', 2000, 260), binary('c', 2000, 205)];

describe('analyzeExperiment', () => {
  it('compares each treatment with the control and corrects across them (Holm)', () => {
    const report = analyzeExperiment({
      definition: definition(),
      data: data({ conversion: SPLIT }),
      now: NOW,
    });
    const fixed = ['b', 'c'].map((v) =>
      compareProportions({
        control: { n: 4000, successes: 400 },
        treatment: { n: 2000, successes: v === 'b' ? 260 : 205 },
      }),
    );
    const pValues = fixed.map((f) => (f.status === 'ok' ? f.pValue : NaN));
    const { adjusted } = adjustPValues({ pValues, method: 'holm' });
    const [, b, c] = report.metrics[0]?.variants ?? [];
    expect(b?.comparison).toMatchObject({
      status: 'ok',
      pValue: pValues[0],
      adjustedPValue: adjusted[0],
      verdict: 'better',
    });
    expect(c?.comparison).toMatchObject({
      status: 'ok',
      pValue: pValues[1],
      adjustedPValue: adjusted[1],
      verdict: 'inconclusive',
    });
    expect(report.decision).toMatchObject({ recommendation: 'ship', variant: 'b' });
    expect(report.srm).toMatchObject({ status: 'ok', mismatch: false });
  });

  it('waits for the end of a fixed-horizon experiment before shipping', () => {
    const report = analyzeExperiment({
      definition: definition(),
      data: data({ conversion: SPLIT }),
      now: new Date('2024-01-10T00:00:00Z'),
    });
    expect(report.final).toBe(false);
    expect(report.decision.recommendation).toBe('keep_running');
    expect(report.decision.reason).toContain('b leads on conversion');
  });

  it('reports insufficient data with its reason instead of NaN', () => {
    const sums = [binary('a', 1, 0), binary('b', 0, 0), binary('c', 50, 0)];
    // Units as weighted, so the (valid) SRM verdict does not mask the metric's state.
    const units = new Map([
      ['a', 2],
      ['b', 1],
      ['c', 1],
    ]);
    const report = analyzeExperiment({
      definition: definition(),
      data: data({ conversion: sums }, { units }),
      now: NOW,
    });
    const [a, b, c] = report.metrics[0]?.variants ?? [];
    expect(a).toMatchObject({ n: 1, mean: 0, comparison: null });
    expect(b).toMatchObject({ n: 0, mean: null, comparison: { status: 'insufficient_data' } });
    expect(c?.comparison).toMatchObject({
      status: 'insufficient_data',
      reason: expect.stringContaining('c: control has 1 unit(s)'),
    });
    expect(report.decision.recommendation).toBe('keep_running');
    expect(JSON.stringify(report)).not.toContain('NaN');
  });

  it('stops for harm when a treatment is significantly worse', () => {
    const sums = [binary('a', 4000, 400), binary('b', 2000, 140), binary('c', 2000, 200)];
    const report = analyzeExperiment({
      definition: definition(),
      data: data({ conversion: sums }),
      now: NOW,
    });
    expect(report.decision).toMatchObject({ recommendation: 'stop_harm', variant: 'b' });
  });

  it('does not ship a winner that breaks the latency guardrail', () => {
    const report = analyzeExperiment({
      definition: definition({ guardrails: { latencyP95MaxIncrease: 0.2 } }),
      data: data(
        { conversion: SPLIT },
        { serving: [serving('a', 10), serving('b', 15), serving('c', 11)] },
      ),
      now: NOW,
    });
    expect(report.guardrails).toContainEqual(
      expect.objectContaining({ variant: 'b', guardrail: 'latency_p95_ms', violated: true }),
    );
    expect(report.guardrails).toContainEqual(
      expect.objectContaining({ variant: 'c', violated: false }),
    );
    expect(report.decision).toMatchObject({ recommendation: 'stop_harm', variant: 'b' });
  });

  it('puts SRM before any lift', () => {
    const report = analyzeExperiment({
      definition: definition(),
      data: data(
        { conversion: SPLIT },
        {
          units: new Map([
            ['a', 4000],
            ['b', 2300],
            ['c', 2000],
          ]),
        },
      ),
      now: NOW,
    });
    expect(report.srm).toMatchObject({ status: 'ok', mismatch: true });
    expect(report.decision.recommendation).toBe('fix_assignment');
  });

  it('uses the always-valid p-value when sequential, as a running minimum over looks', () => {
    const def = definition({ sequential: { enabled: true, tuningSampleSize: 5000 } });
    const first = analyzeExperiment({
      definition: def,
      data: data({ conversion: SPLIT }),
      now: new Date('2024-01-10T00:00:00Z'),
    });
    const b = first.metrics[0]?.variants[1]?.comparison;
    if (b?.status !== 'ok' || !b.sequential) throw new Error('expected a sequential result');
    expect(b.sequential.pValue).toBeGreaterThan(b.pValue);
    expect(first.final).toBe(true);
    const previous = new Map([[sequentialKey('conversion', 'b'), 1e-6]]);
    const later = analyzeExperiment({
      definition: def,
      data: data({ conversion: SPLIT }),
      now: new Date('2024-01-11T00:00:00Z'),
      previousSequentialPValues: previous,
    });
    expect(later.metrics[0]?.variants[1]?.comparison).toMatchObject({
      sequential: { pValue: 1e-6 },
    });
  });

  it('recognises no effect in a sequential experiment once every interval is inside the margin', () => {
    const def = definition({ sequential: { enabled: true }, minimumRelativeEffect: 0.05 });
    const big = [
      binary('a', 400_000, 40_000),
      binary('b', 200_000, 20_000),
      binary('c', 200_000, 20_010),
    ];
    const report = analyzeExperiment({
      definition: def,
      data: data({ conversion: big }),
      now: new Date('2024-01-10T00:00:00Z'),
    });
    expect(report.decision.recommendation).toBe('stop_no_effect');
  });

  it('applies CUPED to continuous metrics only, and tests ratio metrics sequentially too', () => {
    const def = definition({
      cupedPreWindowHours: 24,
      sequential: { enabled: true },
      metrics: [
        { name: 'revenue', kind: 'continuous', outcome: 'revenue' },
        { name: 'rpi', kind: 'ratio', numerator: 'revenue', denominator: 'items' },
      ],
    });
    const arm = (variant: string, shift: number): MetricSums => ({
      variant,
      n: 100,
      sumX: 1000 + shift,
      sumX2: 12_000 + 20 * shift,
      sumY: 200,
      sumY2: 500,
      sumXY: 2300,
      sumC: 900,
      sumC2: 10_000,
      sumXC: 10_500,
    });
    const sums = [arm('a', 0), arm('b', 50), arm('c', 0)];
    const report = analyzeExperiment({
      definition: def,
      data: data({ revenue: sums, rpi: sums }),
      now: NOW,
    });
    const revenue = report.metrics[0]?.variants[1]?.comparison;
    const rpi = report.metrics[1]?.variants[1]?.comparison;
    expect(revenue).toMatchObject({ status: 'ok', cupedTheta: expect.any(Number) });
    expect(rpi).toMatchObject({
      status: 'ok',
      cupedTheta: null,
      sequential: { pValue: expect.any(Number), absolute: { lower: expect.any(Number) } },
    });
  });
});
