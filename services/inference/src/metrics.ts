import { metricName } from '@ballast/telemetry';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { ExecutionObserver } from './domain/loaded-version';

const LATENCY_BUCKETS = [
  0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1,
];

/** The inference service's Prometheus metrics, named in one place. */
export class InferenceMetrics implements ExecutionObserver {
  readonly requests: Counter<'model' | 'version' | 'code'>;
  readonly latency: Histogram<'model' | 'version'>;
  private readonly queue: Histogram<'model' | 'version'>;
  private readonly batchSize: Histogram<'model' | 'version'>;

  constructor(registry: Registry, loadedVersions: () => number) {
    const registers = [registry];
    this.requests = new Counter({
      name: metricName('inference', 'requests_total'),
      help: 'ModelInfer calls by model, version and gRPC status code',
      labelNames: ['model', 'version', 'code'],
      registers,
    });
    this.latency = new Histogram({
      name: metricName('inference', 'request_duration_seconds'),
      help: 'ModelInfer time in the service, from decoded request to encoded response',
      labelNames: ['model', 'version'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.queue = new Histogram({
      name: metricName('inference', 'queue_duration_seconds'),
      help: 'Time a request waited for an execution slot and a batch before its model ran',
      labelNames: ['model', 'version'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.batchSize = new Histogram({
      name: metricName('inference', 'batch_size'),
      help: 'Rows per model execution (above the largest request: dynamic batching at work)',
      labelNames: ['model', 'version'],
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024],
      registers,
    });
    new Gauge({
      name: metricName('inference', 'loaded_model_versions'),
      help: 'Model versions resident in this process',
      registers,
      collect() {
        this.set(loadedVersions());
      },
    });
  }

  queued(model: string, version: string, seconds: number): void {
    this.queue.observe({ model, version }, seconds);
  }

  executed(model: string, version: string, rows: number): void {
    this.batchSize.observe({ model, version }, rows);
  }
}
