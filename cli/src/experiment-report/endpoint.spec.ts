import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliError, UsageError } from '../command';
import { resolveExperimentsEndpoint } from './endpoint';

describe('resolveExperimentsEndpoint', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'ballast-exp-endpoint-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('prefers --address, then BALLAST_EXPERIMENTS, then the nearest .data/endpoints.json', () => {
    mkdirSync(join(root, '.data'));
    mkdirSync(join(root, 'sub'));
    writeFileSync(
      join(root, '.data', 'endpoints.json'),
      JSON.stringify({ services: { 'experiment-analytics': { grpc: '127.0.0.1:8020' } } }),
    );
    const cwd = join(root, 'sub');
    const env = { BALLAST_EXPERIMENTS: 'h:2' };
    expect(resolveExperimentsEndpoint({ flag: 'h:1', env, cwd }).address).toBe('h:1');
    expect(resolveExperimentsEndpoint({ flag: undefined, env, cwd }).address).toBe('h:2');
    expect(resolveExperimentsEndpoint({ flag: undefined, env: {}, cwd })).toEqual({
      address: '127.0.0.1:8020',
      source: join(root, '.data', 'endpoints.json'),
    });
  });

  it('names the source of a malformed address, and says where to set one when none', () => {
    expect(() => resolveExperimentsEndpoint({ flag: 'nope', env: {}, cwd: root })).toThrow(
      new UsageError("--address: 'nope' is not host:port"),
    );
    expect(() => resolveExperimentsEndpoint({ flag: undefined, env: {}, cwd: root })).toThrow(
      CliError,
    );
  });
});
