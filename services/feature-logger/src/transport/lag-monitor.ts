/**
 * Consumer lag per topic partition (high watermark minus the group's committed
 * offset), polled from the brokers, for the ballast_feature_logger_consumer_lag gauge.
 */
import { metricName, type Logger } from '@ballast/telemetry';
import type { Admin, Kafka } from 'kafkajs';
import { Gauge, type Registry } from 'prom-client';

export class LagMonitor {
  private readonly admin: Admin;
  private readonly gauge: Gauge<'topic' | 'partition'>;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: {
      kafka: Kafka;
      groupId: string;
      topics: string[];
      registry: Registry;
      logger: Logger;
      intervalMs?: number;
    },
  ) {
    this.admin = options.kafka.admin();
    this.gauge = new Gauge({
      name: metricName('feature_logger', 'consumer_lag'),
      help: 'Messages not yet committed by the feature logger, by topic partition',
      labelNames: ['topic', 'partition'],
      registers: [options.registry],
    });
  }

  async start(): Promise<void> {
    await this.admin.connect();
    const poll = () => {
      this.timer = setTimeout(() => {
        this.measure()
          .catch((error: unknown) =>
            this.options.logger.warn('consumer lag not measured', { error: error as Error }),
          )
          .finally(() => {
            if (this.timer) poll();
          });
      }, this.options.intervalMs ?? 5_000);
    };
    poll();
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.admin.disconnect();
  }

  private async measure(): Promise<void> {
    const committed = await this.admin.fetchOffsets({
      groupId: this.options.groupId,
      topics: this.options.topics,
    });
    for (const { topic, partitions } of committed) {
      const ends = await this.admin.fetchTopicOffsets(topic);
      for (const end of ends) {
        const offset = partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
        // -1: nothing committed yet, so everything up to the high watermark is lag.
        const lag = BigInt(end.high) - (offset === '-1' ? BigInt(end.low) : BigInt(offset));
        this.gauge.set({ topic, partition: String(end.partition) }, Number(lag));
      }
    }
  }
}
