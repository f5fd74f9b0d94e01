import {
  context,
  propagation,
  type Context,
  type TextMapGetter,
  type TextMapSetter,
} from '@opentelemetry/api';
import {
  CompositePropagator,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

export interface TracingOptions {
  serviceName: string;
  /**
   * Where spans go. Defaults from the standard OpenTelemetry variables:
   * OTEL_TRACES_EXPORTER=otlp (with OTEL_EXPORTER_OTLP_ENDPOINT) or console; none otherwise.
   */
  exporter?: SpanExporter;
  /** Export each span at once (tests); production batches. */
  synchronous?: boolean;
}

function exporterFromEnv(env: NodeJS.ProcessEnv): SpanExporter | undefined {
  const kind =
    env['OTEL_TRACES_EXPORTER'] ?? (env['OTEL_EXPORTER_OTLP_ENDPOINT'] ? 'otlp' : 'none');
  if (kind === 'otlp') return new OTLPTraceExporter();
  if (kind === 'console') return new ConsoleSpanExporter();
  if (kind === 'none') return undefined;
  throw new Error(`OTEL_TRACES_EXPORTER: must be otlp, console or none, got "${kind}"`);
}

let activeProvider: NodeTracerProvider | undefined;

/**
 * Registers the process-wide tracer provider and the W3C trace-context and baggage
 * propagators. Call once, before anything else loads (see preload.ts).
 */
export function startTracing(options: TracingOptions): void {
  if (activeProvider) throw new Error('tracing is already started in this process');
  const exporter = options.exporter ?? exporterFromEnv(process.env);
  const spanProcessors: SpanProcessor[] = [];
  if (exporter) {
    spanProcessors.push(
      options.synchronous ? new SimpleSpanProcessor(exporter) : new BatchSpanProcessor(exporter),
    );
  }
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName }),
    spanProcessors,
  });
  provider.register({
    propagator: new CompositePropagator({
      propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
    }),
  });
  activeProvider = provider;
}

/** Flushes buffered spans and stops tracing; services call it last on shutdown. */
export async function shutdownTracing(): Promise<void> {
  const provider = activeProvider;
  activeProvider = undefined;
  await provider?.shutdown();
}

/** Kafka headers as KafkaJS hands them over: values are Buffers, strings or arrays of them. */
export type KafkaHeaders = Record<string, Buffer | string | (Buffer | string)[] | undefined>;

const kafkaHeaderGetter: TextMapGetter<KafkaHeaders> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const value = carrier[key];
    const first = Array.isArray(value) ? value[0] : value;
    return first === undefined ? undefined : first.toString();
  },
};

const kafkaHeaderSetter: TextMapSetter<KafkaHeaders> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};

/** Writes the current (or given) trace context into Kafka message headers. */
export function injectIntoKafkaHeaders(
  headers: KafkaHeaders,
  ctx: Context = context.active(),
): KafkaHeaders {
  propagation.inject(ctx, headers, kafkaHeaderSetter);
  return headers;
}

/** The trace context a producer put into a message's headers. */
export function extractFromKafkaHeaders(headers: KafkaHeaders | undefined): Context {
  return propagation.extract(context.active(), headers ?? {}, kafkaHeaderGetter);
}

/** The parts of @grpc/grpc-js's Metadata that propagation needs. */
export interface GrpcMetadataLike {
  get(key: string): (string | Buffer)[];
  set(key: string, value: string): void;
  getMap(): Record<string, string | Buffer>;
}

const grpcMetadataGetter: TextMapGetter<GrpcMetadataLike> = {
  keys: (carrier) => Object.keys(carrier.getMap()),
  get: (carrier, key) => {
    const values = carrier.get(key);
    return values.length === 0 ? undefined : values.map(String);
  },
};

const grpcMetadataSetter: TextMapSetter<GrpcMetadataLike> = {
  set: (carrier, key, value) => carrier.set(key, value),
};

/** Writes the current (or given) trace context into outgoing gRPC metadata. */
export function injectIntoGrpcMetadata<M extends GrpcMetadataLike>(
  metadata: M,
  ctx: Context = context.active(),
): M {
  propagation.inject(ctx, metadata, grpcMetadataSetter);
  return metadata;
}

/** The trace context a gRPC client sent in the call's metadata. */
export function extractFromGrpcMetadata(metadata: GrpcMetadataLike): Context {
  return propagation.extract(context.active(), metadata, grpcMetadataGetter);
}
