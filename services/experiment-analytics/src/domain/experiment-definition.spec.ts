import { ExperimentDefinitionError, parseExperimentDefinition } from './experiment-definition';
import { parseExperimentList } from './experiments-file';

const valid = {
  id: 'exp-1',
  model: 'breast-cancer',
  variants: [
    { name: 'v1', weight: 0.5 },
    { name: 'v2', weight: 0.5 },
  ],
  controlVariant: 'v1',
  start: '2024-01-01T00:00:00Z',
  end: '2024-01-15T00:00:00Z',
  metrics: [{ name: 'conversion', kind: 'binary', outcome: 'converted' }],
};

function errorOf(value: unknown): ExperimentDefinitionError {
  try {
    parseExperimentDefinition(value);
  } catch (error) {
    if (error instanceof ExperimentDefinitionError) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('parseExperimentDefinition', () => {
  it('fills the documented defaults', () => {
    const def = parseExperimentDefinition(valid);
    expect(def).toMatchObject({
      alpha: 0.05,
      correction: 'holm',
      sequential: { enabled: false, tuningSampleSize: 5000 },
      attributionWindowMs: 24 * 3_600_000,
      cupedPreWindowMs: 0,
      guardrails: {},
    });
    expect(def.metrics[0]).toMatchObject({ goal: 'increase', guardrail: false });
  });

  it.each([
    [
      {
        variants: [
          { name: 'v1', weight: 0.5 },
          { name: 'v2', weight: 0.4 },
        ],
      },
      'variants',
      'weights must sum to 1',
    ],
    [
      {
        variants: [
          { name: 'v1', weight: 0.5 },
          { name: 'v1', weight: 0.5 },
        ],
      },
      'variants',
      'unique',
    ],
    [{ variants: [{ name: 'v1', weight: 1 }] }, 'variants', 'at least 2'],
    [{ controlVariant: 'v3' }, 'controlVariant', 'not one of the variants'],
    [{ end: '2023-12-31T00:00:00Z' }, 'end', 'after start'],
    [{ start: 'yesterday' }, 'start', 'ISO 8601'],
    [{ alpha: 1.5 }, 'alpha', 'must be in (0, 1)'],
    [{ correction: 'bonferroni' }, 'correction', 'holm, benjamini-hochberg'],
    [
      { metrics: [{ name: 'm', kind: 'ratio', numerator: 'revenue' }] },
      'metrics[0].denominator',
      'characters',
    ],
    [
      { metrics: [{ name: 'm', kind: 'binary', outcome: 'x', guardrail: true }] },
      'metrics',
      'not be a guardrail',
    ],
    [{ model: "x'; DROP TABLE" }, 'model', 'characters'],
    [
      { guardrails: { score: { output: 'p', index: 1.5, maxMeanShift: 0.1 } } },
      'guardrails.score.index',
      'integer',
    ],
    [{ guardrails: { errorRateMaxIncrease: -0.01 } }, 'guardrails.errorRateMaxIncrease', '[0, 1]'],
    [{ guardrails: { errorRateMaxIncrease: 1.5 } }, 'guardrails.errorRateMaxIncrease', '[0, 1]'],
    [{ guardrails: { errorRateMaxIncrease: '1%' } }, 'guardrails.errorRateMaxIncrease', 'finite'],
  ])('rejects %j naming %s', (override, field, reason) => {
    const error = errorOf({ ...valid, ...override });
    expect(error.field).toBe(field);
    expect(error.reason).toContain(reason);
  });

  it('names the position of a bad experiment in a list, and refuses repeated ids', () => {
    expect(() => parseExperimentList([valid, { ...valid, id: 'b', alpha: 0 }])).toThrow(
      'experiments[1].alpha: must be in (0, 1), got 0',
    );
    expect(() => parseExperimentList([valid, valid])).toThrow('experiment id exp-1 appears twice');
  });
});
