/**
 * @ballast/telemetry: structured logs, OpenTelemetry tracing with W3C context carried
 * in gRPC metadata and Kafka headers, and Prometheus metrics.
 *
 * Tracing is started by a preload, not by service code:
 *   node --require @ballast/telemetry/preload services/router/dist/main.js
 *
 * @example
 * import { createLogger, createMetricsRegistry, startMetricsServer } from '@ballast/telemetry';
 * const log = createLogger({ service: 'router' });
 * const registry = createMetricsRegistry('router');
 * const server = await startMetricsServer({ registry, port: 9464 });
 * log.info('metrics listening', { port: server.port });
 */
export type { LogFields, LogLevel, Logger, LoggerOptions } from './logger';
export { createLogger } from './logger';
export type { MetricsServer, MetricsServerOptions } from './metrics';
export { METRIC_PREFIX, createMetricsRegistry, metricName, startMetricsServer } from './metrics';
export type { GrpcMetadataLike, KafkaHeaders, TracingOptions } from './tracing';
export {
  extractFromGrpcMetadata,
  extractFromKafkaHeaders,
  injectIntoGrpcMetadata,
  injectIntoKafkaHeaders,
  shutdownTracing,
  startTracing,
} from './tracing';
