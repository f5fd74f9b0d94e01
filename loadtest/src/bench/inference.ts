/**
 * The inference benchmark: one run, same machine, same model and rows, comparing
 *   raw       onnxruntime-node `session.run` in this process (the floor),
 *   naive     a Node HTTP + JSON server, one `session.run` per request (the baseline),
 *   ballast   the inference service over gRPC (Open Inference Protocol), batching off and on,
 *             and its no-op ServerLive call: the gRPC transport's own floor on this machine,
 * over a closed-loop concurrency sweep; then the inference process's resident memory
 * with every demo model loaded, and the targets checked against the figures.
 *
 *   npm run bench:inference -- [--concurrency 1,8,64] [--duration 5s] [--json]
 */
import { GRPCInferenceService } from '@ballast/contracts';
import { createClient } from '@ballast/grpc';
import { ServiceProcess } from '@ballast/testing';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
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
import { processMemoryMb } from './process-memory';

const ROOT = path.resolve(__dirname, '../../..');
const args = parseArgs(process.argv.slice(2), {
  model: stringArg({ default: 'breast-cancer' }),
  version: stringArg({ default: '2' }),
  rows: intArg({ min: 1, default: 1 }),
  concurrency: intListArg({ min: 1, default: [1, 8, 64] }),
  duration: durationArg({ default: 5_000 }),
  warmup: durationArg({ default: 2_000 }),
  execution: stringArg({ default: 'auto,worker' }),
  json: flagArg(),
});

const modelDir = path.join(ROOT, 'infra/demo-models', args.model, args.version);
const expected = JSON.parse(readFileSync(path.join(modelDir, 'expected.json'), 'utf8')) as {
  inputs: { input: { data: number[][] } };
};
const sample = expected.inputs.input.data;
const rows = Array.from({ length: args.rows }, (_, i) => sample[i % sample.length]!);
const width = rows[0]!.length;
const results: RunResult[] = [];

function progress(result: RunResult): void {
  process.stderr.write(
    `  ${result.label} c=${result.concurrency}: ${result.throughputPerSec.toFixed(0)} req/s, p50 ${result.latencyMs.p50.toFixed(3)} ms, p99 ${result.latencyMs.p99.toFixed(3)} ms\n`,
  );
}

async function run(label: string, call: () => Promise<void>): Promise<void> {
  process.stderr.write(`${label}\n`);
  results.push(
    ...(await sweep({
      label,
      call,
      concurrencies: args.concurrency,
      durationMs: args.duration,
      warmupMs: args.warmup,
      onResult: progress,
    })),
  );
}

async function raw(): Promise<void> {
  const session = await ort.InferenceSession.create(
    readFileSync(path.join(modelDir, 'model.onnx')),
    { intraOpNumThreads: 1, interOpNumThreads: 1 },
  );
  const data = Float32Array.from(rows.flat());
  await run('raw session.run', async () => {
    await session.run({ input: new ort.Tensor('float32', data, [rows.length, width]) });
  });
  await session.release();
}

async function naive(): Promise<void> {
  const child = spawn(
    process.execPath,
    [path.join(__dirname, 'naive-server.js'), path.join(modelDir, 'model.onnx')],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.once('data', (chunk: Buffer) =>
      resolve((JSON.parse(chunk.toString()) as { listening: number }).listening),
    );
    child.once('exit', (code) => reject(new Error(`naive server exited with ${code}`)));
  });
  const agent = new Agent({ keepAlive: true, maxSockets: Math.max(...args.concurrency) });
  const body = JSON.stringify({ instances: rows });
  const call = () =>
    new Promise<void>((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port, path: '/predict', method: 'POST', agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            JSON.parse(Buffer.concat(chunks).toString());
            if (res.statusCode === 200) resolve();
            else reject(new Error(`HTTP ${res.statusCode}`));
          });
        },
      );
      req.on('error', reject);
      req.setHeader('content-type', 'application/json');
      req.end(body);
    });
  try {
    await run('naive http+json', call);
  } finally {
    agent.destroy();
    child.kill('SIGTERM');
  }
}

const memory: Record<string, { rss: number; peak: number }> = {};

async function ballast(execution: string, batching: boolean): Promise<void> {
  const label = `ballast ${execution} batching=${batching ? 'on' : 'off'}`;
  const service = await ServiceProcess.start({
    entry: 'services/inference/dist/main.js',
    readyMessage: 'inference ready',
    env: {
      INFERENCE_GRPC_HOST: '127.0.0.1',
      INFERENCE_GRPC_PORT: '0',
      METRICS_PORT: '0',
      MODEL_STORE_DIR: path.join(ROOT, 'infra/demo-models'),
      INFERENCE_BATCHING: String(batching),
      INFERENCE_EXECUTION: execution,
      INFERENCE_MAX_QUEUE: '1024',
      LOG_LEVEL: 'info',
    },
  });
  const client = createClient(
    GRPCInferenceService,
    `127.0.0.1:${String(service.ready['grpcPort'])}`,
  );
  const request = {
    modelName: args.model,
    modelVersion: args.version,
    inputs: [
      {
        name: 'input',
        datatype: 'FP32',
        shape: [BigInt(rows.length), BigInt(width)],
        contents: { fp32Contents: rows.flat() },
      },
    ],
  };
  try {
    await run(label, async () => {
      await client.modelInfer(request, { deadline: 10_000 });
    });
    memory[label] = processMemoryMb(service.child.pid!);
    if (batching) {
      // The floor under every Ballast figure: the same client, server and gRPC stack
      // around a handler that does nothing.
      await run(`ballast ${execution} ServerLive (no-op)`, async () => {
        await client.serverLive({}, { deadline: 10_000 });
      });
    }
  } finally {
    client.close();
    await service.stop();
  }
}

function find(label: string, concurrency: number): RunResult | undefined {
  return results.find((r) => r.label === label && r.concurrency === concurrency);
}

function summary(): string[] {
  const lines: string[] = [];
  const low = Math.min(...args.concurrency);
  const high = Math.max(...args.concurrency);
  const rawLow = find('raw session.run', low);
  const naiveHigh = find('naive http+json', high);
  const ms = (value: number) => `${value.toFixed(3)} ms`;
  for (const execution of args.execution.split(',')) {
    const off = find(`ballast ${execution} batching=off`, low);
    const onLow = find(`ballast ${execution} batching=on`, low);
    const onHigh = find(`ballast ${execution} batching=on`, high);
    const floor = find(`ballast ${execution} ServerLive (no-op)`, low);
    if (rawLow && onLow && off) {
      lines.push(
        `c=${low}: ballast (${execution}) p50 ${ms(onLow.latencyMs.p50)} batching on, ${ms(off.latencyMs.p50)} off; raw session.run ${ms(rawLow.latencyMs.p50)}: +${ms(onLow.latencyMs.p50 - rawLow.latencyMs.p50)} (target <= +0.3 ms)`,
      );
    }
    if (floor && onLow) {
      lines.push(
        `c=${low}: of that, a gRPC round trip to a no-op handler takes ${ms(floor.latencyMs.p50)}; serving the model adds ${ms(onLow.latencyMs.p50 - floor.latencyMs.p50)}`,
      );
    }
    if (onHigh && naiveHigh) {
      lines.push(
        `c=${high}: ballast (${execution}, batching on) ${onHigh.throughputPerSec.toFixed(0)} req/s = ${(onHigh.throughputPerSec / naiveHigh.throughputPerSec).toFixed(2)}x naive ${naiveHigh.throughputPerSec.toFixed(0)} req/s (target >= 2x); p99 ${ms(onHigh.latencyMs.p99)} (target < 20 ms)`,
      );
    }
  }
  for (const [label, mb] of Object.entries(memory)) {
    lines.push(
      `memory, ${label}, every demo model loaded: ${mb.rss.toFixed(0)} MB resident after the sweep, peak ${mb.peak.toFixed(0)} MB (target < 250 MB)`,
    );
  }
  return lines;
}

async function main(): Promise<void> {
  process.stderr.write(
    `model ${args.model} v${args.version}, ${rows.length} row(s) per request, concurrency ${args.concurrency.join(',')}, ${args.duration} ms per step\n`,
  );
  await raw();
  await naive();
  for (const execution of args.execution.split(',')) {
    await ballast(execution, false);
    await ballast(execution, true);
  }
  printReport(results, { json: args.json });
  process.stdout.write(`\n${summary().join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
