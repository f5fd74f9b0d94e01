import { parseMonitors } from '../domain/monitor';
import type { FeatureReference } from '../domain/reference';
import {
  DriftReports,
  ReportRequestError,
  UnknownModelError,
  type StoredResult,
} from './drift-reports';

const monitor = parseMonitors([{ name: 'm1', model: 'shop', referenceVersion: '1' }])[0]!;
const references: FeatureReference[] = [
  { type: 'categorical', name: 'color', missingRate: 0, frequencies: { red: 5, blue: 5 } },
];
const H = 3_600_000;
const t0 = Date.UTC(2024, 0, 1);

function row(window: number, status: StoredResult['status']): StoredResult {
  return {
    monitor: 'm1',
    windowStart: new Date(t0 + window * H),
    windowEnd: new Date(t0 + (window + 1) * H),
    feature: 'color',
    method: 'jensen_shannon',
    value: status === 'drift' ? 0.4 : 0.01,
    threshold: 0.1,
    status,
    sampleSize: 100,
  };
}

function reports(stored: StoredResult[]) {
  return new DriftReports({
    monitors: [{ monitor, references, status: () => 'ok', lastWindowStart: () => undefined }],
    results: { read: async () => stored },
    histograms: {
      features: async () =>
        new Map([['color', { type: 'categorical', rows: 3, missing: 0, counts: { green: 3 } }]]),
    },
  });
}

const range = { model: 'shop', from: new Date(t0), to: new Date(t0 + 10 * H), features: [] };

describe('DriftReports', () => {
  it('replays the hysteresis over the stored windows and histograms the latest one', async () => {
    const report = await reports([row(0, 'ok'), row(1, 'drift'), row(2, 'drift')]).report(range);
    expect(report.windows.map((w) => w.drift.length)).toEqual([1, 1, 1]);
    expect(report.timeline.map((t) => t.status)).toEqual(['ok', 'warning', 'alert']);
    expect(report.timeline.map((t) => t.driftedFeatures)).toEqual([0, 1, 1]);
    expect(report.histograms).toEqual([
      expect.objectContaining({
        feature: 'color',
        labels: ['blue', 'green', 'red'],
        reference: [5, 0, 5],
        current: [0, 3, 0],
      }),
    ]);
  });

  it('answers a range without windows with insufficient_data rows', async () => {
    const report = await reports([]).report(range);
    expect(report.windows).toHaveLength(1);
    expect(report.windows[0]?.drift.map((r) => r.status)).toEqual(['insufficient_data']);
    expect(report.histograms).toEqual([]);
  });

  it('refuses an unknown model, an unmonitored feature and a reversed range, naming the field', async () => {
    const r = reports([]);
    await expect(r.report({ ...range, model: 'nope' })).rejects.toThrow(UnknownModelError);
    await expect(r.report({ ...range, features: ['size'] })).rejects.toThrow(
      new ReportRequestError('features[0]: "size" is not monitored for shop'),
    );
    await expect(r.report({ ...range, from: range.to, to: range.from })).rejects.toThrow(
      /^from_time: /,
    );
  });
});
