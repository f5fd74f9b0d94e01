import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CliError, UsageError } from '../command';

/** A Ballast service the CLI calls over gRPC, and how the user names its address. */
export interface ServiceTarget {
  /** Its key in `endpoints.json`'s `services`. */
  readonly service: string;
  /** How messages name it. */
  readonly label: string;
  /** The option that gives its address, e.g. `--control`. */
  readonly flag: string;
  /** The environment variable that gives its address. */
  readonly envVar: string;
}

export const CONTROL_PLANE: ServiceTarget = {
  service: 'control-plane',
  label: 'control plane',
  flag: '--control',
  envVar: 'BALLAST_CONTROL',
};
export const EXPERIMENT_ANALYTICS: ServiceTarget = {
  service: 'experiment-analytics',
  label: 'experiment-analytics',
  flag: '--address',
  envVar: 'BALLAST_EXPERIMENTS',
};
export const DRIFT_ANALYSIS: ServiceTarget = {
  service: 'drift-analysis',
  label: 'drift-analysis',
  flag: '--address',
  envVar: 'BALLAST_DRIFT',
};

/** A service's address and where it came from, for messages. */
export interface Endpoint {
  address: string;
  source: string;
}

export interface EndpointSources {
  /** The value of the target's option, when given. */
  flag?: string | undefined;
  env: NodeJS.ProcessEnv;
  /** Where to start looking for `.data/endpoints.json`. */
  cwd: string;
}

const ENDPOINTS = path.join('.data', 'endpoints.json');

// host:port or [v6]:port; grpc-js would accept more (dns:, unix:), so those pass as is.
function checkAddress(address: string, source: string): string {
  const trimmed = address.trim();
  if (/^(dns|unix|ipv4|ipv6):/.test(trimmed) || /^(\[[^\]]+\]|[^:\s]+):\d{1,5}$/.test(trimmed))
    return trimmed;
  throw new UsageError(`${source}: '${address}' is not host:port`);
}

/**
 * `<BALLAST_DATA_DIR>/endpoints.json` when that is set (as for `npm start`), else the
 * nearest `.data/endpoints.json` at or above `cwd`.
 */
function findEndpointsFile(cwd: string, env: NodeJS.ProcessEnv): string | undefined {
  const dataDir = env['BALLAST_DATA_DIR'];
  if (dataDir) {
    const file = path.resolve(cwd, dataDir, 'endpoints.json');
    return existsSync(file) ? file : undefined;
  }
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    const file = path.join(dir, ENDPOINTS);
    if (existsSync(file)) return file;
    if (path.dirname(dir) === dir) return undefined;
  }
}

function fromEndpointsFile(file: string, service: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
  const services = (parsed as { services?: Record<string, { grpc?: unknown }> }).services;
  const grpc = services?.[service]?.grpc;
  return typeof grpc === 'string' ? grpc : undefined;
}

/**
 * A service's address: the target's option, else its environment variable, else
 * `services[<service>].grpc` of the endpoints file `npm start` writes.
 */
export function resolveEndpoint(target: ServiceTarget, sources: EndpointSources): Endpoint {
  if (sources.flag !== undefined)
    return { address: checkAddress(sources.flag, target.flag), source: target.flag };
  const fromEnv = sources.env[target.envVar];
  if (fromEnv) return { address: checkAddress(fromEnv, target.envVar), source: target.envVar };
  const file = findEndpointsFile(sources.cwd, sources.env);
  const fromFile = file && fromEndpointsFile(file, target.service);
  if (file && fromFile) return { address: checkAddress(fromFile, file), source: file };
  const where = file
    ? `${file} lists no ${target.service} service (is the platform still starting?)`
    : `no ${ENDPOINTS} found in ${path.resolve(sources.cwd)} or above`;
  throw new CliError(
    `no ${target.label} address: ${where}. Start the platform with \`npm start\` in the ` +
      `repository, or pass ${target.flag} host:port, or set ${target.envVar}=host:port`,
  );
}
