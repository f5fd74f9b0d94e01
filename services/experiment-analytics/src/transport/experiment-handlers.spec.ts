import { ExperimentReportSchema } from '@ballast/contracts';
import { create } from '@bufbuild/protobuf';
import type { ExperimentReport } from '../analysis/report';
import { reportMessage } from './experiment-handlers';

const report: ExperimentReport = {
  experimentId: 'exp-a',
  model: 'm',
  computedAt: new Date('2024-01-02T03:04:05Z'),
  controlVariant: 'v1',
  variants: [
    { name: 'v1', weight: 0.5, units: 10 },
    { name: 'v2', weight: 0.5, units: 12 },
  ],
  unitsInSeveralVariants: 1,
  srm: { status: 'ok', pValue: 0.67, mismatch: false, observed: [10, 12], expected: [11, 11] },
  metrics: [
    {
      metric: 'revenue',
      kind: 'continuous',
      goal: 'increase',
      guardrail: false,
      variants: [
        { variant: 'v1', n: 10, mean: 0, comparison: null },
        {
          variant: 'v2',
          n: 12,
          mean: 1.5,
          comparison: {
            status: 'ok',
            absolute: { estimate: 1.5, lower: 0.5, upper: 2.5 },
            relative: null,
            pValue: 0.01,
            sequential: null,
            adjustedPValue: 0.02,
            significant: true,
            verdict: 'better',
            cupedTheta: null,
          },
        },
      ],
    },
  ],
  guardrails: [],
  final: true,
  decision: { recommendation: 'ship', variant: 'v2', reason: 'v2 is better' },
};

describe('reportMessage', () => {
  it('maps the report, leaving out what the data cannot support instead of sending 0', () => {
    const message = create(ExperimentReportSchema, reportMessage(report));
    expect(message.srm).toMatchObject({ status: 'ok', pValue: 0.67, observed: [10n, 12n] });
    const [control, treatment] = message.metrics[0]?.variants ?? [];
    expect(control?.comparison).toBeUndefined();
    expect(treatment?.comparison).toMatchObject({
      absolute: { estimate: 1.5, lower: 0.5, upper: 2.5 },
      adjustedPValue: 0.02,
      verdict: 'better',
    });
    expect(treatment?.comparison?.relative).toBeUndefined();
    expect(treatment?.comparison?.sequentialPValue).toBeUndefined();
    expect(treatment?.comparison?.cupedTheta).toBeUndefined();
    expect(message.decision).toMatchObject({ recommendation: 'ship', variant: 'v2' });
    expect(message.unitsInSeveralVariants).toBe(1n);
  });
});
