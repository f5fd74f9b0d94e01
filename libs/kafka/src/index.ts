/**
 * @ballast/kafka: topic names, a non-blocking batching producer and an at-least-once
 * consumer runner with a dead-letter topic, over KafkaJS.
 *
 * @example
 * import { createKafka, EventProducer, ConsumerRunner, PoisonMessageError, TOPICS } from '@ballast/kafka';
 * const kafka = createKafka({ clientId: 'router', brokers: config.KAFKA_BROKERS, logger });
 * const producer = new EventProducer({ kafka, logger, registry });
 * await producer.start();
 * producer.send({ topic: TOPICS.predictions.name, key: unitId, value: bytes }); // never blocks
 */
export type { CatchUpOptions } from './caught-up';
export { waitUntilCaughtUp } from './caught-up';
export type { KafkaClientOptions } from './client';
export { createKafka } from './client';
export type { ConsumedMessage, ConsumerRunnerOptions } from './consumer';
export { ConsumerRunner, PoisonMessageError } from './consumer';
export { DLQ_HEADERS } from './headers';
export type { EventProducerOptions, OutgoingMessage } from './producer';
export { EventProducer } from './producer';
export type { TopicKind, TopicName } from './topics';
export { InvalidTopicNameError, TOPICS, parseTopicName, topicName } from './topics';
