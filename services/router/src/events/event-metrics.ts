import { metricName } from '@ballast/telemetry';
import { Counter, Gauge, type Registry } from 'prom-client';

/** Why an event was lost: the only places the publisher lets go of one. */
export type DropReason = 'no_kafka' | 'spool_full' | 'spool_write_failed' | 'not_running';

/**
 * The event publisher's metrics, by topic. Every event handed in is counted once as
 * published (to Kafka's producer), spooled or dropped; replayed counts spooled events
 * Kafka has since acknowledged; an event still unsent at shutdown is spooled again.
 */
export class EventMetrics {
  readonly published: Counter<'topic'>;
  readonly spooled: Counter<'topic'>;
  readonly replayed: Counter<'topic'>;
  readonly dropped: Counter<'topic' | 'reason'>;

  constructor(
    registry: Registry | undefined,
    held: { memory: () => number; spoolBytes: () => number },
  ) {
    const registers = registry ? [registry] : [];
    this.published = new Counter({
      name: metricName('router', 'events_published_total'),
      help: 'Events handed straight to the Kafka producer',
      labelNames: ['topic'],
      registers,
    });
    this.spooled = new Counter({
      name: metricName('router', 'events_spooled_total'),
      help: 'Events written to the disk spool (Kafka unavailable or behind)',
      labelNames: ['topic'],
      registers,
    });
    this.replayed = new Counter({
      name: metricName('router', 'events_replayed_total'),
      help: 'Spooled events replayed and acknowledged by Kafka',
      labelNames: ['topic'],
      registers,
    });
    this.dropped = new Counter({
      name: metricName('router', 'events_dropped_total'),
      help: 'Events lost: no Kafka configured, spool full, spool write failed, or published before start or after stop',
      labelNames: ['topic', 'reason'],
      registers,
    });
    new Gauge({
      name: metricName('router', 'events_buffered'),
      help: 'Events in memory, not yet acknowledged by Kafka',
      registers,
      collect() {
        this.set(held.memory());
      },
    });
    new Gauge({
      name: metricName('router', 'events_spool_bytes'),
      help: 'Bytes of events in the disk spool, waiting for replay',
      registers,
      collect() {
        this.set(held.spoolBytes());
      },
    });
  }
}
