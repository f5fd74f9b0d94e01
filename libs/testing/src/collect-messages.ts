import type { Kafka } from 'kafkajs';

export interface CollectedMessages<T> {
  /** Every message kept so far, in the order consumed. */
  readonly messages: T[];
  stop(): Promise<void>;
}

/**
 * Reads `topic` from its beginning in a consumer group of its own, and keeps each
 * message that `keep` accepts once `decode` turned its value into a T: for tests that
 * wait for what a service publishes. `stop` disconnects the consumer.
 */
export async function collectMessages<T>(
  kafka: Kafka,
  options: {
    groupId: string;
    topic: string;
    decode: (value: Buffer) => T;
    keep?: (message: T) => boolean;
  },
): Promise<CollectedMessages<T>> {
  const messages: T[] = [];
  const consumer = kafka.consumer({ groupId: options.groupId, maxWaitTimeInMs: 500 });
  await consumer.connect();
  await consumer.subscribe({ topic: options.topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const decoded = options.decode(message.value ?? Buffer.alloc(0));
      if (options.keep?.(decoded) ?? true) messages.push(decoded);
    },
  });
  return { messages, stop: () => consumer.disconnect() };
}
