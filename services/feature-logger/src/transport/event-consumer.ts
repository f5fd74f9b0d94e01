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
import type { EventRow, EventSink } from '../domain/event-sink';
import {
  decodeOutcome,
  decodePrediction,
  type OutcomeFields,
  type PredictionFields,
} from '../domain/event-wire';
import { RowBinaryWriter } from '../domain/row-binary';

/**
 * Turns a message of the predictions or outcomes topic into its row, or throws
 * PoisonMessageError. The consumer decodes one message at a time, so one decoder
 * reuses one set of fields per kind of event and writes every row into one
 * RowBinaryWriter.
 */
export function eventDecoder(): (value: Buffer, topic: string) => EventRow {
  const out = new RowBinaryWriter();
  let prediction: PredictionFields | undefined;
  let outcome: OutcomeFields | undefined;
  return (value, topic) => {
    try {
      if (topic === TOPICS.predictions.name) {
        prediction = decodePrediction(value, prediction);
        return { table: TABLES.predictionEvents, row: predictionRow(prediction, out) };
      }
      if (topic === TOPICS.outcomes.name) {
        outcome = decodeOutcome(value, outcome);
        return { table: TABLES.outcomeEvents, row: outcomeRow(outcome, out) };
      }
    } catch (error) {
      throw new PoisonMessageError(
        `not a valid ${topic === TOPICS.predictions.name ? 'PredictionEvent' : 'OutcomeEvent'}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    throw new PoisonMessageError(`the feature logger does not read topic ${topic}`);
  };
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
  const decode = eventDecoder();
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
    decode: (value, _message, topic) => decode(value, topic),
    handle: (messages) => options.sink.store(messages.map((m) => m.value)),
  });
}
