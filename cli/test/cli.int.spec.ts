// The built `ballast` CLI as a child process against the real control plane (built
// service, real process, the stack's Kafka): register, deploy, canary, status,
// history, rollback, an experiment, and bad inputs that must change nothing. The
// control topic is shared by every run, so this run's model has a name of its own.
import { ServiceProcess, copyDemoModel, stackFromEnv } from '@ballast/testing';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'cli/bin/ballast.js');
const MODEL = `cli-${randomUUID().slice(0, 8)}`;
// Who the CLI records when --actor is not given.
const ME = userInfo().username;

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

let scratch: string;
let controlPlane: ServiceProcess;
let address: string;

/** Runs `node cli/bin/ballast.js <argv> --control <address>` and waits for it to exit. */
function ballast(...argv: string[]): Promise<Result> {
  const env = { ...process.env };
  delete env['BALLAST_CONTROL'];
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...argv, '--control', address],
      { cwd: scratch, env },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

async function json<T = Record<string, unknown>>(...argv: string[]): Promise<T> {
  const result = await ballast(...argv, '--json');
  expect(result).toMatchObject({ code: 0, stderr: '' });
  return JSON.parse(result.stdout) as T;
}

/** What a refused command must leave as it was: the deployment and the history. */
async function snapshot() {
  return {
    status: await json('status', MODEL),
    history: await json<{ entries: unknown[] }>('history', MODEL),
  };
}

beforeAll(async () => {
  scratch = mkdtempSync(path.join(tmpdir(), 'ballast-cli-int-'));
  copyDemoModel({ as: MODEL, into: path.join(scratch, 'sources') });
  controlPlane = await ServiceProcess.start({
    entry: 'services/control-plane/dist/main.js',
    readyMessage: 'control-plane ready',
    env: {
      CONTROL_GRPC_HOST: '127.0.0.1',
      CONTROL_GRPC_PORT: '0',
      METRICS_PORT: '0',
      MODEL_STORE_DIR: path.join(scratch, 'store'),
      CONTROL_DATA_DIR: path.join(scratch, 'control'),
      KAFKA_BROKERS: stackFromEnv().KAFKA_BROKERS.join(','),
    },
  });
  address = `127.0.0.1:${String(controlPlane.ready['grpcPort'])}`;
});

afterAll(async () => {
  await controlPlane?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('ballast CLI against the control plane', () => {
  it('registers versions 1 and 2 from a folder (relative to the working folder)', async () => {
    for (const version of ['1', '2']) {
      const result = await ballast(
        'models',
        'register',
        '--model',
        MODEL,
        '--version',
        version,
        '--path',
        `sources/${version}`,
        '--reason',
        'cli integration test',
      );
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout).toContain(`registered ${MODEL} version ${version}\n`);
    }
    const { models } = await json<{ models: { name: string; versions: string[] }[] }>(
      'models',
      'list',
    );
    expect(models.find((m) => m.name === MODEL)?.versions).toEqual(['1', '2']);
    const shown = await ballast('models', 'show', MODEL);
    expect(shown.stdout).toContain(`model ${MODEL}\ndeployment: none\n`);
    expect(shown.stdout).toMatch(new RegExp(`\\n1 +[0-9a-f]{12} .* ${ME} +30 +yes\\n`));
  });

  it('deploys version 1, then a canary that keeps 1 as its stable', async () => {
    const first = await ballast('deploy', MODEL, '--version', '1');
    expect(first).toEqual({
      code: 0,
      stdout: `deployed: ${MODEL} generation 1: replace — 1 100%\n`,
      stderr: '',
    });
    const canary = await ballast('deploy', MODEL, '--canary', '2', '--weight', '0.1');
    expect(canary.code).toBe(0);
    expect(canary.stderr).toBe(
      `ballast: stable version 1, from ${MODEL}'s current deployment (generation 1)\n`,
    );
    expect(canary.stdout).toContain(`${MODEL} generation 2: canary — 1 90%, 2 10%`);
  });

  it('status --json is the deployment in the protobuf JSON mapping', async () => {
    expect(await json('status', MODEL)).toEqual({
      deployment: {
        model: MODEL,
        generation: '2',
        canary: { stableVersion: '1', canaryVersion: '2', canaryWeight: 0.1, salt: MODEL },
      },
    });
    const table = await ballast('status');
    expect(table.stdout).toMatch(new RegExp(`\\n${MODEL} +2 +canary +1 90%, 2 10%`));
  });

  it('history shows every change, newest first, with actor and reason', async () => {
    const { entries } = await json<{ entries: { action: string; actor: string }[] }>(
      'history',
      MODEL,
    );
    expect(entries.map((e) => e.action)).toEqual(['deploy', 'deploy', 'register', 'register']);
    expect(new Set(entries.map((e) => e.actor))).toEqual(new Set([ME]));
    const table = await ballast('history', MODEL, '--limit', '2');
    expect(table.stdout.trimEnd().split('\n')).toHaveLength(3);
    expect(table.stdout).toContain('generation 2 canary: 1 90%, 2 10%');
  });

  it('rolls back to the deployment before, as a new generation', async () => {
    const result = await ballast(
      'rollback',
      MODEL,
      '--reason',
      'canary looks worse',
      '--actor',
      'ops-bot',
      '--expected-generation',
      '2',
    );
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toBe(`rolled back: ${MODEL} generation 3: replace — 1 100%\n`);
    const { entries } = await json<{ entries: Record<string, unknown>[] }>('history', MODEL);
    expect(entries[0]).toMatchObject({
      action: 'rollback',
      actor: 'ops-bot',
      reason: 'canary looks worse',
    });
  });

  it.each<[string, string[], number, RegExp]>([
    [
      'an unknown model',
      ['deploy', `${MODEL}-nosuch`, '--version', '1'],
      1,
      /^ballast: NOT_FOUND: .*model "cli-[0-9a-f]+-nosuch" is not registered\n$/,
    ],
    [
      'an unknown version',
      ['deploy', MODEL, '--version', '7'],
      1,
      /^ballast: NOT_FOUND: .*has no registered version "7"\n$/,
    ],
    [
      'weights not summing to 1',
      [
        'deploy',
        MODEL,
        '--experiment',
        'e1',
        '--variants',
        'control=1:0.5,treatment=2:0.4',
        '--unit-field',
        'user_id',
      ],
      1,
      /^ballast: INVALID_ARGUMENT: deployment\.experiment\.variants: weights sum to 0\.9, must sum to 1\n$/,
    ],
    [
      'malformed --variants',
      [
        'deploy',
        MODEL,
        '--experiment',
        'e1',
        '--variants',
        'control=1,treatment=2',
        '--unit-field',
        'user_id',
      ],
      2,
      /^ballast: --variants: 'control=1' is not NAME=VERSION:WEIGHT/,
    ],
    [
      'a weight outside [0, 1]',
      ['deploy', MODEL, '--canary', '2', '--weight', '10'],
      2,
      /^ballast: --weight must be between 0 and 1, got 10\n$/,
    ],
    [
      'a stale expected generation',
      ['deploy', MODEL, '--version', '2', '--expected-generation', '1'],
      1,
      /^ballast: FAILED_PRECONDITION: .*generation 3, expected 1\n$/,
    ],
  ])('refuses %s with a clear message and changes nothing', async (_what, argv, code, message) => {
    const before = await snapshot();
    const result = await ballast(...argv);
    expect(result.code).toBe(code);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
    expect(await snapshot()).toEqual(before);
  });

  it('runs an experiment: pause, resume, promote the treatment', async () => {
    const started = await ballast(
      'deploy',
      MODEL,
      '--experiment',
      'e1',
      '--variants',
      'control=1:0.5,treatment=2:0.5',
      '--unit-field',
      'user_id',
      '--expected-generation',
      '3',
    );
    expect(started.code).toBe(0);
    expect(started.stdout).toContain('experiment e1 running, control control, unit user_id');
    expect((await ballast('experiment', 'pause', MODEL)).stdout).toContain('experiment e1 paused');
    expect((await ballast('experiment', 'resume', MODEL)).stdout).toContain(
      'experiment e1 running',
    );
    const promoted = await ballast('promote', MODEL, '--variant', 'treatment');
    expect(promoted.stdout).toBe(`promoted: ${MODEL} generation 7: replace — 2 100%\n`);
  });
});
