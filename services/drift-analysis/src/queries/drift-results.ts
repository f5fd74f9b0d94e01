/**
 * Writes a window's results to `drift_results` (migration 0002, documented in the
 * README): one row per feature and method, NaN value for insufficient data.
 */
import { TABLES, eventTime, ident, sql } from '@ballast/clickhouse';
import type { ClickHouseClient } from '@clickhouse/client';
import type { ResultSink } from '../domain/monitor-runner';
import { manifestVersion, type MonitorDefinition } from '../domain/monitor';
import type { WindowAnalysis } from '../domain/window-analysis';
import type { StoredResult } from '../reports/drift-reports';

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
    model_version: manifestVersion(monitor),
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
      table: TABLES.driftResults,
      values: driftResultRows(monitor, analysis, new Date()),
      format: 'JSONEachRow',
    });
  }
}

/** Reads the stored results of a model's (or one monitor's) windows starting in [from, to), oldest first. */
export class ClickHouseResultReader {
  constructor(private readonly clickhouse: ClickHouseClient) {}

  async read(model: string, from: Date, to: Date, monitor?: string): Promise<StoredResult[]> {
    const own = monitor === undefined ? sql`` : sql` AND monitor = ${monitor}`;
    const q = sql`SELECT monitor, toUInt32(window_start) AS start, toUInt32(window_end) AS end,
        feature, method, value, threshold, status, sample_size
      FROM ${ident(TABLES.driftResults)} FINAL
      WHERE model = ${model}${own} AND window_start >= ${from} AND window_start < ${to}
      ORDER BY monitor, window_start, feature, method`;
    const rows = await (
      await this.clickhouse.query({ query: q.text, format: 'JSONEachRow' })
    ).json<{
      monitor: string;
      start: number | string;
      end: number | string;
      feature: string;
      method: string;
      value: number | null;
      threshold: number;
      status: StoredResult['status'];
      sample_size: string;
    }>();
    return rows.map((r) => ({
      monitor: r.monitor,
      windowStart: new Date(Number(r.start) * 1000),
      windowEnd: new Date(Number(r.end) * 1000),
      feature: r.feature,
      method: r.method,
      // JSON carries nan as null.
      value: r.value ?? NaN,
      threshold: r.threshold,
      status: r.status,
      sampleSize: Number(r.sample_size),
    }));
  }

  /**
   * The monitor's results of its `windows` windows up to the one starting at `last`
   * (MonitorRunner.restore replays them after a restart).
   */
  async history(
    monitor: MonitorDefinition,
    options: { readonly last: Date; readonly windows: number },
  ): Promise<StoredResult[]> {
    const w = monitor.windowSeconds * 1000;
    const from = new Date(options.last.getTime() - (options.windows - 1) * w);
    return this.read(monitor.model, from, new Date(options.last.getTime() + w), monitor.name);
  }
}
