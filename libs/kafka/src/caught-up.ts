/**
 * Whether a consumer group has caught up with a topic: committed, on every partition,
 * up to the end the topic had when the wait began. A follower that replays a topic
 * from the beginning (an inference replica's control follower) waits for this before
 * it reports ready, so that it never serves without the history applied.
 */
import type { Kafka } from 'kafkajs';

export interface CatchUpOptions {
  readonly kafka: Kafka;
  readonly groupId: string;
  readonly topic: string;
  /** Gives up (false) after this long. */
  readonly timeoutMs: number;
  readonly pollMs?: number;
}

/** True once caught up; false when `timeoutMs` passed first. */
export async function waitUntilCaughtUp(options: CatchUpOptions): Promise<boolean> {
  const { kafka, groupId, topic, timeoutMs, pollMs = 100 } = options;
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = (await admin.fetchTopicOffsets(topic)).filter(
      (p) => Number(p.high) > Number(p.low),
    );
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      const at = new Map(
        (committed?.partitions ?? []).map((p) => [p.partition, Number(p.offset)] as const),
      );
      if (ends.every((p) => (at.get(p.partition) ?? -1) >= Number(p.high))) return true;
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  } finally {
    await admin.disconnect();
  }
}
