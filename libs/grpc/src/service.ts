import {
  create,
  fromBinary,
  toBinary,
  type DescMessage,
  type MessageInitShape,
  type MessageShape,
} from '@bufbuild/protobuf';
import type { GenService, GenServiceMethods } from '@bufbuild/protobuf/codegenv2';
import { extractFromGrpcMetadata, type Logger } from '@ballast/telemetry';
import * as grpc from '@grpc/grpc-js';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';

/** What a handler knows about its call besides the request. */
export interface CallContext {
  readonly metadata: grpc.Metadata;
  /** When the caller stops waiting, if it set a deadline. */
  readonly deadline: Date | undefined;
  /** Aborted when the caller cancels or its deadline passes. */
  readonly signal: AbortSignal;
}

/** One async function per unary method: request in, response fields out. */
export type UnaryImplementation<T extends GenServiceMethods> = {
  [K in keyof T]: (
    request: MessageShape<T[K]['input']>,
    call: CallContext,
  ) => Promise<MessageInitShape<T[K]['output']>>;
};

/** How a thrown error is reported to the caller. */
export interface GrpcErrorStatus {
  code: grpc.status;
  message: string;
}

export interface AddServiceOptions {
  logger: Logger;
  /**
   * Maps a domain error to a status. Return undefined for an unexpected error: the
   * caller then gets INTERNAL without details, and the error is logged.
   */
  mapError: (error: unknown) => GrpcErrorStatus | undefined;
}

function serializer<D extends DescMessage>(schema: D) {
  return {
    serialize: (message: MessageShape<D>) => Buffer.from(toBinary(schema, message)),
    deserialize: (bytes: Buffer) => fromBinary(schema, bytes),
  };
}

/** The grpc-js definition of a protobuf-es service (unary methods). */
export function grpcServiceDefinition<T extends GenServiceMethods>(
  service: GenService<T>,
): grpc.ServiceDefinition {
  const definition: Record<string, grpc.MethodDefinition<unknown, unknown>> = {};
  for (const method of service.methods) {
    if (method.methodKind !== 'unary') {
      throw new Error(`${service.typeName}.${method.name}: only unary methods are supported`);
    }
    const input = serializer(method.input);
    const output = serializer(method.output);
    definition[method.localName] = {
      path: `/${service.typeName}/${method.name}`,
      requestStream: false,
      responseStream: false,
      requestSerialize: input.serialize as (value: unknown) => Buffer,
      requestDeserialize: input.deserialize,
      responseSerialize: output.serialize as (value: unknown) => Buffer,
      responseDeserialize: output.deserialize,
    };
  }
  return definition;
}

const tracer = trace.getTracer('@ballast/grpc');

/**
 * Registers a protobuf-es service on a grpc-js server. Each call runs in a server
 * span that continues the caller's trace (W3C context from the metadata); errors
 * become statuses through `mapError`, in one place per service.
 */
export function addService<T extends GenServiceMethods>(
  server: grpc.Server,
  service: GenService<T>,
  implementation: UnaryImplementation<T>,
  options: AddServiceOptions,
): void {
  const handlers: grpc.UntypedServiceImplementation = {};
  for (const method of service.methods) {
    const handle = implementation[method.localName as keyof T];
    handlers[method.localName] = (
      call: grpc.ServerUnaryCall<unknown, unknown>,
      callback: grpc.sendUnaryData<unknown>,
    ) => {
      const parent = extractFromGrpcMetadata(call.metadata);
      const span = tracer.startSpan(
        `${service.typeName}/${method.name}`,
        {
          kind: SpanKind.SERVER,
          attributes: {
            'rpc.system': 'grpc',
            'rpc.service': service.typeName,
            'rpc.method': method.name,
          },
        },
        parent,
      );
      const deadline = call.getDeadline();
      // Made on first use: an AbortController per call is a measurable share of a
      // small call's CPU, and most handlers never look at it.
      let abort: AbortController | undefined;
      const ctx: CallContext = {
        metadata: call.metadata,
        deadline:
          deadline instanceof Date
            ? deadline
            : Number.isFinite(deadline)
              ? new Date(deadline)
              : undefined,
        get signal() {
          if (!abort) {
            const controller = new AbortController();
            if (call.cancelled) controller.abort();
            else call.once('cancelled', () => controller.abort());
            abort = controller;
          }
          return abort.signal;
        },
      };
      context
        .with(trace.setSpan(parent, span), () => handle(call.request as never, ctx))
        .then(
          (response) => {
            callback(null, create(method.output, response as never));
            span.end();
          },
          (error: unknown) => {
            const status = options.mapError(error);
            if (!status)
              options.logger.error('unexpected error in gRPC handler', {
                method: method.name,
                error,
              });
            const reported = status ?? { code: grpc.status.INTERNAL, message: 'internal error' };
            span.setStatus({ code: SpanStatusCode.ERROR, message: reported.message });
            span.setAttribute('rpc.grpc.status_code', reported.code);
            callback({
              code: reported.code,
              details: reported.message,
              metadata: new grpc.Metadata(),
            });
            span.end();
          },
        );
    };
  }
  server.addService(grpcServiceDefinition(service), handlers);
}
