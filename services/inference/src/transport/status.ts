import type { GrpcErrorStatus } from '@ballast/grpc';
import { ModelNotFoundError, VersionNotFoundError } from '@ballast/model-store';
import { TensorError } from '@ballast/tensors';
import { status } from '@grpc/grpc-js';
import {
  InvalidRequestError,
  ModelLoadError,
  ModelNotLoadedError,
  ModelOverloadedError,
} from '../domain/errors';

/** The one place where the inference service's errors become gRPC statuses. */
export function toGrpcStatus(error: unknown): GrpcErrorStatus | undefined {
  if (error instanceof ModelNotLoadedError)
    return { code: status.NOT_FOUND, message: error.message };
  if (error instanceof TensorError || error instanceof InvalidRequestError) {
    return { code: status.INVALID_ARGUMENT, message: error.message };
  }
  if (error instanceof ModelOverloadedError)
    return { code: status.RESOURCE_EXHAUSTED, message: error.message };
  if (error instanceof ModelLoadError) {
    const absent =
      error.cause instanceof ModelNotFoundError || error.cause instanceof VersionNotFoundError;
    return { code: absent ? status.NOT_FOUND : status.FAILED_PRECONDITION, message: error.message };
  }
  return undefined;
}
