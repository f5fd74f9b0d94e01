import { ident, sql } from '@ballast/clickhouse';
import type { ClickHouseClient } from '@clickhouse/client';
import { sequentialKey } from '../analysis/analyze-experiment';
import type { ExperimentReport } from '../analysis/report';
import { EXPERIMENT_RESULTS_TABLE, toResultRows } from './result-rows';

/** experiment_results: writes each analysis, and reads back what the next look needs. */
export class ResultsStore {
  constructor(private readonly clickhouse: ClickHouseClient) {}

  async write(report: ExperimentReport): Promise<number> {
    const values = toResultRows(report);
    await this.clickhouse.insert({
      table: EXPERIMENT_RESULTS_TABLE,
      values,
      format: 'JSONEachRow',
    });
    return values.length;
  }

  /**
   * The smallest sequential p-value of every earlier look, by metric and variant: the
   * always-valid p-value is the running minimum, which survives restarts this way.
   */
  async previousSequentialPValues(experimentId: string): Promise<Map<string, number>> {
    const query = sql`SELECT metric, variant, min(sequential_p_value) AS p
      FROM ${ident(EXPERIMENT_RESULTS_TABLE)}
      WHERE experiment_id = ${experimentId} AND isNotNull(sequential_p_value)
      GROUP BY metric, variant`;
    const rows = await (
      await this.clickhouse.query({ query: query.text, format: 'JSONEachRow' })
    ).json<{
      metric: string;
      variant: string;
      p: number;
    }>();
    return new Map(rows.map((r) => [sequentialKey(r.metric, r.variant), Number(r.p)]));
  }
}
