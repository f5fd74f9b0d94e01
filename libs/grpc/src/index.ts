/**
 * @ballast/grpc: serve and call protobuf-es services (generated in @ballast/contracts)
 * over @grpc/grpc-js, with W3C trace context carried in metadata and domain errors
 * mapped to statuses in one place per service.
 *
 * @example
 * import { Server, ServerCredentials, status } from '@grpc/grpc-js';
 * import { GRPCInferenceService } from '@ballast/contracts';
 * import { addService, createClient } from '@ballast/grpc';
 * const server = new Server();
 * addService(server, GRPCInferenceService, handlers, { logger, mapError });
 * const client = createClient(GRPCInferenceService, '127.0.0.1:8001');
 * const { live } = await client.serverLive({}, { deadline: 1_000 });
 */
export type { CallOptions, ClientOptions, PromiseClient } from './client';
export { createClient } from './client';
export type {
  AddServiceOptions,
  CallContext,
  GrpcErrorStatus,
  UnaryImplementation,
} from './service';
export { addService, grpcServiceDefinition } from './service';
