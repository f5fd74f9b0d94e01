/**
 * The feature logger benchmark, on the local stack (mock Kafka cluster and ClickHouse
 * on the same two cores as the logger):
 *
 *   direct   the same rows inserted straight into ClickHouse (JSONEachRow, batches of
 *            20,000): the ceiling for any Kafka → ClickHouse pipe on this machine;
 *   logger   one logger instance running while the events are produced as fast as the
 *            producer can, timed from the first event produced until every event is
 *            counted in the analyst view (the producer shares the cores, so this is a
 *            lower bound; the mock cluster keeps only a few MB per partition, so the
 *            events cannot be produced ahead and consumed later);
 *   outage   (--outage) the logger under a steady event rate while ClickHouse is
 *            stopped: its resident memory, sampled every second, and whether every
 *            event arrives once ClickHouse is back.
 *
 *   npm run bench:feature-logger -- [--events 300000] [--outage] [--rate 20000] [--outage-for 60s]
 */
import {
  TABLES,
  createClickHouse,
  ensureDatabase,
  eventTime,
  migrate,
  type PredictionEventRow,
} from '@ballast/clickhouse';
import { PredictionEventSchema, Role } from '@ballast/contracts';
import { TOPICS, createKafka } from '@ballast/kafka';
import { createLogger } from '@ballast/telemetry';
import { ServiceProcess, consumerGroupAtEnd, stackFromEnv } from '@ballast/testing';
import { create, toBinary } from '@bufbuild/protobuf';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Message } from 'kafkajs';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { durationArg, flagArg, intArg, parseArgs, stringArg } from '../index';
import { processMemoryMb } from './process-memory';

const ROOT = path.resolve(__dirname, '../../..');
const args = parseArgs(process.argv.slice(2), {
  events: intArg({ min: 1_000, default: 300_000 }),
  backlog: intArg({ min: 1_000, default: 100_000 }),
  outage: flagArg(),
  rate: intArg({ min: 100, default: 20_000 }),
  outageFor: durationArg({ default: 60_000 }),
  heap: stringArg({ default: '--max-old-space-size=160' }),
});
const stack = stackFromEnv();
const quiet = createLogger({ service: 'bench', level: 'error' });
const kafka = createKafka({ clientId: 'bench', brokers: stack.KAFKA_BROKERS, logger: quiet });
const database = 'ballast_bench';
const FEATURES = 10;
const CHUNK = 2_000;
const IN_FLIGHT = 4;
const say = (line: string) => process.stdout.write(`${line}\n`);

function event(model: string, i: number) {
  return create(PredictionEventSchema, {
    eventId: `${model}-${i}`,
    eventTime: timestampFromMs(Date.now()),
    model: { name: model, version: '1', deployment: `${model}@1` },
    requestId: `req-${i}`,
    unitId: `u-${i % 5_000}`,
    role: Role.PRIMARY,
    numericFeatures: Array.from({ length: FEATURES }, (_, f) => ({ name: `f${f}`, value: i % 97 })),
    categoricalFeatures: [{ name: 'site', value: 'left' }],
    outputs: [{ name: 'probabilities', values: [0.3, 0.7] }],
    latencyMs: 1,
  });
}

/** The row the logger would write for event(model, i). */
function row(model: string, i: number): PredictionEventRow {
  return {
    event_id: `${model}-${i}`,
    ...eventTime(Date.now()),
    model,
    model_version: '1',
    deployment: `${model}@1`,
    variant: '',
    experiment_id: '',
    unit_id: `u-${i % 5_000}`,
    request_id: `req-${i}`,
    role: 'primary',
    numeric_names: Array.from({ length: FEATURES }, (_, f) => `f${f}`),
    numeric_values: Array.from({ length: FEATURES }, () => i % 97),
    categorical_names: ['site'],
    categorical_values: ['left'],
    output_names: ['probabilities'],
    output_values: [[0.3, 0.7]],
    latency_ms: 1,
    error_code: '',
  };
}

async function counted(clickhouse: ClickHouseClient, model: string): Promise<number> {
  const result = await clickhouse.query({
    query: `SELECT count() AS n FROM ${TABLES.predictions} WHERE model = '${model}'`,
    format: 'JSONEachRow',
  });
  const [first] = await result.json<{ n: string }>();
  return Number(first?.n ?? 0);
}

async function direct(clickhouse: ClickHouseClient): Promise<number> {
  const model = `bench-direct-${randomUUID().slice(0, 8)}`;
  const start = performance.now();
  for (let from = 0; from < args.events; from += 20_000) {
    const rows = [];
    for (let i = from; i < Math.min(args.events, from + 20_000); i += 1) rows.push(row(model, i));
    await clickhouse.insert({
      table: TABLES.predictionEvents,
      values: rows,
      format: 'JSONEachRow',
    });
  }
  return args.events / ((performance.now() - start) / 1000);
}

/** The Kafka messages of `count` events of `model`, in chunks of one producer request each. */
function* encoded(model: string, count: number): Generator<Message[]> {
  const message = event(model, 0);
  for (let from = 0; from < count; from += CHUNK) {
    const messages: Message[] = [];
    for (let i = from; i < Math.min(count, from + CHUNK); i += 1) {
      message.eventId = `${model}-${i}`;
      message.requestId = `req-${i}`;
      message.unitId = `u-${i % 5_000}`;
      message.eventTime = timestampFromMs(Date.now());
      messages.push({
        key: message.unitId,
        value: Buffer.from(toBinary(PredictionEventSchema, message)),
      });
    }
    yield messages;
  }
}

/**
 * Sends the chunks, a few requests in flight (as a busy service's producer has), at
 * most `rate` events per second when given.
 */
async function produce(chunks: Iterable<Message[]>, rate?: number): Promise<void> {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const start = performance.now();
  const inFlight = new Set<Promise<unknown>>();
  let sent = 0;
  for (const messages of chunks) {
    if (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
    const sending = producer.send({ topic: TOPICS.predictions.name, acks: -1, messages });
    inFlight.add(sending);
    void sending.finally(() => inFlight.delete(sending));
    sent += messages.length;
    if (rate) {
      const wait = start + (sent / rate) * 1000 - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
  await Promise.all(inFlight);
  await producer.disconnect();
}

/** CPU seconds (user + system) a process has used so far, from /proc. */
function cpuSeconds(pid: number): number {
  // Fields after the command name (which may hold spaces): utime and stime are the
  // 12th and 13th, in clock ticks of 1/100 s on Linux.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function startLogger(groupId: string): Promise<ServiceProcess> {
  return ServiceProcess.start({
    entry: 'services/feature-logger/dist/main.js',
    readyMessage: 'feature logger ready',
    timeoutMs: 60_000,
    env: {
      KAFKA_BROKERS: stack.KAFKA_BROKERS.join(','),
      CLICKHOUSE_URL: stack.CLICKHOUSE_URL,
      CLICKHOUSE_DATABASE: database,
      FEATURE_LOGGER_GROUP_ID: groupId,
      METRICS_PORT: '0',
      LOG_LEVEL: 'info',
      // The heap cap npm start gives the logger (infra/local/stack.mjs); a much larger
      // cap (--heap) measures the logger as if uncapped.
      ...(args.heap ? { NODE_OPTIONS: args.heap } : {}),
    },
  });
}

/** Polls the count until it reaches `count`; gives up when it has not moved for `stallMs`. */
async function waitForCount(
  clickhouse: ClickHouseClient,
  model: string,
  count: number,
  {
    onCount,
    stallMs = 120_000,
    pollMs = 250,
  }: { onCount?: (count: number) => void; stallMs?: number; pollMs?: number } = {},
) {
  let last = -1;
  let movedAt = performance.now();
  for (;;) {
    const now = await counted(clickhouse, model).catch(() => last);
    onCount?.(now);
    if (now >= count) return;
    if (now !== last) {
      last = now;
      movedAt = performance.now();
    } else if (performance.now() - movedAt > stallMs) {
      throw new Error(`stalled at ${now} of ${count} events for ${stallMs / 1000} s`);
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/**
 * Runs the logger while the events are produced; returns its rate over the time it
 * took to store what it stored, and how many events the broker deleted before the
 * logger reached them (the mock cluster's small per-partition log), if any.
 */
async function throughput(
  clickhouse: ClickHouseClient,
): Promise<{ rate: number; stored: number; peakMb: number; cpuSeconds: number }> {
  const model = `bench-logger-${randomUUID().slice(0, 8)}`;
  // Encoded beforehand: encoding is the producing service's work, not the pipe's.
  const chunks = [...encoded(model, args.events)];
  const group = await consumerGroupAtEnd(
    kafka,
    [TOPICS.predictions.name, TOPICS.outcomes.name],
    'bench',
  );
  const logger = await startLogger(group);
  const cpuAtStart = cpuSeconds(logger.child.pid!);
  const start = performance.now();
  const producing = produce(chunks).then(() =>
    say(`produced ${args.events} events in ${((performance.now() - start) / 1000).toFixed(1)} s`),
  );
  let peakMb = 0;
  let cpu = 0;
  let stored = 0;
  let lastGrowth = start;
  try {
    await waitForCount(clickhouse, model, args.events, {
      onCount: (count) => {
        if (count > stored) [stored, lastGrowth] = [count, performance.now()];
      },
      stallMs: 20_000,
    });
  } catch {
    say(
      `stopped at ${stored} of ${args.events}: ${logger.logged('Offset out of range, resetting to default offset').length > 0 ? 'the broker deleted events before the logger reached them (mock cluster retention)' : 'stalled'}`,
    );
  } finally {
    peakMb = processMemoryMb(logger.child.pid!).peak;
    cpu = cpuSeconds(logger.child.pid!) - cpuAtStart;
    await logger.stop();
  }
  await producing;
  return { rate: stored / ((lastGrowth - start) / 1000), stored, peakMb, cpuSeconds: cpu };
}

/**
 * The logger alone: `args.backlog` events produced first (the mock cluster keeps about
 * 5 MB per partition, so not many more), then the logger started; its rate from the
 * first stored row to the last, which leaves out its start and group join.
 */
async function catchUp(
  clickhouse: ClickHouseClient,
): Promise<{ rate: number; cpuSeconds: number }> {
  const model = `bench-backlog-${randomUUID().slice(0, 8)}`;
  const group = await consumerGroupAtEnd(
    kafka,
    [TOPICS.predictions.name, TOPICS.outcomes.name],
    'bench',
  );
  await produce(encoded(model, args.backlog));
  const logger = await startLogger(group);
  const cpuAtStart = cpuSeconds(logger.child.pid!);
  let first: { at: number; count: number } | undefined;
  try {
    await waitForCount(clickhouse, model, args.backlog, {
      onCount: (count) => {
        if (count > 0) first ??= { at: performance.now(), count };
      },
      pollMs: 50,
    });
    const end = performance.now();
    return {
      rate: (args.backlog - first!.count) / ((end - first!.at) / 1000),
      cpuSeconds: cpuSeconds(logger.child.pid!) - cpuAtStart,
    };
  } finally {
    await logger.stop();
  }
}

async function outage(clickhouse: ClickHouseClient): Promise<void> {
  const chctl = path.join(ROOT, 'infra/clickhouse/chctl.sh');
  const model = `bench-outage-${randomUUID().slice(0, 8)}`;
  const group = await consumerGroupAtEnd(
    kafka,
    [TOPICS.predictions.name, TOPICS.outcomes.name],
    'bench',
  );
  const logger = await startLogger(group);
  const total = Math.round((args.rate * (args.outageFor + 20_000)) / 1000);
  const samples: number[] = [];
  const sampler = setInterval(() => samples.push(processMemoryMb(logger.child.pid!).rss), 1_000);
  const producing = produce(encoded(model, total), args.rate);
  await new Promise((resolve) => setTimeout(resolve, 5_000));
  say(`stopping ClickHouse for ${args.outageFor / 1000} s at ${args.rate} events/s`);
  spawnSync('bash', [chctl, 'stop'], { stdio: 'inherit' });
  await new Promise((resolve) => setTimeout(resolve, args.outageFor));
  spawnSync('bash', [chctl, 'start'], { stdio: 'inherit' });
  await producing;
  await waitForCount(clickhouse, model, total, { stallMs: 60_000 + args.outageFor });
  clearInterval(sampler);
  const stored = await counted(clickhouse, model);
  const { peak } = processMemoryMb(logger.child.pid!);
  await logger.stop();
  say(
    `outage: ${total} events produced, ${stored} counted once each (${stored === total ? 'none lost or doubled' : 'MISMATCH'}); logger resident memory peak ${peak.toFixed(0)} MB, median ${samples.sort((a, b) => a - b)[samples.length >> 1]!.toFixed(0)} MB (target < 300 MB)`,
  );
}

async function main(): Promise<void> {
  await ensureDatabase({ url: stack.CLICKHOUSE_URL, database });
  const clickhouse = createClickHouse({ url: stack.CLICKHOUSE_URL, database });
  await migrate(clickhouse);
  say(`${args.events} prediction events, ${FEATURES} numeric features each`);
  const directRate = await direct(clickhouse);
  say(`direct   ${directRate.toFixed(0)} rows/s into ClickHouse`);
  const logger = await throughput(clickhouse);
  say(
    `logger   ${logger.rate.toFixed(0)} events/s Kafka → ClickHouse, end to end, over ${logger.stored} events (target >= 50,000); ${((100 * logger.rate) / directRate).toFixed(0)}% of direct (aim >= 50%); peak resident memory ${logger.peakMb.toFixed(0)} MB`,
  );
  say(
    `logger   ${logger.cpuSeconds.toFixed(1)} CPU s, ${(logger.stored / logger.cpuSeconds).toFixed(0)} events per CPU second of the logger process`,
  );
  const backlog = await catchUp(clickhouse);
  say(
    `catch-up ${backlog.rate.toFixed(0)} events/s, logger alone on ${args.backlog} events waiting in Kafka; ${((100 * backlog.rate) / directRate).toFixed(0)}% of direct; ${(args.backlog / backlog.cpuSeconds).toFixed(0)} events per logger CPU second`,
  );
  if (args.outage) await outage(createClickHouse({ url: stack.CLICKHOUSE_URL, database }));
  await clickhouse.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
