import type { MessageInitShape, MessageShape } from '@bufbuild/protobuf';
import { create } from '@bufbuild/protobuf';
import type { GenService, GenServiceMethods } from '@bufbuild/protobuf/codegenv2';
import { injectIntoGrpcMetadata } from '@ballast/telemetry';
import * as grpc from '@grpc/grpc-js';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { grpcServiceDefinition } from './service';

export interface CallOptions {
  /** Absolute deadline, or milliseconds from now. */
  deadline?: Date | number;
  metadata?: grpc.Metadata;
}

/** A promise-based client: one method per unary RPC. */
export type PromiseClient<T extends GenServiceMethods> = {
  [K in keyof T]: (
    request: MessageInitShape<T[K]['input']>,
    options?: CallOptions,
  ) => Promise<MessageShape<T[K]['output']>>;
} & { close(): void };

export interface ClientOptions {
  credentials?: grpc.ChannelCredentials;
  channelOptions?: grpc.ChannelOptions;
}

const tracer = trace.getTracer('@ballast/grpc');

/**
 * A client for a protobuf-es service. Each call runs in a client span and carries
 * the current trace context in its metadata.
 */
export function createClient<T extends GenServiceMethods>(
  service: GenService<T>,
  address: string,
  options: ClientOptions = {},
): PromiseClient<T> {
  const Constructor = grpc.makeGenericClientConstructor(
    grpcServiceDefinition(service),
    service.name,
  );
  const raw = new Constructor(
    address,
    options.credentials ?? grpc.credentials.createInsecure(),
    options.channelOptions,
  );
  const client: Record<string, unknown> = { close: () => raw.close() };
  for (const method of service.methods) {
    const invoke = (raw as unknown as Record<string, unknown>)[method.localName] as (
      request: unknown,
      metadata: grpc.Metadata,
      options: grpc.CallOptions,
      callback: grpc.requestCallback<unknown>,
    ) => void;
    client[method.localName] = (request: never, callOptions: CallOptions = {}) => {
      const span = tracer.startSpan(`${service.typeName}/${method.name}`, {
        kind: SpanKind.CLIENT,
        attributes: {
          'rpc.system': 'grpc',
          'rpc.service': service.typeName,
          'rpc.method': method.name,
        },
      });
      const metadata = injectIntoGrpcMetadata(
        callOptions.metadata?.clone() ?? new grpc.Metadata(),
        trace.setSpan(context.active(), span),
      );
      const deadline =
        typeof callOptions.deadline === 'number'
          ? new Date(Date.now() + callOptions.deadline)
          : callOptions.deadline;
      return new Promise((resolve, reject) => {
        invoke.call(
          raw,
          create(method.input, request),
          metadata,
          deadline ? { deadline } : {},
          (error, response) => {
            if (error) {
              span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
              reject(error);
            } else {
              resolve(response);
            }
            span.end();
          },
        );
      });
    };
  }
  return client as PromiseClient<T>;
}
