// `npm start` as a user meets it: the stack comes up (ClickHouse answers SELECT 1,
// the broker's metadata lists the platform's topics), the inference service serves
// the demo models, drift-analysis watches them, endpoints are written to
// <data>/endpoints.json, and Ctrl-C stops everything, leaving no process behind.
// It runs beside the test stack, on its own ports and data folder.
import { spawn, spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { GRPCInferenceService } from '@ballast/contracts';
import { createClient } from '@ballast/grpc';
import { TOPICS, createKafka } from '@ballast/kafka';
import { createLogger } from '@ballast/telemetry';
import { waitFor } from '@ballast/testing';

const root = path.resolve(__dirname, '..', '..');

function processesUsing(dataDir: string): string[] {
  const out = spawnSync('pgrep', ['-af', dataDir], { encoding: 'utf8' }).stdout;
  return out.split('\n').filter((line) => line.trim() !== '' && !line.includes('pgrep'));
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

it('npm start brings the local stack up and Ctrl-C takes it down completely', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ballast-start-'));
  const child = spawn('npm', ['start', '--silent'], {
    cwd: root,
    env: {
      ...process.env,
      BALLAST_DATA_DIR: dataDir,
      CLICKHOUSE_HTTP_PORT: '28123',
      CLICKHOUSE_TCP_PORT: '29000',
      KAFKA_MOCK_CONTROL_PORT: '29093',
      INFERENCE_GRPC_PORT: '28001',
      INFERENCE_METRICS_PORT: '29464',
      INFERENCE_2_GRPC_PORT: '28002',
      INFERENCE_2_METRICS_PORT: '29468',
      CONTROL_GRPC_PORT: '28010',
      CONTROL_METRICS_PORT: '29466',
      ROUTER_GRPC_PORT: '28000',
      ROUTER_METRICS_PORT: '29467',
      FEATURE_LOGGER_METRICS_PORT: '29465',
      EXPERIMENTS_GRPC_PORT: '28020',
      EXPERIMENTS_METRICS_PORT: '29469',
      DRIFT_GRPC_PORT: '28030',
      DRIFT_METRICS_PORT: '29470',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, like a terminal session, so Ctrl-C can be sent to the group.
    detached: true,
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<string>((resolve) =>
    child.on('exit', (code, signal) => resolve(signal ?? `exit ${code}`)),
  );
  try {
    await waitFor('npm start to report the stack up', () => output.includes('press Ctrl-C'), {
      timeoutMs: 150_000,
      intervalMs: 250,
    });
    const endpoints = JSON.parse(readFileSync(path.join(dataDir, 'endpoints.json'), 'utf8'));
    expect(endpoints.clickhouse.url).toBe('http://127.0.0.1:28123');

    const select = await fetch(`${endpoints.clickhouse.url}/?query=SELECT%201`);
    expect((await select.text()).trim()).toBe('1');

    const admin = createKafka({
      clientId: 'e2e',
      brokers: endpoints.kafka.brokers,
      logger: createLogger({ service: 'e2e', level: 'error' }),
    }).admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [] });
      const names = topics.map((t) => t.name);
      for (const topic of Object.values(TOPICS)) expect(names).toContain(topic.name);
    } finally {
      await admin.disconnect();
    }
    expect(processesUsing(dataDir).length).toBeGreaterThanOrEqual(2);

    expect(endpoints.services.inference.grpc).toBe('127.0.0.1:28001');
    const logger = await fetch(endpoints.services['feature-logger'].metrics);
    expect(await logger.text()).toContain('ballast_feature_logger_rows_inserted_total');
    const inference = createClient(GRPCInferenceService, endpoints.services.inference.grpc);
    try {
      await expect(inference.serverReady({})).resolves.toMatchObject({ ready: true });
      await expect(inference.modelReady({ name: 'breast-cancer' })).resolves.toMatchObject({
        ready: true,
      });
    } finally {
      inference.close();
    }
    // The demo model is registered and deployed: v1 with v2 as a 10% canary.
    const ballast = (...args: string[]) =>
      spawnSync('node', ['cli/bin/ballast.js', ...args, '--control', '127.0.0.1:28010'], {
        cwd: root,
        encoding: 'utf8',
      });
    const status = ballast('status', 'breast-cancer', '--json');
    expect(status.status).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      deployment: { model: 'breast-cancer', canary: { stableVersion: '1', canaryVersion: '2' } },
    });
    // Drift analysis watches the demo models from the start (no window analysed yet).
    expect(endpoints.services['drift-analysis'].grpc).toBe('127.0.0.1:28030');
    const drift = spawnSync(
      'node',
      ['cli/bin/ballast.js', 'drift', 'report', '--model', 'breast-cancer', '--json'],
      { cwd: root, encoding: 'utf8', env: { ...process.env, BALLAST_DATA_DIR: dataDir } },
    );
    expect(drift.stderr).toBe('');
    expect(JSON.parse(drift.stdout)).toMatchObject({ model: 'breast-cancer' });
    // The demo client printed by npm start works through the router (the front door).
    expect(endpoints.services.router.grpc).toBe('127.0.0.1:28000');
    const demo = spawnSync(
      'node',
      ['services/inference/dist/demo-client.js', 'breast-cancer', endpoints.services.router.grpc],
      { cwd: root, encoding: 'utf8' },
    );
    expect(demo.stderr).toBe('');
    expect(demo.stdout).toMatch(/breast-cancer version [12] .* answered 3 rows/);
    expect(demo.stdout).toMatch(/deployment: breast-cancer@\d+/);
    expect(demo.stdout).toMatch(/label \[3\] INT64: [01] [01] [01]/);

    // Ctrl-C in a terminal signals the whole foreground process group.
    process.kill(-(child.pid as number), 'SIGINT');
    // npm re-raises the signal its script got, as a shell does for Ctrl-C.
    expect(await exited).toMatch(/^(exit 0|SIGINT)$/);
    expect(output).toContain('SIGINT: stopping');
    await waitFor('every stack process to exit', () => processesUsing(dataDir).length === 0, {
      timeoutMs: 30_000,
    });
    for (const port of [28000, 28001, 28002, 28010, 28030])
      await waitFor(`port ${port} to close`, async () => !(await listening(port)), {
        timeoutMs: 15_000,
      });
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(-(child.pid as number), 'SIGKILL');
    }
    for (const line of processesUsing(dataDir))
      spawnSync('kill', ['-9', line.split(' ')[0] as string]);
    rmSync(dataDir, { recursive: true, force: true });
  }
});
