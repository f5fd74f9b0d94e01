/**
 * The Kafka side of the feature logger: decodes events from the predictions and
 * outcomes topics into rows (a message that does not decode or validate is poison and
 * goes to the dead-letter topic) and hands each fetched batch to the sink. The
 * ConsumerRunner commits a batch's offsets only after the sink stored its rows, and
 * retries the batch with backoff while ClickHouse fails.
 */
import { TABLES } from '@ballast/clickhouse';
import { ConsumerRunner, PoisonMessageError, TOPICS } from '@ballast/kafka';
import type { Logger } from '@ballast/telemetry';
import type { Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import { outcomeRow, predictionRow } from '../domain/event-rows';
import { decodeOutcome, decodePrediction } from '../domain/event-wire';
import { outcomeLine, predictionLine } from '../domain/row-json';
import type { EventRow, EventSink } from '../domain/event-sink';

export function decodeEvent(value: Buffer, topic: string): EventRow {
  try {
    if (topic === TOPICS.predictions.name)
      return {
        table: TABLES.predictionEvents,
        line: predictionLine(predictionRow(decodePrediction(value))),
      };
    if (topic === TOPICS.outcomes.name)
      return {
        table: TABLES.outcomeEvents,
        line: outcomeLine(outcomeRow(decodeOutcome(value))),
      };
  } catch (error) {
    throw new PoisonMessageError(
      `not a valid ${topic === TOPICS.predictions.name ? 'PredictionEvent' : 'OutcomeEvent'}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  throw new PoisonMessageError(`the feature logger does not read topic ${topic}`);
}

export interface EventConsumerOptions {
  kafka: Kafka;
  groupId: string;
  sink: EventSink;
  logger: Logger;
  registry: Registry;
  partitionsConsumedConcurrently: number;
  maxBytesPerPartition: number;
  /** How long the broker may hold a fetch that finds no new events. */
  fetchMaxWaitMs: number;
  /** How long the group waits for a silent member before handing its partitions over. */
  sessionTimeoutMs: number;
}

export function eventConsumer(options: EventConsumerOptions): ConsumerRunner<EventRow> {
  return new ConsumerRunner<EventRow>({
    kafka: options.kafka,
    groupId: options.groupId,
    topics: [TOPICS.predictions.name, TOPICS.outcomes.name],
    logger: options.logger,
    registry: options.registry,
    fromBeginning: true,
    partitionsConsumedConcurrently: options.partitionsConsumedConcurrently,
    retryBackoffMs: { min: 250, max: 5_000 },
    consumerConfig: {
      maxBytesPerPartition: options.maxBytesPerPartition,
      maxWaitTimeInMs: options.fetchMaxWaitMs,
      sessionTimeout: options.sessionTimeoutMs,
      // A third of the session, as Kafka recommends.
      heartbeatInterval: Math.max(1_000, Math.floor(options.sessionTimeoutMs / 3)),
    },
    decode: (value, _message, topic) => decodeEvent(value, topic),
    handle: (messages) => options.sink.store(messages.map((m) => m.value)),
  });
}
