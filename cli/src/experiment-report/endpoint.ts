import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CliError, UsageError } from '../command';

/** Where the experiment-analytics address came from, for messages. */
export interface ExperimentsEndpoint {
  address: string;
  source: string;
}

const SERVICE = 'experiment-analytics';

function hostPort(address: string, source: string): string {
  const trimmed = address.trim();
  if (/^(\[[^\]]+\]|[^:\s]+):\d{1,5}$/.test(trimmed)) return trimmed;
  throw new UsageError(`${source}: '${address}' is not host:port`);
}

/** `services["experiment-analytics"].grpc` of the nearest `.data/endpoints.json` at or above `cwd`. */
function fromEndpointsFiles(cwd: string): { address: string; file: string } | undefined {
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    const file = path.join(dir, '.data', 'endpoints.json');
    if (existsSync(file)) {
      let parsed: { services?: Record<string, { grpc?: unknown }> };
      try {
        parsed = JSON.parse(readFileSync(file, 'utf8')) as typeof parsed;
      } catch (error) {
        throw new CliError(`cannot read ${file}: ${(error as Error).message}`, { cause: error });
      }
      const grpc = parsed.services?.[SERVICE]?.grpc;
      return typeof grpc === 'string' ? { address: grpc, file } : undefined;
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

/**
 * The experiment-analytics gRPC address: `--address`, else `BALLAST_EXPERIMENTS`, else
 * `services["experiment-analytics"].grpc` of the nearest `.data/endpoints.json`.
 */
export function resolveExperimentsEndpoint(sources: {
  flag: string | undefined;
  env: NodeJS.ProcessEnv;
  cwd: string;
}): ExperimentsEndpoint {
  if (sources.flag !== undefined)
    return { address: hostPort(sources.flag, '--address'), source: '--address' };
  const fromEnv = sources.env['BALLAST_EXPERIMENTS'];
  if (fromEnv)
    return { address: hostPort(fromEnv, 'BALLAST_EXPERIMENTS'), source: 'BALLAST_EXPERIMENTS' };
  const found = fromEndpointsFiles(sources.cwd);
  if (found) return { address: hostPort(found.address, found.file), source: found.file };
  throw new CliError(
    `no ${SERVICE} address: pass --address host:port, set BALLAST_EXPERIMENTS=host:port, ` +
      `or list services["${SERVICE}"].grpc in .data/endpoints.json`,
  );
}
