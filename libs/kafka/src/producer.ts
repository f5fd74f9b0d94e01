import {
  metricName,
  injectIntoKafkaHeaders,
  type KafkaHeaders,
  type Logger,
} from '@ballast/telemetry';
import { SpanKind, SpanStatusCode, context, trace, type Span } from '@opentelemetry/api';
import {
  CompressionTypes,
  Partitioners,
  type Admin,
  type Kafka,
  type PartitionMetadata,
  type Producer,
} from 'kafkajs';
import { Counter, Gauge, type Registry } from 'prom-client';

export interface OutgoingMessage {
  topic: string;
  /** Partitioning key (e.g. the unit id), so one key's events stay in order. */
  key?: string | Buffer | null;
  value: Buffer | Uint8Array;
  headers?: KafkaHeaders;
}

export interface EventProducerOptions {
  kafka: Kafka;
  logger: Logger;
  registry?: Registry;
  /** Buffer bounds: past either, `send` refuses the message. */
  maxBufferedMessages?: number;
  maxBufferedBytes?: number;
  /** Largest batch handed to Kafka at once. */
  maxBatchMessages?: number;
  /** How long a lone message waits for company before a batch is sent. */
  lingerMs?: number;
  /** Backoff between failed sends: doubles from min to max, retrying until it succeeds or the producer closes. */
  retryBackoffMs?: { min: number; max: number };
  compression?: CompressionTypes;
}

interface Pending {
  message: OutgoingMessage;
  bytes: number;
  span: Span;
}

/** One partition's messages: sent in order, one request in flight, its own backoff. */
interface PartitionQueue {
  topic: string;
  partition: number;
  pending: Pending[];
  inFlight: boolean;
  retryAt: number;
  backoffMs: number;
}

const tracer = trace.getTracer('@ballast/kafka');

/**
 * A producer that never blocks its caller. `send` puts the message in a bounded
 * in-memory buffer and returns at once; a background loop assigns each message its
 * partition (the Java client's murmur2 of the key) and sends each partition's queue
 * in order, one request in flight per partition, acknowledged by all in-sync
 * replicas. A failed request is retried with backoff, for its partition only: a
 * broker that is down holds back its own partitions, and nothing that Kafka
 * acknowledged is sent again. When the buffer is full, `send` returns false and
 * the caller decides (spool to disk, shed, count).
 *
 * Delivery is at least once (a request can succeed and its answer be lost), so
 * consumers deduplicate by event id.
 */
export class EventProducer {
  private readonly producer: Producer;
  private readonly admin: Admin;
  private readonly partitioner = Partitioners.DefaultPartitioner();
  private readonly partitionMetadata = new Map<string, PartitionMetadata[]>();
  /** Accepted messages whose partition is not chosen yet. */
  private incoming: Pending[] = [];
  private readonly queues = new Map<string, PartitionQueue>();
  private bufferedMessages = 0;
  private bufferedBytes = 0;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  /** Set by close(): no more messages are accepted. */
  private closing = false;
  /** Set by close() once flushing is over: the send loop ends. */
  private stopped = false;
  private stop: () => void = () => undefined;
  private readonly stopSignal = new Promise<void>((resolve) => (this.stop = resolve));
  private drained: (() => void)[] = [];
  private readonly options: Required<Omit<EventProducerOptions, 'registry'>>;
  private readonly metrics: { buffered: Gauge; sent: Counter; refused: Counter; failures: Counter };

  constructor(options: EventProducerOptions) {
    this.options = {
      maxBufferedMessages: 100_000,
      maxBufferedBytes: 64 * 1024 * 1024,
      maxBatchMessages: 2_000,
      lingerMs: 5,
      retryBackoffMs: { min: 100, max: 5_000 },
      compression: CompressionTypes.None,
      ...options,
    };
    // Retries are ours (per partition, unbounded, with the buffer as the bound).
    this.producer = options.kafka.producer({
      allowAutoTopicCreation: false,
      retry: { retries: 0 },
      // Partitions are chosen above; naming the partitioner silences KafkaJS's warning.
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.admin = options.kafka.admin();
    const registers = options.registry ? [options.registry] : [];
    this.metrics = {
      buffered: new Gauge({
        name: metricName('kafka', 'producer_buffered_messages'),
        help: 'Messages accepted and not yet acknowledged by Kafka',
        registers,
      }),
      sent: new Counter({
        name: metricName('kafka', 'producer_sent_messages_total'),
        help: 'Messages acknowledged by Kafka',
        labelNames: ['topic'],
        registers,
      }),
      refused: new Counter({
        name: metricName('kafka', 'producer_refused_messages_total'),
        help: 'Messages refused because the buffer was full or the producer closing',
        labelNames: ['topic'],
        registers,
      }),
      failures: new Counter({
        name: metricName('kafka', 'producer_send_failures_total'),
        help: 'Failed produce requests (each retried)',
        registers,
      }),
    };
  }

  /** Connects and starts the send loop. */
  async start(): Promise<void> {
    await Promise.all([this.producer.connect(), this.admin.connect()]);
    this.loop = this.run();
  }

  /** Messages accepted and not yet acknowledged. */
  get buffered(): number {
    return this.bufferedMessages;
  }

  /**
   * Queues a message and returns at once: true when accepted, false when the buffer
   * is full or the producer is closing. The current trace context is written into
   * the message headers, under a producer span that ends when Kafka acknowledges.
   */
  send(message: OutgoingMessage): boolean {
    const bytes = message.value.byteLength + (message.key?.length ?? 0);
    if (
      this.closing ||
      this.bufferedMessages >= this.options.maxBufferedMessages ||
      this.bufferedBytes + bytes > this.options.maxBufferedBytes
    ) {
      this.metrics.refused.inc({ topic: message.topic });
      return false;
    }
    const span = tracer.startSpan(`${message.topic} publish`, {
      kind: SpanKind.PRODUCER,
      attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': message.topic },
    });
    const headers = injectIntoKafkaHeaders(
      { ...message.headers },
      trace.setSpan(context.active(), span),
    );
    this.incoming.push({ message: { ...message, headers }, bytes, span });
    this.bufferedMessages += 1;
    this.bufferedBytes += bytes;
    this.metrics.buffered.set(this.bufferedMessages);
    this.wake?.();
    return true;
  }

  /** Resolves when every message accepted so far has been acknowledged. */
  flush(): Promise<void> {
    if (this.bufferedMessages === 0) return Promise.resolve();
    return new Promise((resolve) => this.drained.push(resolve));
  }

  /**
   * Stops accepting messages, sends what is buffered (waiting at most `timeoutMs`),
   * and disconnects. Returns the number of messages that could not be sent.
   */
  async close(timeoutMs = 10_000): Promise<number> {
    return (await this.closeWithUnsent(timeoutMs)).length;
  }

  /**
   * Like {@link close}, but hands back the messages Kafka did not acknowledge (in the
   * order they were accepted within each partition, with their trace headers), so
   * the caller can keep them, e.g. in a disk spool. A message in a request whose
   * answer was lost may be among them although Kafka stored it: at least once.
   */
  async closeWithUnsent(timeoutMs = 10_000): Promise<OutgoingMessage[]> {
    this.closing = true;
    await Promise.race([this.flush(), sleep(timeoutMs, this.stopSignal)]);
    this.stopped = true;
    this.stop();
    await this.loop;
    // Queued messages were accepted before any still waiting for a partition.
    const unsent = [
      ...[...this.queues.values()].flatMap((q) => q.pending.splice(0)),
      ...this.incoming.splice(0),
    ];
    for (const pending of unsent) {
      pending.span.setStatus({
        code: SpanStatusCode.ERROR,
        message: 'producer closed before delivery',
      });
      pending.span.end();
    }
    await Promise.all([this.producer.disconnect(), this.admin.disconnect()]);
    return unsent.map(({ message }) => message);
  }

  private async run(): Promise<void> {
    const inFlight = new Set<Promise<void>>();
    while (!this.stopped) {
      await this.assignPartitions();
      const now = Date.now();
      let nextRetry = Number.POSITIVE_INFINITY;
      for (const queue of this.queues.values()) {
        if (queue.inFlight || queue.pending.length === 0) continue;
        if (queue.retryAt > now) {
          nextRetry = Math.min(nextRetry, queue.retryAt);
          continue;
        }
        const sending = this.sendQueue(queue).finally(() => {
          inFlight.delete(sending);
          this.wake?.();
        });
        inFlight.add(sending);
      }
      const idle = inFlight.size === 0 && this.incoming.length === 0;
      // A message sent while assignPartitions was returning found no `wake` to call:
      // waiting now would strand it until the next send.
      if (this.incoming.length === 0) {
        await Promise.race([
          new Promise<void>((resolve) => (this.wake = resolve)),
          this.stopSignal,
          ...(Number.isFinite(nextRetry) ? [sleep(nextRetry - Date.now(), this.stopSignal)] : []),
        ]);
      }
      this.wake = undefined;
      // After a quiet spell, let a burst of sends gather into one request.
      if (idle && this.options.lingerMs > 0) await sleep(this.options.lingerMs, this.stopSignal);
    }
    await Promise.all(inFlight);
  }

  /** Moves incoming messages to their partition's queue (fetching metadata when needed). */
  private async assignPartitions(): Promise<void> {
    while (this.incoming.length > 0) {
      const pending = this.incoming[0] as Pending;
      let partition: number;
      try {
        partition = await this.partitionFor(pending.message);
      } catch (error) {
        this.reportFailure(error, this.incoming.length, 'partition metadata');
        await sleep(this.options.retryBackoffMs.min, this.stopSignal);
        return;
      }
      this.incoming.shift();
      const id = `${pending.message.topic}/${partition}`;
      let queue = this.queues.get(id);
      if (!queue) {
        queue = {
          topic: pending.message.topic,
          partition,
          pending: [],
          inFlight: false,
          retryAt: 0,
          backoffMs: 0,
        };
        this.queues.set(id, queue);
      }
      queue.pending.push(pending);
    }
  }

  private async sendQueue(queue: PartitionQueue): Promise<void> {
    queue.inFlight = true;
    const batch = queue.pending.slice(0, this.options.maxBatchMessages);
    try {
      await this.producer.send({
        topic: queue.topic,
        acks: -1,
        compression: this.options.compression,
        messages: batch.map(({ message }) => ({
          partition: queue.partition,
          key: message.key ?? null,
          value: Buffer.isBuffer(message.value)
            ? message.value
            : Buffer.from(message.value.buffer, message.value.byteOffset, message.value.byteLength),
          headers: message.headers ?? {},
        })),
      });
    } catch (error) {
      queue.backoffMs = Math.min(
        Math.max(queue.backoffMs * 2, this.options.retryBackoffMs.min),
        this.options.retryBackoffMs.max,
      );
      queue.retryAt = Date.now() + queue.backoffMs;
      this.reportFailure(error, batch.length, `${queue.topic}/${queue.partition}`);
      return;
    } finally {
      queue.inFlight = false;
    }
    queue.backoffMs = 0;
    queue.retryAt = 0;
    queue.pending.splice(0, batch.length);
    for (const pending of batch) {
      this.bufferedBytes -= pending.bytes;
      pending.span.end();
    }
    this.bufferedMessages -= batch.length;
    this.metrics.sent.inc({ topic: queue.topic }, batch.length);
    this.metrics.buffered.set(this.bufferedMessages);
    if (this.bufferedMessages === 0) for (const resolve of this.drained.splice(0)) resolve();
  }

  private async partitionFor(message: OutgoingMessage): Promise<number> {
    let partitionMetadata = this.partitionMetadata.get(message.topic);
    if (!partitionMetadata) {
      const metadata = await this.admin.fetchTopicMetadata({ topics: [message.topic] });
      partitionMetadata = metadata.topics[0]?.partitions ?? [];
      if (partitionMetadata.length === 0)
        throw new Error(`topic ${message.topic} has no partitions`);
      this.partitionMetadata.set(message.topic, partitionMetadata);
    }
    return this.partitioner({
      topic: message.topic,
      partitionMetadata,
      message: { key: message.key ?? null, value: null },
    });
  }

  private reportFailure(error: unknown, messages: number, where: string): void {
    this.metrics.failures.inc();
    this.options.logger.warn('kafka send failed; will retry', {
      where,
      messages,
      error: error as Error,
    });
  }
}

/** Waits `ms`, or less when `interrupt` settles first. */
function sleep(ms: number, interrupt: Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, ms)))),
    interrupt,
  ]).finally(() => clearTimeout(timer));
}
