import type { GrpcErrorStatus } from '@ballast/grpc';
import { status } from '@grpc/grpc-js';
import { ReportRequestError, UnknownModelError } from '../reports/drift-reports';

/** The one place where the drift API's errors become gRPC statuses. */
export function toGrpcStatus(error: unknown): GrpcErrorStatus | undefined {
  const code =
    error instanceof UnknownModelError
      ? status.NOT_FOUND
      : error instanceof ReportRequestError
        ? status.INVALID_ARGUMENT
        : undefined;
  return code === undefined ? undefined : { code, message: (error as Error).message };
}
