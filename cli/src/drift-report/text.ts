import type { GetDriftReportResponse, MethodResult } from '@ballast/contracts';
import { formatTable } from '../format/table';
import { formatTime } from '../format/time';

const value = (r: MethodResult) => (r.value === undefined ? '' : r.value.toPrecision(4));

/**
 * The terminal form: the model's status per window, then the latest window's results
 * (drift methods, then data quality) as a table.
 */
export function reportText(response: GetDriftReportResponse): string {
  const lines: string[] = [`Drift report: ${response.model}`];
  if (response.timeline.length > 0) {
    lines.push('', 'Status by window:');
    lines.push(
      formatTable(response.timeline, [
        { header: 'MONITOR', value: (t) => t.monitor },
        { header: 'WINDOW', value: (t) => formatTime(t.windowStart) },
        { header: 'STATUS', value: (t) => t.status },
        { header: 'DRIFTED', value: (t) => t.driftedFeatures },
      ]).trimEnd(),
    );
  }
  const latest = response.windows[response.windows.length - 1];
  if (latest) {
    lines.push(
      '',
      `Window ${formatTime(latest.windowStart)} to ${formatTime(latest.windowEnd)} (${latest.monitor}):`,
    );
    lines.push(
      formatTable(
        [...latest.drift, ...latest.quality],
        [
          { header: 'FEATURE', value: (r) => r.feature || '(dataset)' },
          { header: 'METHOD', value: (r) => r.method },
          { header: 'VALUE', value, align: 'right' },
          { header: 'THRESHOLD', value: (r) => r.threshold, align: 'right' },
          { header: 'STATUS', value: (r) => r.status },
          { header: 'N', value: (r) => r.sampleSize },
        ],
      ).trimEnd(),
    );
  }
  return `${lines.join('\n')}\n`;
}
