import { ControlService } from '@ballast/contracts';
import { createClient, type PromiseClient } from '@ballast/grpc';
import type { CliIo } from '../command';
import { resolveControlEndpoint, type ControlEndpoint } from './endpoint';
import { controlCallError } from './errors';

export type ControlClient = PromiseClient<(typeof ControlService)['method']>;

// Registration loads and checks the ONNX model on the control plane; every other call
// is a small read or write. Generous, so a slow machine is not a failure, yet a hung
// server does not hang the terminal.
const CALL_DEADLINE_MS = 60_000;

/** Every call of `client` with a deadline unless the caller gives one. */
function withDeadline(client: ControlClient, ms: number): ControlClient {
  return new Proxy(client, {
    get(target, key, receiver) {
      const member = Reflect.get(target, key, receiver) as unknown;
      if (key === 'close' || typeof member !== 'function') return member;
      return (request: unknown, options: { deadline?: Date | number } = {}) =>
        (member as (r: unknown, o: unknown) => unknown)(request, { deadline: ms, ...options });
    },
  });
}

export interface ControlSession {
  client: ControlClient;
  endpoint: ControlEndpoint;
}

/**
 * Opens a client to the control plane (address from `--control`, BALLAST_CONTROL or
 * .data/endpoints.json), runs `use` and closes it. A gRPC error escaping `use` becomes
 * a CliError with the status name, or the "unreachable" message naming the address.
 */
export async function withControl<T>(
  options: { control: string | undefined; io: CliIo },
  use: (session: ControlSession) => Promise<T>,
): Promise<T> {
  const endpoint = resolveControlEndpoint({
    flag: options.control,
    env: options.io.env,
    cwd: options.io.cwd,
  });
  const client = createClient(ControlService, endpoint.address);
  try {
    return await use({ client: withDeadline(client, CALL_DEADLINE_MS), endpoint });
  } catch (error) {
    throw controlCallError(error, endpoint.address);
  } finally {
    client.close();
  }
}
