import type { GrpcErrorStatus } from '@ballast/grpc';
import { status } from '@grpc/grpc-js';
import {
  InvalidRequestError,
  ModelNotDeployedError,
  UnsupportedCallError,
  UpstreamError,
} from '../domain/errors';

/** The one place where the router's errors become gRPC statuses. */
export function toGrpcStatus(error: unknown): GrpcErrorStatus | undefined {
  if (error instanceof ModelNotDeployedError)
    return { code: status.NOT_FOUND, message: error.message };
  if (error instanceof InvalidRequestError)
    return { code: status.INVALID_ARGUMENT, message: error.message };
  if (error instanceof UnsupportedCallError)
    return { code: status.UNIMPLEMENTED, message: error.message };
  // A replica's answer, passed through as it came.
  if (error instanceof UpstreamError) return { code: error.code, message: error.details };
  return undefined;
}
