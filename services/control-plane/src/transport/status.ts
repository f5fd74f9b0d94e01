import type { GrpcErrorStatus } from '@ballast/grpc';
import { status } from '@grpc/grpc-js';
import {
  GenerationConflictError,
  InvalidArgumentError,
  NotApplicableError,
  NotRegisteredError,
  VersionConflictError,
} from '../domain/errors';

/** The one place where the control plane's errors become gRPC statuses. */
export function toGrpcStatus(error: unknown): GrpcErrorStatus | undefined {
  const code =
    error instanceof InvalidArgumentError
      ? status.INVALID_ARGUMENT
      : error instanceof NotRegisteredError
        ? status.NOT_FOUND
        : error instanceof GenerationConflictError || error instanceof NotApplicableError
          ? status.FAILED_PRECONDITION
          : error instanceof VersionConflictError
            ? status.ALREADY_EXISTS
            : undefined;
  return code === undefined ? undefined : { code, message: (error as Error).message };
}
