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
