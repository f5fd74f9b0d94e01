import { metricName } from '@ballast/telemetry';
import { status } from '@grpc/grpc-js';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { DeploymentTable } from './domain/deployment-table';
import type { RouterObserver } from './domain/inference-router';
import type { AttemptOutcome, ReplicaPoolObserver } from './domain/replica-pool';
import type { Route } from './domain/route';
import type { ShadowMirrorObserver } from './domain/shadow-mirror';
import { toGrpcStatus } from './transport/status';

const LATENCY_BUCKETS = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** The router's Prometheus metrics, named in one place. */
export class RouterMetrics implements RouterObserver, ReplicaPoolObserver, ShadowMirrorObserver {
  private readonly requests: Counter<'model' | 'version' | 'variant' | 'code'>;
  private readonly latency: Histogram<'model' | 'version'>;
  private readonly attempts: Counter<'replica' | 'outcome'>;
  private readonly healthy: Gauge<'replica'>;
  private readonly shadow: Counter<'outcome'>;
  readonly unrecorded: Counter;

  constructor(registry: Registry, table: Pick<DeploymentTable, 'all'>) {
    const registers = [registry];
    this.requests = new Counter({
      name: metricName('router', 'requests_total'),
      help: 'ModelInfer calls by model, version, variant and gRPC status code (model empty: not deployed)',
      labelNames: ['model', 'version', 'variant', 'code'],
      registers,
    });
    this.latency = new Histogram({
      name: metricName('router', 'request_duration_seconds'),
      help: 'ModelInfer time in the router, forwarding and retries included',
      labelNames: ['model', 'version'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.attempts = new Counter({
      name: metricName('router', 'forward_attempts_total'),
      help: 'Calls to inference replicas by outcome: ok, retried (on another replica), failed',
      labelNames: ['replica', 'outcome'],
      registers,
    });
    this.healthy = new Gauge({
      name: metricName('router', 'replica_healthy'),
      help: '1 when the replica answers its readiness probe, else 0',
      labelNames: ['replica'],
      registers,
    });
    this.shadow = new Counter({
      name: metricName('router', 'shadow_requests_total'),
      help: 'Mirrored requests by outcome: ok, failed, dropped (too many in flight)',
      labelNames: ['outcome'],
      registers,
    });
    this.unrecorded = new Counter({
      name: metricName('router', 'predictions_unrecorded_total'),
      help: 'Answered requests that produced no prediction event (no manifest for the version)',
      registers,
    });
    new Gauge({
      name: metricName('router', 'deployment_generation'),
      help: 'Generation of the active deployment, by model',
      labelNames: ['model'],
      registers,
      collect() {
        for (const d of table.all()) this.set({ model: d.model }, Number(d.generation));
      },
    });
  }

  served(route: Route | undefined, error: unknown, seconds: number): void {
    const code = error === undefined ? status.OK : (toGrpcStatus(error)?.code ?? status.INTERNAL);
    const model = route?.model ?? '';
    const version = route?.version ?? '';
    this.requests.inc({ model, version, variant: route?.variant ?? '', code: status[code] });
    this.latency.observe({ model, version }, seconds);
  }

  attempted(replica: string, outcome: AttemptOutcome): void {
    this.attempts.inc({ replica, outcome });
  }

  healthChanged(replica: string, healthy: boolean): void {
    this.healthy.set({ replica }, healthy ? 1 : 0);
  }

  mirrored(outcome: 'ok' | 'failed' | 'dropped'): void {
    this.shadow.inc({ outcome });
  }
}
