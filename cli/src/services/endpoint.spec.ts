import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CliError, EXIT, UsageError } from '../command';
import { CONTROL_PLANE, EXPERIMENT_ANALYTICS, resolveEndpoint } from './endpoint';

const resolveControlEndpoint = (sources: Parameters<typeof resolveEndpoint>[1]) =>
  resolveEndpoint(CONTROL_PLANE, sources);

describe('resolveEndpoint', () => {
  let root: string;
  let nested: string;
  const writeEndpoints = (content: unknown) => {
    mkdirSync(path.join(root, '.data'), { recursive: true });
    writeFileSync(path.join(root, '.data', 'endpoints.json'), JSON.stringify(content));
  };

  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'ballast-cli-endpoint-'));
    nested = path.join(root, 'a', 'b');
    mkdirSync(nested, { recursive: true });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('takes --control first, then BALLAST_CONTROL, then the nearest endpoints.json', () => {
    writeEndpoints({ services: { 'control-plane': { grpc: '127.0.0.1:8010' } } });
    const env = { BALLAST_CONTROL: 'control.local:9000' };
    expect(resolveControlEndpoint({ flag: 'h:1', env, cwd: nested })).toEqual({
      address: 'h:1',
      source: '--control',
    });
    expect(resolveControlEndpoint({ env, cwd: nested }).address).toBe('control.local:9000');
    expect(resolveControlEndpoint({ env: {}, cwd: nested })).toEqual({
      address: '127.0.0.1:8010',
      source: path.join(root, '.data', 'endpoints.json'),
    });
  });

  it('reads <BALLAST_DATA_DIR>/endpoints.json when BALLAST_DATA_DIR is set, as npm start does', () => {
    writeEndpoints({ services: { 'control-plane': { grpc: '127.0.0.1:8010' } } });
    const other = path.join(root, 'other');
    mkdirSync(other);
    writeFileSync(
      path.join(other, 'endpoints.json'),
      JSON.stringify({ services: { 'control-plane': { grpc: '127.0.0.1:28010' } } }),
    );
    expect(resolveControlEndpoint({ env: { BALLAST_DATA_DIR: other }, cwd: nested }).address).toBe(
      '127.0.0.1:28010',
    );
  });

  it('says how to start the platform when nothing gives an address', () => {
    let error: unknown;
    try {
      resolveControlEndpoint({ env: {}, cwd: nested });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(EXIT.failed);
    expect((error as Error).message).toContain(`no .data/endpoints.json found in ${nested}`);
    expect((error as Error).message).toContain('npm start');
    expect((error as Error).message).toContain('--control host:port');
  });

  it('says when endpoints.json lists no control plane', () => {
    writeEndpoints({ services: { inference: { grpc: '127.0.0.1:8001' } } });
    expect(() => resolveControlEndpoint({ env: {}, cwd: nested })).toThrow(
      /lists no control-plane service \(is the platform still starting\?\)/,
    );
  });

  it('refuses an address that is not host:port, naming where it came from', () => {
    expect(() => resolveControlEndpoint({ flag: 'localhost', env: {}, cwd: root })).toThrow(
      new UsageError("--control: 'localhost' is not host:port"),
    );
    expect(() => resolveControlEndpoint({ env: { BALLAST_CONTROL: 'h:port' }, cwd: root })).toThrow(
      "BALLAST_CONTROL: 'h:port' is not host:port",
    );
    expect(resolveControlEndpoint({ flag: '[::1]:8010', env: {}, cwd: root }).address).toBe(
      '[::1]:8010',
    );
  });

  it('looks up each service under its own key, option and variable', () => {
    writeEndpoints({
      services: {
        'control-plane': { grpc: '127.0.0.1:8010' },
        'experiment-analytics': { grpc: '127.0.0.1:8020' },
      },
    });
    expect(resolveEndpoint(EXPERIMENT_ANALYTICS, { env: {}, cwd: nested }).address).toBe(
      '127.0.0.1:8020',
    );
    const env = { BALLAST_CONTROL: 'h:1', BALLAST_EXPERIMENTS: 'h:2' };
    expect(resolveEndpoint(EXPERIMENT_ANALYTICS, { env, cwd: nested })).toEqual({
      address: 'h:2',
      source: 'BALLAST_EXPERIMENTS',
    });
    expect(() => resolveEndpoint(EXPERIMENT_ANALYTICS, { flag: 'x', env, cwd: nested })).toThrow(
      new UsageError("--address: 'x' is not host:port"),
    );
  });
});
