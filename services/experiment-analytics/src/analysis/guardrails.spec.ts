import { compareProportions } from '@ballast/stats';
import { parseExperimentDefinition } from '../domain/experiment-definition';
import type { ServingStats } from '../queries/guardrails';
import { checkGuardrails } from './guardrails';
import type { GuardrailCheck } from './report';

const def = (guardrails: Record<string, unknown>) =>
  parseExperimentDefinition({
    id: 'exp',
    model: 'm',
    variants: [
      { name: 'a', weight: 0.5 },
      { name: 'b', weight: 0.5 },
    ],
    controlVariant: 'a',
    start: '2024-01-01T00:00:00Z',
    end: '2024-01-20T00:00:00Z',
    metrics: [{ name: 'conversion', kind: 'binary', outcome: 'converted' }],
    alpha: 0.05,
    guardrails,
  });

const stats = (variant: string, requests: number, errors: number): ServingStats => ({
  variant,
  requests,
  errors,
  latencyMean: requests > errors ? 5 : 0,
  latencyP95: requests > errors ? 10 : 0,
  scoreN: 0,
  scoreSum: 0,
  scoreSumSquares: 0,
});

function errorRate(limit: number, serving: ServingStats[]): GuardrailCheck {
  const checks = checkGuardrails({
    def: def({ errorRateMaxIncrease: limit }),
    serving,
    metrics: [],
  });
  expect(checks).toHaveLength(1);
  return checks[0]!;
}

describe('error_rate guardrail', () => {
  it('is violated when the increase is over the limit and significant (one-sided z-test)', () => {
    const check = errorRate(0.01, [stats('a', 1000, 10), stats('b', 1000, 50)]);
    const test = compareProportions({
      control: { n: 1000, successes: 10 },
      treatment: { n: 1000, successes: 50 },
      alternative: 'greater',
      alpha: 0.05,
    });
    expect(test.status === 'ok' && test.pValue < 1e-6).toBe(true);
    expect(check).toMatchObject({
      variant: 'b',
      guardrail: 'error_rate',
      control: 0.01,
      treatment: 0.05,
      violated: true,
      status: 'ok',
      pValue: test.status === 'ok' ? test.pValue : NaN,
    });
    expect(check.reason).toContain('error rate 5.0% vs 1.0%');
  });

  it('is respected when the increase is significant but within the limit', () => {
    expect(errorRate(0.05, [stats('a', 1000, 10), stats('b', 1000, 50)]).violated).toBe(false);
  });

  it('is respected when the increase is over the limit but not significant', () => {
    const check = errorRate(0.01, [stats('a', 20, 0), stats('b', 20, 1)]);
    expect(check).toMatchObject({ treatment: 0.05, violated: false, status: 'ok' });
    expect(check.pValue).toBeGreaterThan(0.05);
  });

  it('is respected, without NaN, when neither variant has an error', () => {
    const check = errorRate(0.01, [stats('a', 500, 0), stats('b', 500, 0)]);
    expect(check).toMatchObject({ control: 0, treatment: 0, violated: false, status: 'ok' });
    expect(check.pValue).toBeNull();
  });

  it.each([
    ['the treatment has no requests', [stats('a', 500, 5)], 0.01, null],
    ['the control has no requests', [stats('a', 0, 0), stats('b', 500, 5)], null, 0.01],
    ['neither has requests', [], null, null],
  ])('has insufficient data when %s', (_, serving, control, treatment) => {
    expect(errorRate(0.01, serving)).toMatchObject({
      control,
      treatment,
      violated: false,
      status: 'insufficient_data',
      pValue: null,
    });
  });

  it('has insufficient data when every request failed in both variants', () => {
    expect(errorRate(0.01, [stats('a', 50, 50), stats('b', 50, 50)])).toMatchObject({
      control: 1,
      treatment: 1,
      violated: false,
      status: 'insufficient_data',
    });
  });

  it('is not checked unless configured', () => {
    const checks = checkGuardrails({
      def: def({}),
      serving: [stats('a', 1000, 10), stats('b', 1000, 500)],
      metrics: [],
    });
    expect(checks).toEqual([]);
  });
});

describe('latency_p95_ms guardrail with failed requests', () => {
  it('needs answered requests in both variants', () => {
    const checks = checkGuardrails({
      def: def({ latencyP95MaxIncrease: 0.2 }),
      serving: [stats('a', 100, 0), stats('b', 30, 30)],
      metrics: [],
    });
    expect(checks).toEqual([
      expect.objectContaining({ guardrail: 'latency_p95_ms', violated: false, treatment: 0 }),
    ]);
    expect(checks[0]!.reason).toBe('not enough requests to compare');
  });
});
