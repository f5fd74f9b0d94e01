/**
 * Publishes the control plane's outbox on ballast.control.v1. Every change is on
 * disk, with its event, before it is answered; this sends what is pending, waits for
 * Kafka to acknowledge it, and only then drops it from the outbox. Kafka being down
 * delays events, never loses them: what is unacknowledged at a stop is sent again at
 * the next start (consumers skip generations they have, so a repeat is harmless).
 *
 * At start it also announces every active deployment once: a broker that lost the
 * topic (the local mock cluster keeps nothing across restarts; a real cluster past
 * its retention) would otherwise leave a new inference replica with nothing to load.
 */
import { ControlEventSchema, type ControlEvent } from '@ballast/contracts';
import { TOPICS, type EventProducer } from '@ballast/kafka';
import type { Logger } from '@ballast/telemetry';
import { toBinary } from '@bufbuild/protobuf';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ControlPlane } from '../domain/control-plane';
import { deploymentChanged } from '../domain/events';

export interface OutboxPublisherOptions {
  control: Pick<ControlPlane, 'onChange' | 'pendingEvents' | 'acknowledge' | 'listDeployments'>;
  producer: Pick<EventProducer, 'start' | 'send' | 'flush' | 'close'>;
  logger: Logger;
  /** Wait between attempts to connect, or to hand over events the producer refused. */
  retryMs?: number;
}

export class OutboxPublisher {
  private readonly logger: Logger;
  private readonly retryMs: number;
  /** Handed to the producer and not yet acknowledged: not handed over twice. */
  private readonly inFlight = new Set<string>();
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(private readonly options: OutboxPublisherOptions) {
    this.logger = options.logger.child({ component: 'outbox-publisher' });
    this.retryMs = options.retryMs ?? 1_000;
  }

  /** Connects in the background (the service serves meanwhile) and publishes what is pending. */
  start(): void {
    this.options.control.onChange(() => this.kick());
    this.running = this.connect()
      .then(() => this.announce())
      .then(() => this.drain());
  }

  private async announce(): Promise<void> {
    const context = { actor: 'control-plane', reason: 'active deployment announced at start' };
    const events = this.options.control
      .listDeployments()
      .map((deployment) =>
        deploymentChanged({ eventId: randomUUID(), time: new Date(), context }, deployment),
      );
    // Not in the outbox (nothing changed): acknowledging them is a no-op.
    if (events.length > 0) await this.publish(events);
  }

  /** Stops publishing; what is unacknowledged stays in the outbox for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    const unsent = await this.options.producer.close(5_000);
    if (unsent > 0 || this.options.control.pendingEvents().length > 0)
      this.logger.warn(
        'stopping with unpublished control events; they are sent at the next start',
        {
          pending: this.options.control.pendingEvents().length,
        },
      );
  }

  private async connect(): Promise<void> {
    for (;;) {
      try {
        await this.options.producer.start();
        return;
      } catch (error) {
        if (this.stopped) return;
        this.logger.warn('Kafka unreachable; changes wait in the outbox', { error });
        await sleep(this.retryMs);
      }
    }
  }

  private kick(): void {
    if (this.running) this.again = true;
    else this.running = this.drain();
  }

  private async drain(): Promise<void> {
    try {
      do {
        this.again = false;
        const batch = this.options.control
          .pendingEvents()
          .filter((e) => !this.inFlight.has(e.eventId));
        if (batch.length === 0) continue;
        await this.publish(batch);
      } while (this.again && !this.stopped);
    } finally {
      this.running = undefined;
    }
  }

  private async publish(batch: readonly ControlEvent[]): Promise<void> {
    for (const event of batch) {
      const message = {
        topic: TOPICS.control.name,
        key: event.model?.name ?? '',
        value: toBinary(ControlEventSchema, event),
      };
      while (!this.options.producer.send(message)) {
        if (this.stopped) return;
        await sleep(this.retryMs);
      }
      this.inFlight.add(event.eventId);
    }
    await this.options.producer.flush();
    if (this.stopped) return;
    const ids = batch.map((e) => e.eventId);
    try {
      await this.options.control.acknowledge(ids);
    } catch (error) {
      // Still in the outbox on disk: sent again at the next start, a harmless repeat.
      this.logger.error('cannot record published control events', { error });
    }
    for (const id of ids) this.inFlight.delete(id);
    this.logger.debug('control events published', { count: ids.length });
  }
}
