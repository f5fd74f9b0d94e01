import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry, collectDefaultMetrics } from 'prom-client';

/** Every Ballast metric name starts here, so dashboards and alert rules find them. */
export const METRIC_PREFIX = 'ballast_';

/** Builds a metric name: `metricName('kafka', 'producer_buffered')` → `ballast_kafka_producer_buffered`. */
export function metricName(subsystem: string, name: string): string {
  const part = /^[a-z][a-z0-9_]*$/;
  if (!part.test(subsystem) || !part.test(name)) {
    throw new Error(`metric name parts must be snake_case, got "${subsystem}" and "${name}"`);
  }
  return `${METRIC_PREFIX}${subsystem}_${name}`;
}

/** A Prometheus registry with the process metrics and a `service` label on every series. */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

export interface MetricsServer {
  readonly port: number;
  close(): Promise<void>;
}

export interface MetricsServerOptions {
  registry: Registry;
  port: number;
  host?: string;
  /** Answers GET /healthz: 200 when true, 503 otherwise. */
  healthy?: () => boolean;
}

/** Serves GET /metrics (Prometheus text format) and GET /healthz. Port 0 picks a free port. */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/metrics') {
      options.registry.metrics().then(
        (body) => {
          res.writeHead(200, { 'content-type': options.registry.contentType });
          res.end(body);
        },
        (error: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(`metrics collection failed: ${String(error)}\n`);
        },
      );
      return;
    }
    if (req.method === 'GET' && req.url === '/healthz') {
      const ok = options.healthy?.() ?? true;
      res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' });
      res.end(ok ? 'ok\n' : 'unhealthy\n');
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found: try /metrics or /healthz\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
