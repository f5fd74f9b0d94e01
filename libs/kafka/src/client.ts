import type { Logger } from '@ballast/telemetry';
import { Kafka, logLevel, type KafkaConfig, type LogEntry } from 'kafkajs';

export interface KafkaClientOptions {
  clientId: string;
  brokers: string[];
  logger: Logger;
  /** Extra KafkaJS settings (SSL, SASL, timeouts) for production clusters. */
  overrides?: Partial<KafkaConfig>;
}

const levels: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** A KafkaJS client whose logs go through the service's structured logger. */
export function createKafka(options: KafkaClientOptions): Kafka {
  const log = options.logger.child({ component: 'kafkajs' });
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    logLevel: logLevel.WARN,
    // Ride out a broker restart or leader election (about 100 s) instead of crashing
    // and restarting consumers; producers use their own unbounded retry.
    retry: { initialRetryTime: 100, maxRetryTime: 1_000, retries: 100 },
    logCreator:
      () =>
      ({ level, label, log: entry }: LogEntry) => {
        const { message, ...fields } = entry;
        log[levels[level] ?? 'info'](String(message), { label, ...fields });
      },
    ...options.overrides,
  });
}
