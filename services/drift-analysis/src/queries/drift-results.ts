/**
 * Writes a window's results to `drift_results` (migration 0002, documented in the
 * README): one row per feature and method, NaN value for insufficient data.
 */
import { eventTime } from '@ballast/clickhouse';
import type { ClickHouseClient } from '@clickhouse/client';
import type { ResultSink } from '../domain/monitor-runner';
import type { MonitorDefinition } from '../domain/monitor';
import type { WindowAnalysis } from '../domain/window-analysis';

export const DRIFT_RESULTS_TABLE = 'drift_results';

export interface DriftResultRow {
  window_start: string;
  window_end: string;
  monitor: string;
  model: string;
  model_version: string;
  feature: string;
  method: string;
  value: number;
  threshold: number;
  status: string;
  sample_size: number;
  computed_at: string;
}

export function driftResultRows(
  monitor: MonitorDefinition,
  analysis: WindowAnalysis,
  computedAt: Date,
): DriftResultRow[] {
  const at = (d: Date) => eventTime(d.getTime()).event_time;
  return analysis.results.map((r) => ({
    window_start: at(analysis.windowStart),
    window_end: at(analysis.windowEnd),
    monitor: monitor.name,
    model: monitor.model,
    model_version: monitor.referenceVersion,
    feature: r.feature,
    method: r.method,
    value: r.value,
    threshold: r.threshold,
    status: r.status,
    sample_size: r.sampleSize,
    computed_at: at(computedAt),
  }));
}

export class ClickHouseResultSink implements ResultSink {
  constructor(private readonly clickhouse: ClickHouseClient) {}

  async write(monitor: MonitorDefinition, analysis: WindowAnalysis): Promise<void> {
    await this.clickhouse.insert({
      table: DRIFT_RESULTS_TABLE,
      values: driftResultRows(monitor, analysis, new Date()),
      format: 'JSONEachRow',
    });
  }
}
