import { ListMonitorsRequestSchema, type MonitorSummary } from '@ballast/contracts';
import { create } from '@bufbuild/protobuf';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { parseMonitors } from '../domain/monitor';
import { DriftReports } from '../reports/drift-reports';
import { driftHandlers } from './drift-handlers';

it('lists each monitor with its reference: a version profile, or a past window and the traffic version', async () => {
  const [profiled, windowed] = parseMonitors([
    { name: 'by-profile', model: 'shop', referenceVersion: '1' },
    {
      name: 'by-window',
      model: 'shop',
      trafficVersion: '2',
      reference: { window: { from: '2024-01-01T00:00:00Z', to: '2024-01-08T00:00:00Z' } },
    },
  ]);
  const reports = new DriftReports({
    monitors: [profiled!, windowed!].map((monitor) => ({
      monitor,
      references: [],
      status: () => 'ok' as const,
      lastWindowStart: () => undefined,
    })),
    results: { read: async () => [] },
    histograms: { features: async () => new Map() },
    leadInWindows: 0,
  });
  const { monitors } = await driftHandlers({ reports }).listMonitors(
    create(ListMonitorsRequestSchema),
    {} as never,
  );
  // The handler sets every field of each summary.
  const [first, second] = monitors as MonitorSummary[];
  expect(first).toMatchObject({ name: 'by-profile', referenceVersion: '1', trafficVersion: '' });
  expect(first?.referenceWindow).toBeUndefined();
  expect(second).toMatchObject({ name: 'by-window', referenceVersion: '', trafficVersion: '2' });
  const window = second?.referenceWindow;
  expect(window?.fromTime && timestampDate(window.fromTime).toISOString()).toBe(
    '2024-01-01T00:00:00.000Z',
  );
  expect(window?.toTime && timestampDate(window.toTime).toISOString()).toBe(
    '2024-01-08T00:00:00.000Z',
  );
});
