import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';

/**
 * Creates a consumer group whose committed offsets are the topics' current ends, so a
 * consumer started in it reads only what is produced next, not every earlier test's
 * or benchmark's messages on the shared topics. Returns the group id.
 *
 * The mock cluster does not take the admin API's offset commits, so a short-lived
 * member of the group commits them; its short session lets the broker forget it
 * quickly, so the next member's join does not wait out a long timeout.
 */
export async function consumerGroupAtEnd(
  kafka: Kafka,
  topics: string[],
  prefix = 'test',
): Promise<string> {
  const groupId = `${prefix}-${randomUUID().slice(0, 8)}`;
  const admin = kafka.admin();
  await admin.connect();
  const ends = await Promise.all(
    topics.map(async (topic) => ({ topic, offsets: await admin.fetchTopicOffsets(topic) })),
  );
  await admin.disconnect();
  const consumer = kafka.consumer({ groupId, sessionTimeout: 6_000, heartbeatInterval: 1_000 });
  await consumer.connect();
  const joined = new Promise<void>((resolve) =>
    consumer.on(consumer.events.GROUP_JOIN, () => resolve()),
  );
  await consumer.subscribe({ topics });
  await consumer.run({ autoCommit: false, eachBatch: async () => undefined });
  await joined;
  consumer.pause(topics.map((topic) => ({ topic })));
  await consumer.commitOffsets(
    ends.flatMap(({ topic, offsets }) =>
      offsets.map((o) => ({ topic, partition: o.partition, offset: o.high })),
    ),
  );
  await consumer.disconnect();
  return groupId;
}
