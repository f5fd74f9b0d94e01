import type { MethodResult } from './feature-analysis';
import type { DriftAlertEvent, EarlierResult, WindowSource } from './monitor-runner';
import { MonitorRunner } from './monitor-runner';
import type { NumericReference } from './reference';
import { monitor, numericStats, references, spread } from '../../test/domain-fixtures';
import type { FeatureWindowStats } from './window-stats';

const [x, y] = references as [NumericReference, NumericReference];
const H = 3600_000;

/** Windows of 200 rows; feature y moved in the windows (by start) `shifted` names. */
function source(shifted: (window: number) => boolean): WindowSource {
  return {
    collect: async ({ start, end }) => {
      const shift = shifted(start.getTime() / H) ? 1 : 0;
      const features = new Map<string, FeatureWindowStats>([
        ['x', numericStats(x, spread(200), { withValues: true })],
        ['y', numericStats(y, spread(200, 10 + shift), { withValues: true })],
      ]);
      return {
        stats: { windowStart: start, windowEnd: end, rows: 200, features },
        recentVolumes: [200, 200, 200],
      };
    },
  };
}

function runner(
  shifted: (window: number) => boolean,
  alerts: DriftAlertEvent[],
  stored: EarlierResult[] = [],
) {
  return new MonitorRunner({
    monitor,
    references: references.slice(0, 2),
    source: source(shifted),
    results: {
      write: async (_, analysis) =>
        void stored.push(
          ...analysis.results.map((r) => ({ ...r, windowStart: analysis.windowStart })),
        ),
    },
    alerts: { publish: async (a) => void alerts.push(a) },
  });
}

async function run(windows: number, shiftFrom: number): Promise<DriftAlertEvent[]> {
  const alerts: DriftAlertEvent[] = [];
  const r = runner((w) => w >= shiftFrom, alerts);
  for (let i = 0; i < windows; i++) await r.runWindow(new Date(i * H));
  return alerts;
}

/** Stored rows of one window: y's drift (by `method`, with PSI besides) and a check. */
function storedWindow(
  window: number,
  yStatus: MethodResult['status'],
  method = 'ks',
): EarlierResult[] {
  const windowStart = new Date(window * H);
  return [
    { windowStart, feature: 'y', method, status: yStatus },
    { windowStart, feature: 'y', method: 'psi', status: 'ok' },
    { windowStart, feature: 'y', method: 'missing_rate', status: 'ok' },
    { windowStart, feature: '', method: 'drifted_share', status: 'ok' },
  ];
}

describe('MonitorRunner', () => {
  it('raises nothing over 20 windows of unshifted traffic', async () => {
    expect(await run(20, Infinity)).toEqual([]);
  });

  it('warns on the first shifted window and alerts on the second, naming the feature', async () => {
    const alerts = await run(7, 5);
    const y = alerts.filter((a) => a.feature === 'y');
    expect(y.map((a) => [a.severity, a.method, a.windowStart.getTime() / H])).toEqual([
      ['warning', 'ks', 5],
      ['alert', 'ks', 6],
    ]);
    expect(y[1]?.message).toMatch(/^model: feature y \(ks\)/);
  });

  it('restored after two alerting windows, stays in alert and clears only after clearAfter clean windows', async () => {
    const stored: EarlierResult[] = [];
    const before: DriftAlertEvent[] = [];
    const first = runner(() => true, before, stored);
    for (let i = 0; i < 2; i++) await first.runWindow(new Date(i * H));
    expect(before.filter((a) => a.feature === 'y').map((a) => a.severity)).toEqual([
      'warning',
      'alert',
    ]);

    const after: DriftAlertEvent[] = [];
    const restarted = runner((w) => w === 2, after);
    expect(restarted.restore([...stored].reverse())).toBe('alert');
    expect(restarted.status()).toBe('alert');
    await restarted.runWindow(new Date(2 * H));
    expect(after).toEqual([]);
    await restarted.runWindow(new Date(3 * H));
    expect(after).toEqual([]);
    await restarted.runWindow(new Date(4 * H));
    expect(after.map((a) => [a.severity, a.feature, a.windowStart.getTime() / H])).toEqual([
      ['resolved', 'y', 4],
      ['resolved', '', 4], // drifted_share: half the features had drifted
    ]);
  });

  it('restores from the stored rows alone: an alert kept through blips, a warning, or ok after a clean run', () => {
    const restore = (statuses: MethodResult['status'][], method?: string) =>
      runner(() => false, []).restore(statuses.flatMap((s, w) => storedWindow(w, s, method)));
    // Alert after two drifted windows; single clean windows and gaps of data do not clear it.
    expect(restore(['drift', 'drift', 'ok', 'drift', 'insufficient_data', 'ok'])).toBe('alert');
    expect(restore(['drift', 'drift', 'ok', 'ok'])).toBe('ok');
    expect(restore(['ok', 'drift'], 'wasserstein_normed')).toBe('warning');
    // PSI decides only when it is the window's drift method.
    expect(restore(['ok', 'ok'], 'psi')).toBe('ok');
    expect(restore([])).toBe('ok');
  });
});
