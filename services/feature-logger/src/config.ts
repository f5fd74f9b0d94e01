import { hostPorts, int, loadConfig, oneOf, port, str, url, type Config } from '@ballast/config';

export const featureLoggerConfigSpec = {
  KAFKA_BROKERS: hostPorts(),
  /** Instances with the same group share the partitions. */
  FEATURE_LOGGER_GROUP_ID: str({ default: 'ballast-feature-logger' }),
  CLICKHOUSE_URL: url({ devDefault: 'http://127.0.0.1:18123' }),
  CLICKHOUSE_DATABASE: str({ default: 'ballast' }),
  CLICKHOUSE_USER: str({ default: 'default' }),
  CLICKHOUSE_PASSWORD: str({ default: '' }),
  /** An insert goes out at this many rows... */
  FEATURE_LOGGER_BATCH_ROWS: int({ default: 10_000, min: 1, max: 1_000_000 }),
  /** ...or this many bytes (RowBinary)... */
  FEATURE_LOGGER_BATCH_BYTES: int({ default: 16 * 1024 * 1024, min: 1024 }),
  /** ...or when its oldest row has waited this long. */
  FEATURE_LOGGER_BATCH_MS: int({ default: 500, min: 1, max: 60_000 }),
  /** Partition batches decoded at once. */
  FEATURE_LOGGER_CONCURRENT_PARTITIONS: int({ default: 6, min: 1, max: 256 }),
  /** Rows held in memory (waiting and being inserted) before consumption pauses. */
  FEATURE_LOGGER_MAX_BUFFERED_ROWS: int({ default: 40_000, min: 1 }),
  /** On shutdown, how long to keep trying to store what is held before giving up on it. */
  FEATURE_LOGGER_STOP_GRACE_MS: int({ default: 10_000, min: 0 }),
  /** Largest fetch per partition, in bytes. */
  FEATURE_LOGGER_MAX_BYTES_PER_PARTITION: int({ default: 1024 * 1024, min: 1024 }),
  /**
   * How long a fetch may wait at the broker for new events. The local mock broker
   * holds an empty fetch this long even when events arrive meanwhile (real Kafka
   * answers as soon as they do), so a long wait stalls a logger that caught up.
   */
  FEATURE_LOGGER_FETCH_MAX_WAIT_MS: int({ default: 100, min: 1, max: 30_000 }),
  /** A killed instance's partitions move to the others after this long. */
  FEATURE_LOGGER_SESSION_TIMEOUT_MS: int({ default: 30_000, min: 6_000, max: 300_000 }),
  METRICS_PORT: port({ default: 9465, allowEphemeral: true }),
  LOG_LEVEL: oneOf(['debug', 'info', 'warn', 'error'] as const, { default: 'info' }),
};

export type FeatureLoggerConfig = Config<typeof featureLoggerConfigSpec>;

export function loadFeatureLoggerConfig(env: NodeJS.ProcessEnv = process.env): FeatureLoggerConfig {
  return loadConfig(featureLoggerConfigSpec, env);
}
