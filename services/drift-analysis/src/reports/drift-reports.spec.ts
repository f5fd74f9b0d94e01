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

function row(
  window: number,
  status: StoredResult['status'],
  method = 'jensen_shannon',
): StoredResult {
  return {
    monitor: 'm1',
    windowStart: new Date(t0 + window * H),
    windowEnd: new Date(t0 + (window + 1) * H),
    feature: 'color',
    method,
    value: status === 'drift' ? 0.4 : 0.01,
    threshold: 0.1,
    status,
    sampleSize: 100,
  };
}

function reports(stored: StoredResult[]) {
  return new DriftReports({
    monitors: [{ monitor, references, status: () => 'ok', lastWindowStart: () => undefined }],
    results: {
      read: async (_model: string, from: Date, to: Date) =>
        stored.filter((r) => r.windowStart >= from && r.windowStart < to),
    },
    leadInWindows: 3,
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

  it('carries in the status reached before the range, as a restarted service restores it', async () => {
    const before = [row(-2, 'drift'), row(-1, 'drift')];
    const report = await reports([...before, row(0, 'ok'), row(1, 'ok')]).report(range);
    // In alert at the range's start: clearing takes clearAfter (2) clean windows.
    expect(report.timeline.map((t) => t.status)).toEqual(['alert', 'ok']);
    expect(report.windows.map((w) => w.windowStart.getTime())).toEqual([t0, t0 + H]);
    // Windows before the lead-in (3 windows) are not replayed: one drift is a warning.
    const far = [row(-5, 'drift'), row(-4, 'drift')];
    const fresh = await reports([...far, row(0, 'drift')]).report(range);
    expect(fresh.timeline.map((t) => t.status)).toEqual(['warning']);
  });

  it("lets each window's drift method decide, not the PSI reported besides", async () => {
    const windows = [0, 1].flatMap((w) => [row(w, 'ok', 'chi_square'), row(w, 'drift', 'psi')]);
    const report = await reports(windows).report(range);
    expect(report.timeline.map((t) => t.status)).toEqual(['ok', 'ok']);
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
