/** Names of the Kafka headers Ballast sets itself (trace context uses the W3C names). */
export const DLQ_HEADERS = {
  /** Why the message could not be processed. */
  reason: 'ballast-dlq-reason',
  /** Where it came from: topic, partition, offset, consumer group. */
  topic: 'ballast-dlq-topic',
  partition: 'ballast-dlq-partition',
  offset: 'ballast-dlq-offset',
  group: 'ballast-dlq-group',
} as const;
