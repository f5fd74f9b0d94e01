/**
 * @ballast/config: typed environment configuration, validated once at start-up.
 *
 * @example
 * import { loadConfig, hostPorts, port } from '@ballast/config';
 * const config = loadConfig({
 *   KAFKA_BROKERS: hostPorts({ devDefault: ['127.0.0.1:9092'] }),
 *   GRPC_PORT: port({ default: 8001 }),
 * });
 * config.GRPC_PORT; // number
 */
export type { Config, ConfigSpec, Setting } from './config';
export {
  ConfigError,
  bool,
  hostPorts,
  int,
  list,
  loadConfig,
  oneOf,
  port,
  str,
  url,
} from './config';
