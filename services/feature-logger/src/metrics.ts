import { metricName } from '@ballast/telemetry';
import { Counter, Histogram, type Registry } from 'prom-client';

/** The feature logger's insert metrics (consumer metrics come from @ballast/kafka). */
export class InsertMetrics {
  private readonly rows: Counter<'table'>;
  private readonly batches: Counter<'table' | 'outcome'>;
  private readonly latency: Histogram<'table'>;
  private readonly retries: Counter<'table'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.rows = new Counter({
      name: metricName('feature_logger', 'rows_inserted_total'),
      help: 'Rows inserted into ClickHouse, by table',
      labelNames: ['table'],
      registers,
    });
    this.batches = new Counter({
      name: metricName('feature_logger', 'inserts_total'),
      help: 'ClickHouse inserts, by table and outcome (ok or error)',
      labelNames: ['table', 'outcome'],
      registers,
    });
    this.latency = new Histogram({
      name: metricName('feature_logger', 'insert_duration_seconds'),
      help: 'Time of one ClickHouse insert',
      labelNames: ['table'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.retries = new Counter({
      name: metricName('feature_logger', 'insert_retries_total'),
      help: 'Failed ClickHouse inserts retried (ClickHouse down or refusing)',
      labelNames: ['table'],
      registers,
    });
  }

  retried(table: string): void {
    this.retries.inc({ table });
  }

  /** Wraps an insert function so each call is timed and counted. */
  timed<R>(table: string, insert: (rows: R[]) => Promise<void>): (rows: R[]) => Promise<void> {
    return async (rows) => {
      const stop = this.latency.startTimer({ table });
      try {
        await insert(rows);
        this.rows.inc({ table }, rows.length);
        this.batches.inc({ table, outcome: 'ok' });
      } catch (error) {
        this.batches.inc({ table, outcome: 'error' });
        throw error;
      } finally {
        stop();
      }
    };
  }
}
