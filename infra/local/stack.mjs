// The local stack: Debian packages, npm packages, build, ClickHouse and the mock
// Kafka cluster. Used by start.mjs (`npm start`) and test.mjs (`npm test`); plain
// Node so it runs before anything is installed.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DATA = path.resolve(ROOT, process.env.BALLAST_DATA_DIR ?? '.data');
export const ENDPOINTS_FILE = path.join(DATA, 'endpoints.json');

const CHCTL = path.join(ROOT, 'infra/clickhouse/chctl.sh');
const KAFKACTL = path.join(ROOT, 'infra/kafka/kafkactl.sh');

export function log(message) {
  process.stdout.write(`[ballast] ${message}\n`);
}

/** Runs a command with inherited output; throws when it fails. */
export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit', ...options });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} failed (${result.signal ?? `exit ${result.status}`})`,
    );
  }
}

/** Runs a command and returns its stdout, or undefined when it fails. */
export function read(command, args) {
  const result = spawnSync(command, args, {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/** Runs a command in the background; resolves with its exit code. */
export function runAsync(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: 'inherit', ...options });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/** Debian packages (ClickHouse, librdkafka for the broker launcher) and npm packages. */
export function install() {
  run('bash', [path.join(ROOT, 'infra/local/install-packages.sh')]);
  const lock = path.join(ROOT, 'package-lock.json');
  const installed = path.join(ROOT, 'node_modules/.package-lock.json');
  if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs) {
    log('installing npm packages (npm ci)');
    run('npm', ['ci', '--no-audit', '--no-fund']);
  }
}

/** Builds every project (Nx caches what did not change). */
export function build() {
  log('building');
  run('npx', ['nx', 'run-many', '-t', 'build', '--output-style=static']);
}

export function stackStatus() {
  return {
    clickhouse: spawnSync('bash', [CHCTL, 'status'], { stdio: 'ignore' }).status === 0,
    kafka: spawnSync('bash', [KAFKACTL, 'status'], { stdio: 'ignore' }).status === 0,
  };
}

/**
 * Starts whatever part of the stack is not running, applies the ClickHouse
 * migrations and writes .data/endpoints.json. Returns the parts it started, so
 * the caller stops only those.
 */
export async function startStack() {
  const before = stackStatus();
  const started = [];
  const starts = [];
  if (!before.clickhouse) {
    started.push('clickhouse');
    starts.push(runAsync('bash', [CHCTL, 'start']));
  }
  if (!before.kafka) {
    started.push('kafka');
    starts.push(runAsync('bash', [KAFKACTL, 'start']));
  }
  const codes = await Promise.all(starts);
  if (codes.some((code) => code !== 0)) {
    stopStack(started);
    throw new Error('the local stack did not start (see the messages above)');
  }
  const endpoints = writeEndpoints();
  run('node', [path.join(ROOT, 'libs/clickhouse/dist/migrate-cli.js')], {
    env: { ...process.env, ...stackEnv(endpoints) },
  });
  return started;
}

export function stopStack(parts = ['clickhouse', 'kafka']) {
  if (parts.includes('kafka')) spawnSync('bash', [KAFKACTL, 'stop'], { stdio: 'inherit' });
  if (parts.includes('clickhouse')) spawnSync('bash', [CHCTL, 'stop'], { stdio: 'inherit' });
}

function writeEndpoints() {
  const clickhouseUrl = read('bash', [CHCTL, 'url']);
  // kafkactl owns where the bootstrap servers are written; `status` prints them.
  const brokers = read('bash', [KAFKACTL, 'status']).split(',');
  const endpoints = {
    clickhouse: {
      url: clickhouseUrl,
      database: process.env.CLICKHOUSE_DATABASE ?? 'ballast',
      tcpPort: Number(process.env.CLICKHOUSE_TCP_PORT ?? 19000),
      analystUser: 'analyst',
    },
    kafka: {
      brokers,
      control: `127.0.0.1:${process.env.KAFKA_MOCK_CONTROL_PORT ?? 19093}`,
    },
    services: {},
  };
  mkdirSync(DATA, { recursive: true });
  writeFileSync(ENDPOINTS_FILE, `${JSON.stringify(endpoints, null, 2)}\n`);
  return endpoints;
}

/** The environment that points services and tests at the local stack. */
export function stackEnv(endpoints = JSON.parse(readFileSync(ENDPOINTS_FILE, 'utf8'))) {
  return {
    CLICKHOUSE_URL: endpoints.clickhouse.url,
    CLICKHOUSE_DATABASE: endpoints.clickhouse.database,
    KAFKA_BROKERS: endpoints.kafka.brokers.join(','),
    KAFKA_MOCK_CONTROL: endpoints.kafka.control,
  };
}

/**
 * The services `npm start` runs, each as `node --require <tracing preload> <entry>`:
 * the control plane, two inference replicas (scale-out: the router balances over
 * them), the router (the front door) and the feature logger. Models live in the
 * control plane's artifact store, <data>/models, which the replicas and the router read.
 * Ports come from the environment when set, so a second stack can run beside this one.
 */
export function serviceDefinitions(env = process.env) {
  const port = (name, fallback) => env[name] ?? fallback;
  const store = env.MODEL_STORE_DIR ?? path.join(DATA, 'models');
  const control = port('CONTROL_GRPC_PORT', '8010');
  const replicas = [
    { grpc: port('INFERENCE_GRPC_PORT', '8001'), metrics: port('INFERENCE_METRICS_PORT', '9464') },
    {
      grpc: port('INFERENCE_2_GRPC_PORT', '8002'),
      metrics: port('INFERENCE_2_METRICS_PORT', '9468'),
    },
  ];
  const router = port('ROUTER_GRPC_PORT', '8000');
  const metrics = {
    control: port('CONTROL_METRICS_PORT', '9466'),
    router: port('ROUTER_METRICS_PORT', '9467'),
    logger: port('FEATURE_LOGGER_METRICS_PORT', '9465'),
    experiments: port('EXPERIMENTS_METRICS_PORT', '9469'),
    drift: port('DRIFT_METRICS_PORT', '9470'),
  };
  const experiments = port('EXPERIMENTS_GRPC_PORT', '8020');
  const drift = port('DRIFT_GRPC_PORT', '8030');
  // The demo models' live traffic against the profiles they were registered with, in
  // 5-minute windows so that a local run shows results soon (DRIFT_MONITORS overrides).
  const demoMonitors = ['breast-cancer', 'wine', 'diabetes'].map((model) => ({
    name: `${model}-demo`,
    model,
    referenceVersion: '1',
    trafficVersion: '1',
    windowSeconds: 300,
  }));
  const grpcService = (name, entry, grpcPort, metricsPort, serviceEnv, extra = {}) => ({
    name,
    entry,
    env: { ...serviceEnv, METRICS_PORT: metricsPort },
    endpoints: {
      grpc: `127.0.0.1:${grpcPort}`,
      metrics: `http://127.0.0.1:${metricsPort}/metrics`,
    },
    healthz: `http://127.0.0.1:${metricsPort}/healthz`,
    ...extra,
  });
  return [
    grpcService('control-plane', 'services/control-plane/dist/main.js', control, metrics.control, {
      CONTROL_GRPC_PORT: control,
      MODEL_STORE_DIR: store,
      CONTROL_DATA_DIR: path.join(DATA, 'control-plane'),
    }),
    ...replicas.map((replica, i) =>
      grpcService(
        i === 0 ? 'inference' : `inference-${i + 1}`,
        'services/inference/dist/main.js',
        replica.grpc,
        replica.metrics,
        { INFERENCE_GRPC_PORT: replica.grpc, MODEL_STORE_DIR: store },
      ),
    ),
    grpcService('router', 'services/router/dist/main.js', router, metrics.router, {
      ROUTER_GRPC_PORT: router,
      ROUTER_INFERENCE_ADDRESSES: replicas.map((r) => `127.0.0.1:${r.grpc}`).join(','),
      CONTROL_ADDRESS: `127.0.0.1:${control}`,
      MODEL_STORE_DIR: store,
      ROUTER_SPOOL_DIR: path.join(DATA, 'router-spool'),
    }),
    // ClickHouse comes from the stack's environment; experiments are configured in
    // EXPERIMENTS_FILE (none by default: see services/experiment-analytics/README.md).
    grpcService(
      'experiment-analytics',
      'services/experiment-analytics/dist/main.js',
      experiments,
      metrics.experiments,
      { EXPERIMENTS_GRPC_PORT: experiments, EXPERIMENTS_FILE: env.EXPERIMENTS_FILE ?? '' },
    ),
    // Reads its monitors' reference profiles at start: started once the models are registered.
    grpcService(
      'drift-analysis',
      'services/drift-analysis/dist/main.js',
      drift,
      metrics.drift,
      {
        DRIFT_GRPC_PORT: drift,
        DRIFT_METRICS_PORT: metrics.drift,
        MODEL_STORE_DIR: store,
        DRIFT_MONITORS: env.DRIFT_MONITORS ?? JSON.stringify(demoMonitors),
      },
      { needsModels: true },
    ),
    {
      name: 'feature-logger',
      entry: 'services/feature-logger/dist/main.js',
      // A capped heap makes V8 collect before garbage shows in resident memory: measured
      // 204 MB peak instead of 398 MB while catching up (loadtest/README.md).
      nodeArgs: ['--max-old-space-size=160'],
      // Kafka and ClickHouse come from the stack's environment.
      env: { METRICS_PORT: metrics.logger },
      endpoints: { metrics: `http://127.0.0.1:${metrics.logger}/metrics` },
      healthz: `http://127.0.0.1:${metrics.logger}/healthz`,
    },
  ];
}

/**
 * Starts the services with the stack's environment, resolves once each reports healthy,
 * and adds them to the endpoints file. `needsModels`: the services that read registered
 * models at start (start them after registering), else all the others.
 */
export async function startServices(extraEnv, { needsModels = false } = {}) {
  const children = [];
  for (const service of serviceDefinitions()) {
    if (Boolean(service.needsModels) !== needsModels) continue;
    const child = spawn(
      'node',
      [
        ...(service.nodeArgs ?? []),
        '--require',
        path.join(ROOT, 'libs/telemetry/dist/preload.js'),
        path.join(ROOT, service.entry),
      ],
      {
        cwd: ROOT,
        env: { ...process.env, ...extraEnv, ...service.env, OTEL_SERVICE_NAME: service.name },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const prefix = (stream, out) =>
      stream.on('data', (chunk) => {
        for (const line of chunk.toString().split('\n'))
          if (line) out.write(`[${service.name}] ${line}\n`);
      });
    prefix(child.stdout, process.stdout);
    prefix(child.stderr, process.stderr);
    children.push({ service, child });
  }
  for (const { service, child } of children) {
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null)
        throw new Error(`${service.name} exited with code ${child.exitCode} while starting`);
      const ok = await fetch(service.healthz).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (Date.now() > deadline)
        throw new Error(`${service.name} did not become healthy within 60 s`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  const endpoints = JSON.parse(readFileSync(ENDPOINTS_FILE, 'utf8'));
  endpoints.services = {
    ...(needsModels ? endpoints.services : {}),
    ...Object.fromEntries(children.map(({ service }) => [service.name, service.endpoints])),
  };
  writeFileSync(ENDPOINTS_FILE, `${JSON.stringify(endpoints, null, 2)}\n`);
  return children;
}

/** SIGTERM to every service (they drain), SIGKILL after 10 s. */
export async function stopServices(children) {
  await Promise.all(
    children.map(({ child }) => {
      if (child.exitCode !== null || child.signalCode !== null) return undefined;
      return new Promise((resolve) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      });
    }),
  );
}
