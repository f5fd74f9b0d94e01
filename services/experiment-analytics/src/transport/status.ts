import type { GrpcErrorStatus } from '@ballast/grpc';
import { status } from '@grpc/grpc-js';
import { NotAnalysedError, UnknownExperimentError } from '../reports/experiment-reports';
import { InvalidTrafficRequestError } from '../reports/traffic-rates';

/** The one place where the experiment API's errors become gRPC statuses. */
export function toGrpcStatus(error: unknown): GrpcErrorStatus | undefined {
  const code =
    error instanceof UnknownExperimentError
      ? status.NOT_FOUND
      : error instanceof NotAnalysedError
        ? status.FAILED_PRECONDITION
        : error instanceof InvalidTrafficRequestError
          ? status.INVALID_ARGUMENT
          : undefined;
  return code === undefined ? undefined : { code, message: (error as Error).message };
}
