/**
 * Shared set-up of the feature logger's integration tests: a private ClickHouse
 * database with the platform's schema, consumer groups that start at the end of the
 * (shared) topics, events produced with a real producer, the built logger run as real
 * processes, and counts read through the analyst views.
 */
import { TABLES, createClickHouse, ensureDatabase, ident, migrate } from '@ballast/clickhouse';
import { PredictionEventSchema, Role } from '@ballast/contracts';
import { TOPICS, createKafka } from '@ballast/kafka';
import { createLogger } from '@ballast/telemetry';
import { ServiceProcess, consumerGroupAtEnd, stackFromEnv } from '@ballast/testing';
import { create, toBinary } from '@bufbuild/protobuf';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Kafka, Producer } from 'kafkajs';
import { randomUUID } from 'node:crypto';

export const stack = stackFromEnv();
export const quiet = createLogger({ service: 'feature-logger-test', level: 'error' });

export class TestBed {
  readonly database = `ballast_fl_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
  readonly kafka: Kafka = createKafka({
    clientId: 'fl-test',
    brokers: stack.KAFKA_BROKERS,
    logger: quiet,
  });
  clickhouse!: ClickHouseClient;
  private producer: Producer | undefined;
  private readonly loggers: ServiceProcess[] = [];

  async setUp(): Promise<void> {
    const options = { url: stack.CLICKHOUSE_URL, database: this.database };
    await ensureDatabase(options);
    this.clickhouse = createClickHouse(options);
    await migrate(this.clickhouse);
    this.producer = this.kafka.producer({ allowAutoTopicCreation: false });
    await this.producer.connect();
  }

  /** Stops every logger a test started, so none of them consumes the next test's events. */
  async stopLoggers(): Promise<void> {
    await Promise.all(this.loggers.splice(0).map((l) => l.stop().catch(() => undefined)));
  }

  async tearDown(): Promise<void> {
    await this.stopLoggers();
    await this.producer?.disconnect();
    await this.clickhouse?.command({
      query: `DROP DATABASE IF EXISTS ${ident(this.database).text}`,
    });
    await this.clickhouse?.close();
  }

  /** A consumer group that starts at the topics' current ends (see consumerGroupAtEnd). */
  groupAtEnd(): Promise<string> {
    return consumerGroupAtEnd(
      this.kafka,
      [TOPICS.predictions.name, TOPICS.outcomes.name],
      'fl-test',
    );
  }

  async startLogger(groupId: string, env: Record<string, string> = {}): Promise<ServiceProcess> {
    const logger = await ServiceProcess.start({
      entry: 'services/feature-logger/dist/main.js',
      readyMessage: 'feature logger ready',
      timeoutMs: 60_000,
      env: {
        KAFKA_BROKERS: stack.KAFKA_BROKERS.join(','),
        CLICKHOUSE_URL: stack.CLICKHOUSE_URL,
        CLICKHOUSE_DATABASE: this.database,
        FEATURE_LOGGER_GROUP_ID: groupId,
        FEATURE_LOGGER_BATCH_MS: '200',
        // Rebalances on the mock cluster wait out the session of a member that left.
        FEATURE_LOGGER_SESSION_TIMEOUT_MS: '10000',
        METRICS_PORT: '0',
        LOG_LEVEL: 'info',
        ...env,
      },
    });
    this.loggers.push(logger);
    return logger;
  }

  /** Sends raw messages to a topic, keyed, acknowledged by all replicas. */
  async send(topic: string, messages: { key: string; value: Buffer }[]): Promise<void> {
    await this.producer!.send({ topic, acks: -1, messages });
  }

  /**
   * Produces `count` prediction events of `model`, in chunks, optionally pausing
   * between chunks so a test can act while the stream flows. Returns the event ids.
   */
  async producePredictions(
    model: string,
    count: number,
    { chunk = 2_000, pauseMs = 0 }: { chunk?: number; pauseMs?: number } = {},
  ): Promise<void> {
    // One message object, re-encoded with each id: building a message per event
    // would make the producer, not the logger, the slow part of the test.
    const event = predictionEvent(model, 0, '');
    for (let start = 0; start < count; start += chunk) {
      const messages = [];
      for (let i = start; i < Math.min(count, start + chunk); i += 1) {
        event.eventId = `${model}-${i}`;
        event.requestId = `req-${i}`;
        event.unitId = `u-${i % 5_000}`;
        messages.push({
          key: event.unitId,
          value: Buffer.from(toBinary(PredictionEventSchema, event)),
        });
      }
      await this.send(TOPICS.predictions.name, messages);
      if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  }

  /** Events of `model` in the analyst view (each counted once), and distinct ids. */
  async counted(model: string): Promise<{ rows: number; distinct: number }> {
    const result = await this.clickhouse.query({
      query: `SELECT count() AS rows, uniqExact(event_id) AS distinct FROM ${TABLES.predictions} WHERE model = '${model}'`,
      format: 'JSONEachRow',
    });
    const [row] = await result.json<{ rows: string; distinct: string }>();
    return { rows: Number(row?.rows ?? 0), distinct: Number(row?.distinct ?? 0) };
  }
}

export function predictionEvent(model: string, i: number, unit: string) {
  return create(PredictionEventSchema, {
    eventId: `${model}-${i}`,
    eventTime: timestampFromMs(Date.now()),
    model: { name: model, version: '1', deployment: `${model}@1` },
    requestId: `req-${i}`,
    unitId: unit,
    role: Role.PRIMARY,
    numericFeatures: Array.from({ length: 10 }, (_, f) => ({
      name: `f${f}`,
      value: (i % 97) + f / 10,
    })),
    categoricalFeatures: [{ name: 'site', value: i % 2 === 0 ? 'left' : 'right' }],
    outputs: [{ name: 'probabilities', values: [0.3, 0.7] }],
    latencyMs: 1,
  });
}

export const uniqueModel = () => `it-${randomUUID().slice(0, 8)}`;
