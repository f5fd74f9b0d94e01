import { Metadata } from '@grpc/grpc-js';
import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { Counter } from 'prom-client';
import { createLogger } from './logger';
import { createMetricsRegistry, metricName, startMetricsServer } from './metrics';
import {
  extractFromGrpcMetadata,
  extractFromKafkaHeaders,
  injectIntoGrpcMetadata,
  injectIntoKafkaHeaders,
  shutdownTracing,
  startTracing,
  type KafkaHeaders,
} from './tracing';

const exporter = new InMemorySpanExporter();
beforeAll(() => startTracing({ serviceName: 'test', exporter, synchronous: true }));
afterAll(() => shutdownTracing());

const tracer = trace.getTracer('test');

describe('trace context propagation', () => {
  it('carries the W3C context through Kafka headers as KafkaJS delivers them', () => {
    tracer.startActiveSpan('produce', (span) => {
      const headers = injectIntoKafkaHeaders({});
      expect(headers['traceparent']).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      // KafkaJS hands header values back to consumers as Buffers.
      const delivered: KafkaHeaders = { traceparent: Buffer.from(String(headers['traceparent'])) };
      const remote = trace.getSpanContext(extractFromKafkaHeaders(delivered));
      expect(remote?.traceId).toBe(span.spanContext().traceId);
      expect(remote?.spanId).toBe(span.spanContext().spanId);
      span.end();
    });
  });

  it('carries the W3C context through gRPC metadata', () => {
    tracer.startActiveSpan('call', (span) => {
      const metadata = injectIntoGrpcMetadata(new Metadata());
      const remote = trace.getSpanContext(extractFromGrpcMetadata(metadata));
      expect(remote?.traceId).toBe(span.spanContext().traceId);
      expect(remote?.isRemote).toBe(true);
      span.end();
    });
  });

  it('yields no span context when the carrier has none', () => {
    expect(trace.getSpanContext(extractFromKafkaHeaders(undefined))).toBeUndefined();
    expect(trace.getSpanContext(extractFromGrpcMetadata(new Metadata()))).toBeUndefined();
  });

  it('exports spans to the configured exporter', () => {
    tracer.startSpan('exported').end();
    expect(exporter.getFinishedSpans().map((s) => s.name)).toContain('exported');
  });
});

describe('logger', () => {
  it('writes one JSON line with trace ids, bound fields and the error cause chain', () => {
    const lines: string[] = [];
    const log = createLogger({ service: 'svc', level: 'info', write: (l) => lines.push(l) }).child({
      component: 'kafka',
    });
    log.debug('hidden');
    tracer.startActiveSpan('op', (span) => {
      log.error('insert failed', { error: new Error('outer', { cause: new Error('root') }) });
      span.end();
    });
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0] ?? '{}');
    expect(line).toMatchObject({
      level: 'error',
      service: 'svc',
      component: 'kafka',
      msg: 'insert failed',
      error: { message: 'outer', cause: { message: 'root' } },
    });
    expect(line.trace_id).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('metrics', () => {
  it('builds names in one place and rejects bad parts', () => {
    expect(metricName('kafka', 'producer_buffered')).toBe('ballast_kafka_producer_buffered');
    expect(() => metricName('Kafka', 'x')).toThrow(/snake_case/);
  });

  it('serves /metrics in Prometheus format with the service label, and /healthz', async () => {
    const registry = createMetricsRegistry('svc');
    new Counter({
      name: metricName('test', 'things_total'),
      help: 'things',
      registers: [registry],
    }).inc(3);
    let healthy = true;
    const server = await startMetricsServer({
      registry,
      port: 0,
      host: '127.0.0.1',
      healthy: () => healthy,
    });
    try {
      const base = `http://127.0.0.1:${server.port}`;
      const body = await (await fetch(`${base}/metrics`)).text();
      expect(body).toContain('ballast_test_things_total{service="svc"} 3');
      expect(body).toContain('process_cpu_user_seconds_total');
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      healthy = false;
      expect((await fetch(`${base}/healthz`)).status).toBe(503);
      expect((await fetch(`${base}/nope`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
