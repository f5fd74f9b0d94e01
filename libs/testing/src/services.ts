import { ServiceProcess } from './service-process';

/**
 * What a test needs to know to start each platform service: its ready message and the
 * prefix of its gRPC host and port variables (`<prefix>_HOST`, `<prefix>_PORT`), and
 * the variable of its metrics port. The entry point is `services/<name>/dist/main.js`.
 */
const SERVICES = {
  'control-plane': { readyMessage: 'control-plane ready', grpc: 'CONTROL_GRPC' },
  inference: { readyMessage: 'inference ready', grpc: 'INFERENCE_GRPC' },
  router: { readyMessage: 'router ready', grpc: 'ROUTER_GRPC' },
  'feature-logger': { readyMessage: 'feature logger ready' },
  'experiment-analytics': { readyMessage: 'experiment analytics ready', grpc: 'EXPERIMENTS_GRPC' },
  'drift-analysis': {
    readyMessage: 'drift analysis ready',
    grpc: 'DRIFT_GRPC',
    metricsPort: 'DRIFT_METRICS_PORT',
  },
} satisfies Record<string, { readyMessage: string; grpc?: string; metricsPort?: string }>;

export type ServiceName = keyof typeof SERVICES;

export interface StartServiceOptions {
  /** The service's own settings; they override the defaults below. */
  env?: Record<string, string>;
  timeoutMs?: number;
}

/**
 * Starts a built platform service as a real process on 127.0.0.1 with free ports (0)
 * and `LOG_LEVEL=info` (the ready line, which carries the ports, is an info line), so
 * tests that run beside each other never collide. Read the gRPC address with
 * {@link grpcAddress}.
 */
export function startService(
  name: ServiceName,
  { env = {}, timeoutMs = 60_000 }: StartServiceOptions = {},
): Promise<ServiceProcess> {
  const service: { readyMessage: string; grpc?: string; metricsPort?: string } = SERVICES[name];
  const grpc = service.grpc
    ? { [`${service.grpc}_HOST`]: '127.0.0.1', [`${service.grpc}_PORT`]: '0' }
    : {};
  return ServiceProcess.start({
    entry: `services/${name}/dist/main.js`,
    readyMessage: service.readyMessage,
    timeoutMs,
    env: { ...grpc, [service.metricsPort ?? 'METRICS_PORT']: '0', LOG_LEVEL: 'info', ...env },
  });
}

/** `127.0.0.1:<grpcPort>` of a service started by {@link startService}, from its ready line. */
export function grpcAddress(service: ServiceProcess): string {
  const port = service.ready['grpcPort'];
  if (typeof port !== 'number') throw new Error('the ready line has no grpcPort');
  return `127.0.0.1:${port}`;
}
