import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CliError, UsageError } from '../command';

/** Where the control plane's address came from, for messages. */
export interface ControlEndpoint {
  address: string;
  source: string;
}

export interface EndpointSources {
  /** `--control host:port`. */
  flag?: string;
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

function fromEndpointsFile(file: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
  const services = (parsed as { services?: Record<string, { grpc?: unknown }> }).services;
  const grpc = services?.['control-plane']?.grpc;
  return typeof grpc === 'string' ? grpc : undefined;
}

/**
 * The control plane's address: `--control`, else `BALLAST_CONTROL`, else the
 * `services["control-plane"].grpc` of the nearest `.data/endpoints.json`.
 */
export function resolveControlEndpoint(sources: EndpointSources): ControlEndpoint {
  if (sources.flag !== undefined)
    return { address: checkAddress(sources.flag, '--control'), source: '--control' };
  const fromEnv = sources.env['BALLAST_CONTROL'];
  if (fromEnv)
    return { address: checkAddress(fromEnv, 'BALLAST_CONTROL'), source: 'BALLAST_CONTROL' };
  const file = findEndpointsFile(sources.cwd, sources.env);
  const fromFile = file && fromEndpointsFile(file);
  if (file && fromFile) return { address: checkAddress(fromFile, file), source: file };
  const where = file
    ? `${file} lists no control-plane service (is the platform still starting?)`
    : `no ${ENDPOINTS} found in ${path.resolve(sources.cwd)} or above`;
  throw new CliError(
    `no control plane address: ${where}. Start the platform with \`npm start\` in the ` +
      'repository, or pass --control host:port, or set BALLAST_CONTROL=host:port',
  );
}
