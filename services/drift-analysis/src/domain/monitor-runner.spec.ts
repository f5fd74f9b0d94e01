import type { DriftAlertEvent, WindowSource } from './monitor-runner';
import { MonitorRunner } from './monitor-runner';
import type { NumericReference } from './reference';
import { monitor, numericStats, references, spread } from '../../test/domain-fixtures';
import type { FeatureWindowStats } from './window-stats';

const [x, y] = references as [NumericReference, NumericReference];
const H = 3600_000;

/** Windows of 200 rows; `shiftY` moves feature y from the given window on. */
function source(shiftFrom: number): WindowSource {
  let window = 0;
  return {
    collect: async ({ start, end }) => {
      const shift = window++ >= shiftFrom ? 1 : 0;
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

async function run(windows: number, shiftFrom: number): Promise<DriftAlertEvent[]> {
  const alerts: DriftAlertEvent[] = [];
  const runner = new MonitorRunner({
    monitor,
    references: references.slice(0, 2),
    source: source(shiftFrom),
    results: { write: async () => undefined },
    alerts: { publish: async (a) => void alerts.push(a) },
  });
  for (let i = 0; i < windows; i++) await runner.runWindow(new Date(i * H));
  return alerts;
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
});
