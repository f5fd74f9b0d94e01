import { status } from '@grpc/grpc-js';

/** Turns a rejected call's reason into the key it is counted under in `RunResult.errors`. */
export type ErrorClassifier = (err: unknown) => string;

/**
 * gRPC status codes by name (`8` → `RESOURCE_EXHAUSTED`), Node system error codes as
 * they are (`ECONNREFUSED`), otherwise the error's `name`; `unknown` when there is
 * nothing to go on. A numeric code that is not a gRPC status is shown as `code <n>`
 * rather than guessed at.
 */
export function classifyError(err: unknown): string {
  if (typeof err === 'object' && err !== null) {
    const { code, name } = err as { code?: unknown; name?: unknown };
    if (typeof code === 'number') {
      const statusName: unknown = status[code];
      return typeof statusName === 'string' ? statusName : `code ${code}`;
    }
    if (typeof code === 'string' && code !== '') return code;
    if (typeof name === 'string' && name !== '') return name;
  }
  return 'unknown';
}
