import { createClient, type PromiseClient } from '@ballast/grpc';
import type { GenService, GenServiceMethods } from '@bufbuild/protobuf/codegenv1';
import type { CliIo } from '../command';
import { serviceCallError } from './call-error';
import { resolveEndpoint, type Endpoint, type ServiceTarget } from './endpoint';

export interface ServiceSession<T extends GenServiceMethods> {
  client: PromiseClient<T>;
  endpoint: Endpoint;
}

/** Every call of `client` with a deadline unless the caller gives one. */
function withDeadline<T extends GenServiceMethods>(
  client: PromiseClient<T>,
  ms: number,
): PromiseClient<T> {
  return new Proxy(client, {
    get(target, key, receiver) {
      const member = Reflect.get(target, key, receiver) as unknown;
      if (key === 'close' || typeof member !== 'function') return member;
      return (request: unknown, options: { deadline?: Date | number } = {}) =>
        (member as (r: unknown, o: unknown) => unknown)(request, { deadline: ms, ...options });
    },
  });
}

/**
 * Opens a client to `target` (address from its option, its environment variable or
 * the endpoints file), runs `use` with every call under `deadlineMs`, and closes it.
 * A gRPC error escaping `use` becomes a CliError with the status name, or the
 * "unreachable" message naming the address.
 */
export async function withService<T extends GenServiceMethods, R>(
  target: ServiceTarget,
  service: GenService<T>,
  options: { flag: string | undefined; io: CliIo; deadlineMs: number },
  use: (session: ServiceSession<T>) => Promise<R>,
): Promise<R> {
  const endpoint = resolveEndpoint(target, {
    flag: options.flag,
    env: options.io.env,
    cwd: options.io.cwd,
  });
  const client = createClient(service, endpoint.address);
  try {
    return await use({ client: withDeadline(client, options.deadlineMs), endpoint });
  } catch (error) {
    throw serviceCallError(error, target, endpoint.address);
  } finally {
    client.close();
  }
}
