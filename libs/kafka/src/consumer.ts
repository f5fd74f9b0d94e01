import {
  extractFromKafkaHeaders,
  metricName,
  type KafkaHeaders,
  type Logger,
} from '@ballast/telemetry';
import type { Context } from '@opentelemetry/api';
import {
  Partitioners,
  type Consumer,
  type ConsumerConfig,
  type EachBatchPayload,
  type Kafka,
  type KafkaMessage,
  type Producer,
} from 'kafkajs';
import { Counter, type Registry } from 'prom-client';
import { DLQ_HEADERS } from './headers';
import { TOPICS } from './topics';

/**
 * Thrown by a `decode` function for a message that can never be processed
 * (undecodable, failing validation). The message goes to the dead-letter topic with
 * the reason, and its partition moves on.
 */
export class PoisonMessageError extends Error {
  override readonly name = 'PoisonMessageError';
}

export interface ConsumedMessage<T> {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: Buffer | null;
  readonly headers: KafkaHeaders;
  /** Broker timestamp, ms since the epoch. */
  readonly timestamp: number;
  /** The producer's trace context, for spans that continue its trace. */
  readonly context: Context;
  readonly value: T;
}

/**
 * A consumed message whose headers, timestamp and trace context are read from the
 * KafkaJS message when asked for: most handlers want only the value, and at tens of
 * thousands of messages a second extracting every message's trace context was a
 * tenth of a fast consumer's work.
 */
class Consumed<T> implements ConsumedMessage<T> {
  private extracted: Context | undefined;

  constructor(
    readonly topic: string,
    readonly partition: number,
    private readonly message: KafkaMessage,
    readonly value: T,
  ) {}

  get offset(): string {
    return this.message.offset;
  }

  get key(): Buffer | null {
    return this.message.key;
  }

  get headers(): KafkaHeaders {
    return (this.message.headers ?? {}) as KafkaHeaders;
  }

  get timestamp(): number {
    return Number(this.message.timestamp);
  }

  get context(): Context {
    return (this.extracted ??= extractFromKafkaHeaders(this.headers));
  }
}

export interface ConsumerRunnerOptions<T> {
  kafka: Kafka;
  groupId: string;
  topics: string[];
  logger: Logger;
  registry?: Registry;
  /** Turns raw bytes into a value; throws PoisonMessageError for a message to dead-letter. */
  decode: (value: Buffer, message: KafkaMessage, topic: string) => T;
  /**
   * Processes the decoded messages of one fetched batch (one partition). Throwing
   * means "try again": the batch is retried with backoff and nothing is committed.
   * Resolving with nothing means "done": the batch is committed. Resolving with
   * `{ durable }` means "accepted": the consumer moves on at once and commits the
   * batch when `durable` resolves (in order per partition), so a sink can gather many
   * batches into one write; if `durable` rejects, nothing is committed and the
   * messages come again after a restart or rebalance.
   */
  handle: (messages: ConsumedMessage<T>[]) => Promise<void | { durable: Promise<void> }>;
  /** Where a new consumer group starts. */
  fromBeginning?: boolean;
  retryBackoffMs?: { min: number; max: number };
  /** Extra KafkaJS consumer settings (session timeout, fetch sizes). */
  consumerConfig?: Partial<ConsumerConfig>;
  /**
   * Batches (of different partitions) handled at once; default 1. More lets a handler
   * gather several partitions' messages into one write.
   */
  partitionsConsumedConcurrently?: number;
}

/**
 * A consumer-group runner with at-least-once processing: offsets are committed only
 * after `handle` succeeded for the batch, poison messages are written (and
 * acknowledged) to ballast.dlq.v1 before their offset is committed, and a failing
 * handler is retried with backoff, holding its partition, until it succeeds or the
 * runner stops.
 */
export class ConsumerRunner<T> {
  private readonly consumer: Consumer;
  private readonly dlq: Producer;
  private readonly metrics: {
    consumed: Counter;
    deadLettered: Counter;
    retries: Counter;
    restarts: Counter;
  };
  private stopping = false;
  private restartTimer: NodeJS.Timeout | undefined;
  /** Per partition, the last pending commit of an accepted batch: commits stay in order. */
  private readonly commits = new Map<string, Promise<void>>();

  constructor(private readonly options: ConsumerRunnerOptions<T>) {
    this.consumer = options.kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: false,
      ...options.consumerConfig,
    });
    this.dlq = options.kafka.producer({
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    const registers = options.registry ? [options.registry] : [];
    this.metrics = {
      consumed: new Counter({
        name: metricName('kafka', 'consumer_processed_messages_total'),
        help: 'Messages processed and committed',
        labelNames: ['topic'],
        registers,
      }),
      deadLettered: new Counter({
        name: metricName('kafka', 'consumer_dead_lettered_messages_total'),
        help: 'Messages sent to the dead-letter topic',
        labelNames: ['topic'],
        registers,
      }),
      retries: new Counter({
        name: metricName('kafka', 'consumer_handler_retries_total'),
        help: 'Batches retried after a handler failure',
        labelNames: ['topic'],
        registers,
      }),
      restarts: new Counter({
        name: metricName('kafka', 'consumer_restarts_total'),
        help: 'Consumers restarted after a crash KafkaJS would not restart from',
        registers,
      }),
    };
  }

  async start(): Promise<void> {
    await this.dlq.connect();
    // KafkaJS restarts a consumer after retriable errors only; after any other (seen:
    // a broker answering SyncGroup with an error during a rebalance) it disconnects
    // and stays down. A consumer that silently stops is worse than one that retries.
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      if (payload.restart || this.stopping) return;
      this.metrics.restarts.inc();
      this.options.logger.error('consumer crashed; restarting it', {
        groupId: this.options.groupId,
        error: payload.error,
      });
      this.restartTimer = setTimeout(() => {
        this.consume().catch((error: unknown) =>
          this.options.logger.error('consumer restart failed', { error: error as Error }),
        );
      }, 1_000);
    });
    await this.consume();
  }

  private async consume(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({
      topics: this.options.topics,
      fromBeginning: this.options.fromBeginning ?? false,
    });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachBatch: (payload) => this.processBatch(payload),
    });
  }

  /**
   * Stops fetching, waits for the commits of accepted batches (the handler's owner
   * should make them durable or fail them promptly: flush), then leaves the group.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    await this.consumer.stop();
    await Promise.all(this.commits.values());
    await this.consumer.disconnect();
    await this.dlq.disconnect();
  }

  private async processBatch({
    batch,
    heartbeat,
    isRunning,
    resolveOffset,
    isStale,
  }: EachBatchPayload): Promise<void> {
    const { topic, partition } = batch;
    const good: ConsumedMessage<T>[] = [];
    const poison: { message: KafkaMessage; reason: string }[] = [];
    for (const message of batch.messages) {
      try {
        if (message.value === null) throw new PoisonMessageError('message has no value');
        good.push(
          new Consumed(
            topic,
            partition,
            message,
            this.options.decode(message.value, message, topic),
          ),
        );
      } catch (error) {
        poison.push({ message, reason: error instanceof Error ? error.message : String(error) });
      }
    }
    const live = () => isRunning() && !isStale();
    const done = await this.retrying(topic, heartbeat, live, async () => {
      if (poison.length > 0) await this.deadLetter(topic, partition, poison);
    });
    if (!done) return;
    let durable: Promise<void> | undefined;
    if (
      good.length > 0 &&
      !(await this.retrying(topic, heartbeat, live, async () => {
        durable = (await this.options.handle(good))?.durable;
      }))
    )
      return;
    const last = batch.messages[batch.messages.length - 1];
    if (!last) return;
    // Resolving moves the fetch position past the batch; committing makes it durable.
    resolveOffset(last.offset);
    const commit = async () => {
      await this.consumer.commitOffsets([
        { topic, partition, offset: (BigInt(last.offset) + 1n).toString() },
      ]);
      this.metrics.consumed.inc({ topic }, good.length);
    };
    if (!durable) {
      await commit();
      return;
    }
    const key = `${topic}:${partition}`;
    const accepted = durable;
    const chained = (this.commits.get(key) ?? Promise.resolve())
      .then(() => accepted)
      .then(commit)
      .catch((error: unknown) =>
        // Not stored, or the partition moved to another member: the messages are
        // delivered again (to us or to it), and event ids make that harmless.
        this.options.logger.warn('batch not committed; it will be delivered again', {
          topic,
          partition,
          offset: last.offset,
          error: error as Error,
        }),
      );
    this.commits.set(key, chained);
    void chained.finally(() => {
      if (this.commits.get(key) === chained) this.commits.delete(key);
    });
  }

  /** Runs `work` until it succeeds (true) or the batch is no longer ours (false). */
  private async retrying(
    topic: string,
    heartbeat: () => Promise<void>,
    live: () => boolean,
    work: () => Promise<void>,
  ): Promise<boolean> {
    const { min, max } = this.options.retryBackoffMs ?? { min: 200, max: 10_000 };
    for (let backoff = min; live(); backoff = Math.min(backoff * 2, max)) {
      // A handler may wait long (a full buffer, a slow database): keep the membership.
      const beating = setInterval(() => void heartbeat().catch(() => undefined), 1_000);
      try {
        await work();
        return true;
      } catch (error) {
        this.metrics.retries.inc({ topic });
        this.options.logger.warn('batch processing failed; retrying', {
          topic,
          error: error as Error,
          retryInMs: backoff,
        });
        const until = Date.now() + backoff;
        while (Date.now() < until && live()) {
          await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, until - Date.now())));
          // Keep group membership while we wait, so the partition is not handed over.
          await heartbeat().catch(() => undefined);
        }
      } finally {
        clearInterval(beating);
      }
    }
    return false;
  }

  private async deadLetter(
    topic: string,
    partition: number,
    poison: { message: KafkaMessage; reason: string }[],
  ) {
    await this.dlq.send({
      topic: TOPICS.dlq.name,
      acks: -1,
      messages: poison.map(({ message, reason }) => ({
        key: message.key,
        value: message.value,
        headers: {
          ...(message.headers as KafkaHeaders),
          [DLQ_HEADERS.reason]: reason,
          [DLQ_HEADERS.topic]: topic,
          [DLQ_HEADERS.partition]: String(partition),
          [DLQ_HEADERS.offset]: message.offset,
          [DLQ_HEADERS.group]: this.options.groupId,
        },
      })),
    });
    this.metrics.deadLettered.inc({ topic }, poison.length);
    for (const { message, reason } of poison) {
      this.options.logger.warn('message dead-lettered', {
        topic,
        partition,
        offset: message.offset,
        reason,
      });
    }
  }
}
