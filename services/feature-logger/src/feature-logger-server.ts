import { TABLES, createClickHouse, ident, insertSettings } from '@ballast/clickhouse';
import { TOPICS, createKafka, type ConsumerRunner } from '@ballast/kafka';
import {
  createMetricsRegistry,
  startMetricsServer,
  type Logger,
  type MetricsServer,
} from '@ballast/telemetry';
import type { ClickHouseClient, ClickHouseSettings } from '@clickhouse/client';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { FeatureLoggerConfig } from './config';
import { OUTCOME_COLUMNS, PREDICTION_COLUMNS } from './domain/event-rows';
import { EventSink, type EventRow } from './domain/event-sink';
import { chunksOf, type RowBytes } from './domain/row-binary';
import { InsertMetrics } from './metrics';
import { eventConsumer } from './transport/event-consumer';
import { LagMonitor } from './transport/lag-monitor';

const COLUMNS = {
  [TABLES.predictionEvents]: PREDICTION_COLUMNS,
  [TABLES.outcomeEvents]: OUTCOME_COLUMNS,
};

/**
 * The feature logger process: one Kafka consumer (group member) over the predictions
 * and outcomes topics, one ClickHouse client, the sink that batches rows into inserts,
 * consumer-lag polling and /metrics.
 */
export class FeatureLoggerServer {
  private readonly clickhouse: ClickHouseClient;
  private readonly sink: EventSink;
  private readonly consumer: ConsumerRunner<EventRow>;
  private readonly lag: LagMonitor;
  private readonly registry = createMetricsRegistry('feature-logger');
  private metricsServer: MetricsServer | undefined;
  private ready = false;

  constructor(
    private readonly config: FeatureLoggerConfig,
    private readonly logger: Logger,
  ) {
    this.clickhouse = createClickHouse({
      url: config.CLICKHOUSE_URL,
      database: config.CLICKHOUSE_DATABASE,
      username: config.CLICKHOUSE_USER,
      password: config.CLICKHOUSE_PASSWORD,
      maxOpenConnections: 4,
      requestTimeoutMs: 60_000,
    });
    const metrics = new InsertMetrics(this.registry);
    // Read from the server at the first insert (it may be down at start), once it answers.
    let settings: Promise<ClickHouseSettings> | undefined;
    const settingsOnce = () =>
      (settings ??= insertSettings(this.clickhouse).catch((error: unknown) => {
        settings = undefined;
        throw error;
      }));
    // The rows are RowBinary already (event-rows.ts): the body is their bytes.
    const insert = (table: EventRow['table']) => {
      const query = `INSERT INTO ${ident(table).text} (${COLUMNS[table].join(', ')}) FORMAT RowBinary`;
      return metrics.timed(table, async (rows: RowBytes[]) => {
        const result = await this.clickhouse.exec({
          query,
          values: Readable.from(chunksOf(rows), { objectMode: false }),
          clickhouse_settings: await settingsOnce(),
        });
        result.stream.resume();
        await finished(result.stream);
      });
    };
    const inserts = {
      [TABLES.predictionEvents]: insert(TABLES.predictionEvents),
      [TABLES.outcomeEvents]: insert(TABLES.outcomeEvents),
    };
    this.sink = new EventSink({
      insert: (table, rows) => inserts[table](rows),
      batch: {
        maxRows: config.FEATURE_LOGGER_BATCH_ROWS,
        maxBytes: config.FEATURE_LOGGER_BATCH_BYTES,
        maxDelayMs: config.FEATURE_LOGGER_BATCH_MS,
        maxInFlight: 2,
        maxBufferedRows: config.FEATURE_LOGGER_MAX_BUFFERED_ROWS,
      },
      onRetry: (table, error, attempt) => {
        metrics.retried(table);
        logger.warn('insert failed; retrying', { table, attempt, error: error as Error });
      },
    });
    const kafka = createKafka({
      clientId: 'feature-logger',
      brokers: config.KAFKA_BROKERS,
      logger,
    });
    this.consumer = eventConsumer({
      kafka,
      groupId: config.FEATURE_LOGGER_GROUP_ID,
      sink: this.sink,
      logger,
      registry: this.registry,
      partitionsConsumedConcurrently: config.FEATURE_LOGGER_CONCURRENT_PARTITIONS,
      maxBytesPerPartition: config.FEATURE_LOGGER_MAX_BYTES_PER_PARTITION,
      fetchMaxWaitMs: config.FEATURE_LOGGER_FETCH_MAX_WAIT_MS,
      sessionTimeoutMs: config.FEATURE_LOGGER_SESSION_TIMEOUT_MS,
    });
    this.lag = new LagMonitor({
      kafka,
      groupId: config.FEATURE_LOGGER_GROUP_ID,
      topics: [TOPICS.predictions.name, TOPICS.outcomes.name],
      registry: this.registry,
      logger,
    });
  }

  get metricsPort(): number | undefined {
    return this.metricsServer?.port;
  }

  async start(): Promise<void> {
    this.metricsServer = await startMetricsServer({
      registry: this.registry,
      port: this.config.METRICS_PORT,
      healthy: () => this.ready,
    });
    await this.consumer.start();
    await this.lag.start();
    this.ready = true;
    this.logger.info('feature logger ready', {
      groupId: this.config.FEATURE_LOGGER_GROUP_ID,
      metricsPort: this.metricsServer.port,
    });
  }

  /**
   * Stops consuming, inserts and commits what it holds (for up to the grace period;
   * rows it cannot store by then stay uncommitted and come again), leaves the group.
   */
  async stop(): Promise<void> {
    this.ready = false;
    const grace = setTimeout(() => this.sink.stop(), this.config.FEATURE_LOGGER_STOP_GRACE_MS);
    const flushing = this.sink.flush();
    await this.consumer.stop();
    await flushing;
    clearTimeout(grace);
    await this.lag.stop();
    await this.clickhouse.close();
    await this.metricsServer?.close();
    this.logger.info('feature logger stopped');
  }
}
