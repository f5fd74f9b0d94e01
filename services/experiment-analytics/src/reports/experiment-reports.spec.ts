import type { ExperimentReport } from '../analysis/report';
import { parseExperimentDefinition } from '../domain/experiment-definition';
import {
  ExperimentReports,
  NotAnalysedError,
  UnknownExperimentError,
  type TimelineRow,
} from './experiment-reports';

const definition = parseExperimentDefinition({
  id: 'exp-a',
  model: 'm',
  variants: [
    { name: 'v1', weight: 0.5 },
    { name: 'v2', weight: 0.5 },
  ],
  controlVariant: 'v1',
  start: '2024-01-01T00:00:00Z',
  end: '2024-01-15T00:00:00Z',
  metrics: [{ name: 'conversion', kind: 'binary', outcome: 'converted' }],
});

const row: TimelineRow = {
  computedAt: new Date('2024-01-02T00:00:00Z'),
  metric: 'conversion',
  variant: 'v2',
  n: 10,
  lift: 0.1,
  liftLower: 0,
  liftUpper: 0.2,
  relativeLift: null,
  relativeLiftLower: null,
  relativeLiftUpper: null,
  adjustedPValue: 0.5,
};

describe('ExperimentReports', () => {
  const reports = new ExperimentReports([definition], { timeline: async () => [row] });

  it('names an unknown experiment, and one not analysed yet, with different errors', async () => {
    await expect(reports.report('nope')).rejects.toThrow(UnknownExperimentError);
    await expect(reports.report('exp-a')).rejects.toThrow(NotAnalysedError);
    expect(reports.list()).toEqual([{ definition, latest: undefined }]);
  });

  it('serves the latest recorded report with its timeline', async () => {
    const first = { experimentId: 'exp-a', computedAt: new Date(1) } as ExperimentReport;
    const second = { experimentId: 'exp-a', computedAt: new Date(2) } as ExperimentReport;
    reports.record(first);
    reports.record(second);
    await expect(reports.report('exp-a')).resolves.toEqual({ report: second, timeline: [row] });
    expect(reports.list()[0]?.latest).toBe(second);
  });
});
