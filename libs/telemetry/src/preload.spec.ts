import { context, propagation, trace } from '@opentelemetry/api';
import { shutdownTracing } from './tracing';

afterAll(() => shutdownTracing());

it('the preload registers a tracer provider and the W3C propagators under OTEL_SERVICE_NAME', async () => {
  process.env['OTEL_SERVICE_NAME'] = 'preload-test';
  process.env['OTEL_TRACES_EXPORTER'] = 'none';
  await import('./preload.js');

  const span = trace.getTracer('t').startSpan('s');
  expect(span.isRecording()).toBe(true);
  expect(
    (span as unknown as { resource: { attributes: Record<string, unknown> } }).resource.attributes[
      'service.name'
    ],
  ).toBe('preload-test');
  const carrier: Record<string, string> = {};
  propagation.inject(trace.setSpan(context.active(), span), carrier);
  expect(Object.keys(carrier)).toContain('traceparent');
  span.end();
});
