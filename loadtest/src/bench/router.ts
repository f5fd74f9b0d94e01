/**
 * The router benchmark, on the local stack (mock Kafka cluster): a control plane, two
 * inference replicas and two routers run as real processes on this machine, serving
 * a copy of the demo model registered under a name of this run's own.
 *
 *   direct   calls spread round robin over the two inference replicas: the ceiling;
 *   router   the same calls through one router (route, forward, emit the event);
 * over a closed-loop concurrency sweep (the targets: +0.5 ms p50 at c=1, at
 * least 70% of direct throughput at c=64); then how long a deploy and a rollback take
 * from the `ballast` CLI call until every router serves the new version (target 2 s).
 *
 *   npm run bench:router -- [--concurrency 1,64] [--duration 5s] [--changes 3] [--json]
 */
import { ControlService, GRPCInferenceService, type ModelInferResponse } from '@ballast/contracts';
import { createClient, type PromiseClient } from '@ballast/grpc';
import { ServiceProcess, copyDemoModel, stackFromEnv } from '@ballast/testing';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  durationArg,
  flagArg,
  intArg,
  intListArg,
  parseArgs,
  printReport,
  stringArg,
  sweep,
  type RunResult,
} from '../index';

const ROOT = path.resolve(__dirname, '../../..');
const args = parseArgs(process.argv.slice(2), {
  concurrency: intListArg({ min: 1, default: [1, 64] }),
  duration: durationArg({ default: 5_000 }),
  warmup: durationArg({ default: 2_000 }),
  changes: intArg({ min: 1, default: 3 }),
  execution: stringArg({ default: 'auto' }),
  json: flagArg(),
});
const stack = stackFromEnv();
const say = (line: string) => process.stderr.write(`${line}\n`);
const demo = path.join(ROOT, 'infra/demo-models/breast-cancer');
const model = `bench-router-${Date.now().toString(36)}`;
const rows = (
  JSON.parse(readFileSync(path.join(demo, '1', 'expected.json'), 'utf8')) as {
    inputs: { input: { data: number[][] } };
  }
).inputs.input.data.slice(0, 1);
const request = {
  modelName: model,
  inputs: [
    {
      name: 'input',
      datatype: 'FP32',
      shape: [1n, BigInt(rows[0]!.length)],
      contents: { fp32Contents: rows.flat() },
    },
  ],
};

type InferenceClient = PromiseClient<(typeof GRPCInferenceService)['method']>;

function versionOf(response: ModelInferResponse): string | undefined {
  const choice = response.parameters['model_version']?.parameterChoice;
  return choice?.case === 'stringParam' ? choice.value : response.modelVersion;
}

/** Runs the built CLI against the bench's control plane; resolves when it exits 0. */
function ballast(control: string, ...cliArgs: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [path.join(ROOT, 'cli/bin/ballast.js'), ...cliArgs, '--control', control],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`ballast ${cliArgs.join(' ')}: ${stderr}`)),
    );
  });
}

/** Milliseconds from `change` starting until every router answers with `version`. */
async function timeToServe(
  routers: InferenceClient[],
  version: string,
  change: () => Promise<void>,
): Promise<number> {
  const started = performance.now();
  const done = change();
  await Promise.all(
    routers.map(async (router) => {
      for (;;) {
        const response = await router.modelInfer(request, { deadline: 5_000 }).catch(() => null);
        if (response && versionOf(response) === version) return;
        if (performance.now() - started > 30_000)
          throw new Error(`a router did not serve version ${version} within 30 s`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }),
  );
  const elapsed = performance.now() - started;
  await done;
  return elapsed;
}

async function main(): Promise<void> {
  const work = mkdtempSync(path.join(tmpdir(), 'ballast-bench-router-'));
  const store = path.join(work, 'models');
  const processes: ServiceProcess[] = [];
  const clients: { close(): void }[] = [];
  const results: RunResult[] = [];
  try {
    const controlPlane = await ServiceProcess.start({
      entry: 'services/control-plane/dist/main.js',
      readyMessage: 'control-plane ready',
      env: {
        CONTROL_GRPC_PORT: '0',
        METRICS_PORT: '0',
        MODEL_STORE_DIR: store,
        CONTROL_DATA_DIR: path.join(work, 'control-plane'),
        KAFKA_BROKERS: stack.KAFKA_BROKERS.join(','),
        LOG_LEVEL: 'info',
      },
    });
    processes.push(controlPlane);
    const control = `127.0.0.1:${String(controlPlane.ready['grpcPort'])}`;
    const controlClient = createClient(ControlService, control);
    clients.push(controlClient);
    const sources = copyDemoModel({ as: model, into: path.join(work, 'sources') });
    for (const [i, version] of ['1', '2'].entries()) {
      await controlClient.registerModelVersion({
        model,
        version,
        sourcePath: sources[i],
        context: { actor: 'bench', reason: 'router benchmark' },
      });
    }
    await ballast(control, 'deploy', model, '--version', '1', '--reason', 'bench');

    const replicas = await Promise.all(
      [0, 1].map(() =>
        ServiceProcess.start({
          entry: 'services/inference/dist/main.js',
          readyMessage: 'inference ready',
          env: {
            INFERENCE_GRPC_HOST: '127.0.0.1',
            INFERENCE_GRPC_PORT: '0',
            METRICS_PORT: '0',
            MODEL_STORE_DIR: store,
            KAFKA_BROKERS: stack.KAFKA_BROKERS.join(','),
            INFERENCE_EXECUTION: args.execution,
            LOG_LEVEL: 'info',
          },
        }),
      ),
    );
    processes.push(...replicas);
    const replicaAddresses = replicas.map((r) => `127.0.0.1:${String(r.ready['grpcPort'])}`);
    const routerProcesses = await Promise.all(
      [0, 1].map(() =>
        ServiceProcess.start({
          entry: 'services/router/dist/main.js',
          readyMessage: 'router ready',
          env: {
            ROUTER_GRPC_HOST: '127.0.0.1',
            ROUTER_GRPC_PORT: '0',
            METRICS_PORT: '0',
            ROUTER_INFERENCE_ADDRESSES: replicaAddresses.join(','),
            CONTROL_ADDRESS: control,
            MODEL_STORE_DIR: store,
            ROUTER_SPOOL_DIR: path.join(work, `spool-${processes.length}`),
            KAFKA_BROKERS: stack.KAFKA_BROKERS.join(','),
            LOG_LEVEL: 'info',
          },
        }),
      ),
    );
    processes.push(...routerProcesses);
    const routers = routerProcesses.map((r) =>
      createClient(GRPCInferenceService, `127.0.0.1:${String(r.ready['grpcPort'])}`),
    );
    const direct = replicaAddresses.map((a) => createClient(GRPCInferenceService, a));
    clients.push(...routers, ...direct);
    // Every replica and router serves version 1 before anything is timed.
    await timeToServe(routers, '1', async () => undefined);
    const directRequest = { ...request, modelVersion: '1' };
    let next = 0;
    const run = async (label: string, call: () => Promise<unknown>) => {
      say(label);
      results.push(
        ...(await sweep({
          label,
          call: async () => {
            await call();
          },
          concurrencies: args.concurrency,
          durationMs: args.duration,
          warmupMs: args.warmup,
          onResult: (r) =>
            say(
              `  c=${r.concurrency}: ${r.throughputPerSec.toFixed(0)} req/s, p50 ${r.latencyMs.p50.toFixed(3)} ms, p99 ${r.latencyMs.p99.toFixed(3)} ms, errors ${JSON.stringify(r.errors)}`,
            ),
        })),
      );
    };
    await run('direct (2 replicas)', () =>
      direct[next++ % direct.length]!.modelInfer(directRequest, { deadline: 10_000 }),
    );
    await run('router', () => routers[0]!.modelInfer(request, { deadline: 10_000 }));

    const deploys: number[] = [];
    const rollbacks: number[] = [];
    for (let i = 0; i < args.changes; i++) {
      deploys.push(
        await timeToServe(routers, '2', () =>
          ballast(control, 'deploy', model, '--version', '2', '--reason', 'bench'),
        ),
      );
      rollbacks.push(
        await timeToServe(routers, '1', () =>
          ballast(control, 'rollback', model, '--reason', 'bench'),
        ),
      );
    }
    printReport(results, { json: args.json });
    process.stdout.write(`\n${summary(results, deploys, rollbacks).join('\n')}\n`);
  } finally {
    for (const client of clients) client.close();
    await Promise.all(processes.map((p) => p.stop()));
    rmSync(work, { recursive: true, force: true });
  }
}

function summary(results: RunResult[], deploys: number[], rollbacks: number[]): string[] {
  const find = (label: string, c: number) =>
    results.find((r) => r.label === label && r.concurrency === c);
  const low = Math.min(...args.concurrency);
  const high = Math.max(...args.concurrency);
  const lines: string[] = [];
  const [dLow, rLow, dHigh, rHigh] = [
    find('direct (2 replicas)', low),
    find('router', low),
    find('direct (2 replicas)', high),
    find('router', high),
  ];
  if (dLow && rLow)
    lines.push(
      `c=${low}: router p50 ${rLow.latencyMs.p50.toFixed(3)} ms, direct ${dLow.latencyMs.p50.toFixed(3)} ms: +${(rLow.latencyMs.p50 - dLow.latencyMs.p50).toFixed(3)} ms (target <= +0.5 ms)`,
    );
  if (dHigh && rHigh)
    lines.push(
      `c=${high}: router ${rHigh.throughputPerSec.toFixed(0)} req/s = ${((100 * rHigh.throughputPerSec) / dHigh.throughputPerSec).toFixed(0)}% of direct ${dHigh.throughputPerSec.toFixed(0)} req/s (target >= 70%)`,
    );
  const ms = (values: number[]) => values.map((v) => v.toFixed(0)).join(', ');
  lines.push(
    `deploy, CLI call to both routers serving it: ${ms(deploys)} ms; max ${Math.max(...deploys).toFixed(0)} ms (target <= 2000 ms)`,
    `rollback, CLI call to both routers serving it: ${ms(rollbacks)} ms; max ${Math.max(...rollbacks).toFixed(0)} ms (target <= 2000 ms)`,
  );
  return lines;
}

main().catch((error: unknown) => {
  say(`bench: ${error instanceof Error ? error.stack : String(error)}`);
  process.exit(1);
});
