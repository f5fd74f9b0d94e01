import { toBinary } from '@bufbuild/protobuf';
import {
  OutcomeEventSchema,
  PredictionEventSchema,
  type OutcomeEvent,
  type PredictionEvent,
} from '@ballast/contracts';
import {
  EventProducer,
  TOPICS,
  type EventProducerOptions,
  type OutgoingMessage,
} from '@ballast/kafka';
import { extractFromKafkaHeaders, injectIntoKafkaHeaders, type Logger } from '@ballast/telemetry';
import { context } from '@opentelemetry/api';
import type { Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import { DiskSpool, type SpoolBatch } from './disk-spool';
import { EventMetrics, type DropReason } from './event-metrics';

export interface EventPublisherOptions {
  /** Undefined when no brokers are configured: events are counted and dropped. */
  kafka: Kafka | undefined;
  /** The spool folder; one process per folder. */
  spoolDir: string;
  maxSpoolBytes: number;
  logger: Logger;
  registry?: Registry;
  /** The in-memory producer's bounds and backoff (EventProducer's defaults otherwise). */
  producer?: Pick<
    EventProducerOptions,
    'maxBufferedMessages' | 'maxBufferedBytes' | 'lingerMs' | 'retryBackoffMs'
  >;
  /** How long `stop` waits for Kafka to take what is in memory before spooling the rest. */
  stopTimeoutMs?: number;
  /** Spool segment size (default: maxSpoolBytes / 16, within 4 KiB .. 64 MiB). */
  spoolSegmentBytes?: number;
}

// One replay step: read this much from the spool, hand it to the producer, wait for
// Kafka's acknowledgement, then commit. A stop mid-step resends at most this much.
const REPLAY_BATCH = { maxMessages: 500, maxBytes: 1024 * 1024 };
const DROP_WARNING_INTERVAL_MS = 10_000;
const CONNECT_BACKOFF_MS = { min: 1_000, max: 30_000 };

/**
 * Publishes prediction and outcome events to Kafka without ever making the caller
 * wait. `publish*` serialises the event and hands it to the in-memory producer;
 * when the producer refuses (its buffer is full because Kafka is down or behind),
 * the publisher switches to spooling: from then on every event is appended to the
 * disk spool, and a replay loop feeds the spool to the producer oldest first,
 * committing each step only once Kafka acknowledged it. When the spool is empty
 * again, events go straight to the producer. Routing everything through the spool
 * while it holds anything keeps per-key order; only a full spool breaks the rule
 * (the event then tries the producer, and is dropped and counted when that fails
 * too). On `stop`, what Kafka has not acknowledged goes to the spool, and the next
 * process replays it first.
 */
export class EventPublisher {
  private readonly log: Logger;
  private readonly metrics: EventMetrics;
  private producer: EventProducer | undefined;
  private spool: DiskSpool | undefined;
  private mode: 'direct' | 'spooling' = 'direct';
  private state: 'new' | 'running' | 'stopping' | 'stopped' = 'new';
  private replaying: Promise<void> | undefined;
  private wake: () => void = () => undefined;
  private stopNow: () => void = () => undefined;
  private readonly stopSignal = new Promise<void>((resolve) => (this.stopNow = resolve));
  /** Values sent from the spool: still in the spool if Kafka never acknowledged them. */
  private readonly replayedValues = new WeakSet<Uint8Array>();
  /** A replay step handed over whole but not yet acknowledged when stop began. */
  private unconfirmed: SpoolBatch | undefined;
  private drops = { sinceWarning: 0, lastWarning: 0 };

  constructor(private readonly options: EventPublisherOptions) {
    this.log = options.logger.child({ component: 'event-publisher' });
    this.metrics = new EventMetrics(options.registry, {
      memory: () => this.producer?.buffered ?? 0,
      spoolBytes: () => this.spool?.bytes ?? 0,
    });
  }

  /**
   * Opens the spool (taking over one left by an earlier process) and starts
   * connecting to Kafka in the background: the router serves while Kafka is away.
   */
  async start(): Promise<void> {
    const { kafka } = this.options;
    this.state = 'running';
    if (!kafka) {
      this.log.warn('no Kafka brokers configured: prediction and outcome events are dropped');
      return;
    }
    const spool = await DiskSpool.open({
      dir: this.options.spoolDir,
      maxBytes: this.options.maxSpoolBytes,
      segmentBytes: this.options.spoolSegmentBytes,
      logger: this.log,
      onWriteFailed: (topics) => topics.forEach((topic) => this.drop(topic, 'spool_write_failed')),
    });
    const producer = new EventProducer({
      kafka,
      logger: this.log,
      registry: this.options.registry,
      ...this.options.producer,
    });
    this.spool = spool;
    this.producer = producer;
    if (!spool.isEmpty) this.mode = 'spooling';
    void this.connect(producer).then((connected) => {
      if (connected) this.replaying = this.replay(producer, spool);
    });
  }

  /** Queues a prediction event (key: unit id, else request id); never blocks. */
  publishPrediction(event: PredictionEvent): void {
    this.publish(
      TOPICS.predictions.name,
      event.unitId || event.requestId,
      toBinary(PredictionEventSchema, event),
    );
  }

  /** Queues an outcome event (key: unit id, else request id); never blocks. */
  publishOutcome(event: OutcomeEvent): void {
    this.publish(
      TOPICS.outcomes.name,
      event.unitId || event.requestId,
      toBinary(OutcomeEventSchema, event),
    );
  }

  /**
   * Waits (up to stopTimeoutMs) for Kafka to acknowledge what is in memory, spools
   * the rest and closes the spool. Events published afterwards are dropped.
   */
  async stop(): Promise<void> {
    const { producer, spool } = this;
    if (this.state !== 'running' || !producer || !spool) {
      this.state = 'stopped';
      return;
    }
    this.state = 'stopping';
    this.mode = 'spooling';
    this.stopNow();
    this.wake();
    await this.replaying;
    const unsent = await producer.closeWithUnsent(this.options.stopTimeoutMs ?? 5_000);
    let replayedUnsent = false;
    for (const message of unsent) {
      // A replayed message is still in the spool, after the committed position.
      if (this.replayedValues.has(message.value)) replayedUnsent = true;
      else this.spoolMessage(message);
    }
    if (this.unconfirmed && !replayedUnsent) await spool.commit(this.unconfirmed.end);
    await spool.close();
    this.state = 'stopped';
    this.log.info('event publisher stopped', { unsent: unsent.length, spoolBytes: spool.bytes });
  }

  private publish(topic: string, key: string, value: Uint8Array): void {
    const { producer, spool } = this;
    if (this.state === 'new' || this.state === 'stopped' || !producer || !spool) {
      this.drop(topic, this.options.kafka ? 'not_running' : 'no_kafka');
      return;
    }
    const message: OutgoingMessage = { topic, key, value };
    if (this.mode === 'direct') {
      if (producer.send(message)) {
        this.metrics.published.inc({ topic });
        return;
      }
      this.mode = 'spooling';
      this.log.warn('Kafka is not keeping up: events go to the disk spool until it catches up', {
        buffered: producer.buffered,
      });
      this.wake();
    }
    this.spoolMessage(message);
  }

  private spoolMessage(message: OutgoingMessage): void {
    const { topic } = message;
    // The caller's trace goes into the spool with the event; replay sends it under it.
    const headers = injectIntoKafkaHeaders({ ...message.headers });
    if (this.spool?.append({ ...message, headers })) {
      this.metrics.spooled.inc({ topic });
      return;
    }
    // The spool is full: Kafka may still take the event, out of order but not lost.
    if (this.producer?.send(message)) {
      this.metrics.published.inc({ topic });
      return;
    }
    this.drop(topic, this.state === 'running' ? 'spool_full' : 'not_running');
  }

  /** Feeds the spool to the producer, oldest first, while there is anything in it. */
  private async replay(producer: EventProducer, spool: DiskSpool): Promise<void> {
    while (this.state === 'running') {
      if (this.mode === 'direct') {
        await new Promise<void>((resolve) => (this.wake = resolve));
        continue;
      }
      const batch = await spool.read(REPLAY_BATCH);
      if (batch) {
        for (const { topic, key, value, headers } of batch.messages) {
          const send = () => producer.send({ topic, key, value, headers });
          while (!context.with(extractFromKafkaHeaders(headers), send)) {
            if (!(await this.acknowledged(producer))) return;
          }
          this.replayedValues.add(value);
        }
        if (!(await this.acknowledged(producer))) {
          this.unconfirmed = batch;
          return;
        }
        await spool.commit(batch.end);
        for (const { topic } of batch.messages) this.metrics.replayed.inc({ topic });
      }
      if (spool.isEmpty && this.state === 'running') {
        this.mode = 'direct';
        this.log.info('event spool replayed: events go straight to Kafka again');
      }
    }
  }

  /** Resolves true when Kafka acknowledged everything handed over, false on stop. */
  private acknowledged(producer: EventProducer): Promise<boolean> {
    return Promise.race([producer.flush().then(() => true), this.stopSignal.then(() => false)]);
  }

  /** Connects the producer, retrying with backoff; false when stopped first. */
  private async connect(producer: EventProducer): Promise<boolean> {
    for (let backoff = CONNECT_BACKOFF_MS.min; this.state === 'running';) {
      try {
        await producer.start();
        return this.state === 'running';
      } catch (error) {
        this.log.warn('cannot reach Kafka yet; events are buffered and spooled meanwhile', {
          error: error as Error,
          retryInMs: backoff,
        });
      }
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise((resolve) => (timer = setTimeout(resolve, backoff))),
        this.stopSignal,
      ]);
      clearTimeout(timer);
      backoff = Math.min(backoff * 2, CONNECT_BACKOFF_MS.max);
    }
    return false;
  }

  /** Counts a lost event; warns at most every few seconds, with how many were lost meanwhile. */
  private drop(topic: string, reason: DropReason): void {
    this.metrics.dropped.inc({ topic, reason });
    this.drops.sinceWarning += 1;
    const now = Date.now();
    if (now - this.drops.lastWarning < DROP_WARNING_INTERVAL_MS) return;
    this.log.warn('events dropped', { reason, topic, dropped: this.drops.sinceWarning });
    this.drops = { sinceWarning: 0, lastWarning: now };
  }
}
