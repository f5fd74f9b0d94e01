import { status as Status } from '@grpc/grpc-js';
import { CliError, EXIT } from '../command';
import type { ServiceTarget } from './endpoint';

/** What grpc-js rejects a call with. */
interface GrpcError {
  code: number;
  details?: string;
}

function isGrpcError(error: unknown): error is GrpcError {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as GrpcError).code === 'number' &&
    'details' in error
  );
}

// The channel's own failures (no server listening, name not resolving) as opposed to
// an UNAVAILABLE the service answered with.
const NOT_CONNECTED = /No connection established|Name resolution failed|ECONNREFUSED|ENOTFOUND/;

/** grpc-js's "No connection established. Last error: Error: connect ECONNREFUSED ..." → its cause. */
function connectionProblem(details: string): string {
  return /Last error: (?:Error: )?(.*?)(?:\. Resolution note:.*)?$/s.exec(details)?.[1] || details;
}

/**
 * A failed call to a Ballast service as the message the user sees: `<STATUS NAME>:
 * <details>` (exit 1), or, when nothing answered at the address, a message naming it
 * and how to start the platform (exit 3). Anything that is not a gRPC error is
 * returned as is.
 */
export function serviceCallError(error: unknown, target: ServiceTarget, address: string): unknown {
  if (!isGrpcError(error)) return error;
  const name = Status[error.code] ?? `status ${error.code}`;
  const details = error.details || '(no details)';
  if (
    (error.code === Status.UNAVAILABLE && NOT_CONNECTED.test(details)) ||
    (error.code === Status.DEADLINE_EXCEEDED &&
      /waiting for (LB pick|name resolution)/i.test(details))
  ) {
    return new CliError(
      `${target.label} unreachable at ${address} (${connectionProblem(details)}). Is it running? ` +
        `\`npm start\` starts the platform; ${target.flag} or ${target.envVar} choose another address`,
      { exitCode: EXIT.unreachable, cause: error },
    );
  }
  return new CliError(`${name}: ${details}`, { cause: error });
}
