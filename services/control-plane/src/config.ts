import { hostPorts, loadConfig, oneOf, port, str, type Config } from '@ballast/config';

export const controlPlaneConfigSpec = {
  CONTROL_GRPC_HOST: str({ default: '0.0.0.0' }),
  CONTROL_GRPC_PORT: port({ default: 8010, allowEphemeral: true }),
  METRICS_PORT: port({ default: 9466, allowEphemeral: true }),
  /** Root of the artifact store the inference replicas read: <root>/<model>/<version>/. */
  MODEL_STORE_DIR: str({ devDefault: '.data/models' }),
  /** Where state.json (registry, deployments, audit history, outbox) lives. */
  CONTROL_DATA_DIR: str({ devDefault: '.data/control-plane' }),
  /**
   * Where ballast.control.v1 is. Required in production; in development, unset keeps
   * every event in the outbox (a warning says so) until a start with brokers.
   */
  KAFKA_BROKERS: hostPorts({ devDefault: [] }),
  LOG_LEVEL: oneOf(['debug', 'info', 'warn', 'error'] as const, { default: 'info' }),
};

export type ControlPlaneConfig = Config<typeof controlPlaneConfigSpec>;

export function loadControlPlaneConfig(env: NodeJS.ProcessEnv = process.env): ControlPlaneConfig {
  return loadConfig(controlPlaneConfigSpec, env);
}
