import {
  hostPorts,
  int,
  loadConfig,
  oneOf,
  port,
  str,
  type Config,
  type Setting,
} from '@ballast/config';

/** One `host:port`, checked as hostPorts checks each of its items. */
function hostPort(options: { default: string }): Setting<string> {
  const list = hostPorts();
  return {
    default: options.default,
    parse: (raw) => {
      const items = list.parse(raw);
      if (items.length !== 1) throw new Error(`must be one host:port, got ${items.length}`);
      return items[0] as string;
    },
  };
}

export const routerConfigSpec = {
  ROUTER_GRPC_HOST: str({ default: '0.0.0.0' }),
  ROUTER_GRPC_PORT: port({ default: 8000, allowEphemeral: true }),
  METRICS_PORT: port({ default: 9467, allowEphemeral: true }),
  /** The inference replicas, comma-separated host:port; requests are balanced over them. */
  ROUTER_INFERENCE_ADDRESSES: hostPorts(),
  /** The control plane, for the deployment snapshot taken at start (ListDeployments). */
  CONTROL_ADDRESS: hostPort({ default: '127.0.0.1:8010' }),
  /**
   * Where the control topic is and prediction events go. Empty: the snapshot alone
   * fills the deployment table and events stay in the spool (a warning says so).
   */
  KAFKA_BROKERS: hostPorts({ default: [] }),
  /** Artifact store root: manifests name the features in prediction events. */
  MODEL_STORE_DIR: str({ devDefault: '.data/models' }),
  /** Prediction and outcome events wait here while Kafka is unreachable. */
  ROUTER_SPOOL_DIR: str({ devDefault: '.data/router-spool' }),
  ROUTER_MAX_SPOOL_BYTES: int({ default: 256 * 1024 * 1024, min: 1024 * 1024 }),
  /**
   * Events held in memory until Kafka acknowledges them; past it, events go to the
   * disk spool (a smaller bound sends them there sooner while a broker is away).
   */
  ROUTER_EVENT_BUFFER_MESSAGES: int({ default: 100_000, min: 1, max: 10_000_000 }),
  /** Each router reads the control topic in a group of its own: <prefix>-<host>-<pid>. */
  ROUTER_CONTROL_GROUP_PREFIX: str({ default: 'router' }),
  /** Calls per request that may fail UNAVAILABLE, each on another replica (1: no retry). */
  ROUTER_MAX_ATTEMPTS: int({ default: 3, min: 1, max: 10 }),
  /**
   * How long a NOT_FOUND from the replicas is retried: a deployment reaches the router
   * and the replicas at slightly different moments (both read the control topic).
   */
  ROUTER_NOT_FOUND_RETRY_MS: int({ default: 1_000, min: 0, max: 60_000 }),
  /** Every replica's readiness is probed this often. */
  ROUTER_HEALTH_INTERVAL_MS: int({ default: 1_000, min: 50, max: 60_000 }),
  /** Mirrored requests in flight at most; past it mirrors are dropped (0: never mirror). */
  ROUTER_SHADOW_MAX_INFLIGHT: int({ default: 64, min: 0, max: 100_000 }),
  /** Deadline of a forwarded request whose caller set none, and of mirrored requests. */
  ROUTER_DEFAULT_DEADLINE_MS: int({ default: 10_000, min: 1, max: 600_000 }),
  LOG_LEVEL: oneOf(['debug', 'info', 'warn', 'error'] as const, { default: 'info' }),
};

export type RouterConfig = Config<typeof routerConfigSpec>;

export function loadRouterConfig(env: NodeJS.ProcessEnv = process.env): RouterConfig {
  return loadConfig(routerConfigSpec, env);
}
