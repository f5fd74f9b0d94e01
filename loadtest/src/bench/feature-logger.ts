/**
 * The feature logger benchmark, on the local stack (mock Kafka cluster and ClickHouse
 * on the same two cores as the logger):
 *
 *   direct   the same rows inserted straight into ClickHouse (JSONEachRow, batches of
 *            20,000), as a simple pipe would: the yardstick for the logger;
 *   logger   one logger instance running while the events are produced, timed from
 *            the first event produced until every event is counted in the analyst
 *            view. The producer keeps at most AHEAD events in Kafka that the logger
 *            has not stored yet: the logger never waits for events, and never falls
 *            behind what the mock cluster keeps (about 15,000 of these events per
 *            partition; it deletes older ones, read or not);
 *   catch-up (--backlog) the logger alone, started on events already waiting in Kafka;
 *   outage   (--outage, run on its own) the logger under a steady event rate while
 *            ClickHouse is stopped: its resident memory, sampled every second, how long
 *            it takes to catch up, and whether every event the broker did not delete
 *            arrives, once.
 *
 * The events are produced by a lean producer (Produce requests encoded before they are
 * timed, written to the partition leaders): KafkaJS's producer encodes every message
 * in JS, about 38,000 per CPU second here, and was the end-to-end limit. Each request
 * is one record batch of CHUNK events for one partition, the partitions in turn; the
 * mock cluster answers a fetch with one record batch per partition, so this is also
 * what the logger gets per fetch.
 *
 *   npm run bench:feature-logger -- [--events 300000] [--backlog 80000] [--experiment]
 *   npm run bench:feature-logger -- --outage [--rate 20000] [--outage-for 60s]
 */
import {
  TABLES,
  createClickHouse,
  ensureDatabase,
  eventTime,
  ident,
  migrate,
  type PredictionEventRow,
} from '@ballast/clickhouse';
import { PredictionEventSchema, Role } from '@ballast/contracts';
import { TOPICS, createKafka } from '@ballast/kafka';
import { createLogger } from '@ballast/telemetry';
import { ServiceProcess, consumerGroupAtEnd, stackFromEnv, type LogLine } from '@ballast/testing';
import { create, toBinary } from '@bufbuild/protobuf';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Admin } from 'kafkajs';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import * as path from 'node:path';
import { durationArg, flagArg, intArg, parseArgs, stringArg } from '../index';
import { processMemoryMb } from './process-memory';

const ROOT = path.resolve(__dirname, '../../..');
const args = parseArgs(process.argv.slice(2), {
  events: intArg({ min: 1_000, default: 300_000 }),
  // The mock cluster keeps about 90,000 of these events in all: a larger backlog loses some.
  backlog: intArg({ min: 1_000, max: 85_000, default: 80_000 }),
  outage: flagArg(),
  rate: intArg({ min: 100, default: 20_000 }),
  outageFor: durationArg({ default: 60_000 }),
  heap: stringArg({ default: '--max-old-space-size=160' }),
  // Events of an experiment (id and variant set): ClickHouse also folds them into
  // experiment_first_exposures through its materialized view.
  experiment: flagArg(),
});
const stack = stackFromEnv();
const quiet = createLogger({ service: 'bench', level: 'error' });
const kafka = createKafka({ clientId: 'bench', brokers: stack.KAFKA_BROKERS, logger: quiet });
const database = 'ballast_bench';
const FEATURES = 10;
/** Events per Produce request (one partition's record batch). */
const CHUNK = 2_000;
const IN_FLIGHT = 8;
/** Events the end-to-end run produces ahead of what is stored (see the top). */
const AHEAD = 70_000;
const say = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** With --experiment, events of experiment "bench" in variant v1 or v2 (by unit). */
function experimentOf(i: number): { experimentId: string; variant: string } {
  if (!args.experiment) return { experimentId: '', variant: '' };
  return { experimentId: 'bench', variant: (i % 5_000) % 2 === 0 ? 'v1' : 'v2' };
}

function event(model: string, i: number) {
  return create(PredictionEventSchema, {
    eventId: `${model}-${i}`,
    eventTime: timestampFromMs(Date.now()),
    model: { name: model, version: '1', deployment: `${model}@1` },
    requestId: `req-${i}`,
    unitId: `u-${i % 5_000}`,
    ...experimentOf(i),
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
    variant: experimentOf(i).variant,
    experiment_id: experimentOf(i).experimentId,
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

/**
 * Events of `model` stored: distinct events in the analyst view (FINAL), or with
 * `raw` the rows in prediction_events, which is much cheaper to count (at 300,000
 * rows 0.012 s of ClickHouse CPU, the view 0.12 s).
 */
async function counted(clickhouse: ClickHouseClient, model: string, raw = false): Promise<number> {
  const table = raw ? TABLES.predictionEvents : TABLES.predictions;
  const result = await clickhouse.query({
    query: `SELECT count() AS n FROM ${table} WHERE model = '${model}'`,
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

// ---- The lean producer: Kafka's Produce request (v3) with one record batch (v2,
// uncompressed), https://kafka.apache.org/protocol and /documentation/#recordbatch.

const CRC32C = Int32Array.from({ length: 256 }, (_, n) => {
  for (let k = 0; k < 8; k += 1) n = n & 1 ? (n >>> 1) ^ 0x82f63b78 : n >>> 1;
  return n;
});

function crc32c(bytes: Buffer): number {
  let crc = -1;
  for (let i = 0; i < bytes.length; i += 1) crc = CRC32C[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}

/** Kafka's zigzag varint, as a record's fields are written. */
function varint(value: number): number[] {
  const bytes = [];
  for (let v = ((value << 1) ^ (value >> 31)) >>> 0; ; v >>>= 7) {
    if (v < 0x80) return [...bytes, v];
    bytes.push((v & 0x7f) | 0x80);
  }
}

/** One record batch: one Produce request's events for one partition. */
interface Chunk {
  partition: number;
  events: number;
  batch: Buffer;
}

function recordBatch(messages: { key: Buffer; value: Buffer }[]): Buffer {
  const records = messages.map(({ key, value }, i) => {
    const body = Buffer.concat([
      // attributes, timestamp delta, offset delta, key length
      Buffer.from([0, 0, ...varint(i), ...varint(key.length)]),
      key,
      Buffer.from(varint(value.length)),
      value,
      Buffer.from(varint(0)), // headers
    ]);
    return Buffer.concat([Buffer.from(varint(body.length)), body]);
  });
  const head = Buffer.alloc(61);
  const now = BigInt(Date.now());
  head.writeBigInt64BE(0n, 0); // base offset
  head.writeInt32BE(-1, 12); // partition leader epoch
  head.writeInt8(2, 16); // magic
  head.writeInt16BE(0, 21); // attributes: no compression, create time
  head.writeInt32BE(messages.length - 1, 23); // last offset delta
  head.writeBigInt64BE(now, 27);
  head.writeBigInt64BE(now, 35);
  head.writeBigInt64BE(-1n, 43); // producer id, epoch and sequence: none
  head.writeInt16BE(-1, 51);
  head.writeInt32BE(-1, 53);
  head.writeInt32BE(messages.length, 57);
  const batch = Buffer.concat([head, ...records]);
  batch.writeInt32BE(batch.length - 12, 8);
  batch.writeUInt32BE(crc32c(batch.subarray(21)), 17);
  return batch;
}

/** `count` events of `model` in chunks, the partitions in turn; encoded as they are iterated. */
function* encoded(model: string, count: number, partitions: number): Generator<Chunk> {
  const message = event(model, 0);
  for (let from = 0, n = 0; from < count; from += CHUNK, n += 1) {
    const messages = [];
    for (let i = from; i < Math.min(count, from + CHUNK); i += 1) {
      message.eventId = `${model}-${i}`;
      message.requestId = `req-${i}`;
      message.unitId = `u-${i % 5_000}`;
      message.eventTime = timestampFromMs(Date.now());
      messages.push({
        key: Buffer.from(message.unitId),
        value: Buffer.from(toBinary(PredictionEventSchema, message)),
      });
    }
    yield { partition: n % partitions, events: messages.length, batch: recordBatch(messages) };
  }
}

/** A connection to one broker: Produce requests out, their responses matched in order. */
class BrokerConnection {
  private readonly waiting: { resolve: () => void; reject: (error: Error) => void }[] = [];
  private received = Buffer.alloc(0);
  private correlationId = 0;

  private constructor(private readonly socket: Socket) {
    const fail = (error: Error) => this.waiting.splice(0).forEach((w) => w.reject(error));
    socket.on('data', (chunk: Buffer) => this.read(chunk));
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('the broker closed the connection')));
  }

  static open(host: string, port: number): Promise<BrokerConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port, noDelay: true }, () =>
        resolve(new BrokerConnection(socket)),
      ).once('error', reject);
    });
  }

  produce(topic: string, { partition, batch }: Chunk): Promise<void> {
    const client = Buffer.from('bench');
    const name = Buffer.from(topic);
    const head = Buffer.alloc(4 + 8 + 2 + client.length + 8 + 4 + 2 + name.length + 12);
    let at = head.writeInt32BE(head.length - 4 + batch.length, 0);
    at = head.writeInt16BE(0, at); // Produce
    at = head.writeInt16BE(3, at);
    at = head.writeInt32BE((this.correlationId += 1), at);
    at = head.writeInt16BE(client.length, at);
    at += client.copy(head, at);
    at = head.writeInt16BE(-1, at); // no transactional id
    at = head.writeInt16BE(-1, at); // acks: all replicas
    at = head.writeInt32BE(30_000, at);
    at = head.writeInt32BE(1, at);
    at = head.writeInt16BE(name.length, at);
    at += name.copy(head, at);
    at = head.writeInt32BE(1, at);
    at = head.writeInt32BE(partition, at);
    head.writeInt32BE(batch.length, at);
    this.socket.write(head);
    this.socket.write(batch);
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  close(): void {
    this.socket.destroy();
  }

  private read(chunk: Buffer): void {
    this.received = Buffer.concat([this.received, chunk]);
    while (this.received.length >= 4) {
      const end = 4 + this.received.readInt32BE(0);
      if (this.received.length < end) return;
      // After the size and the correlation id: the topic (count, name), the partition
      // (count, id), its error code.
      const response = this.received.subarray(8, end);
      this.received = this.received.subarray(end);
      const error = response.readInt16BE(4 + 2 + response.readInt16BE(4) + 4 + 4);
      const waiter = this.waiting.shift()!;
      if (error === 0) waiter.resolve();
      else waiter.reject(new Error(`Produce answered with Kafka error code ${error}`));
    }
  }
}

/** A producer of the predictions topic, one connection per partition leader. */
class Producer {
  private constructor(
    readonly partitions: number,
    private readonly leaders: BrokerConnection[],
    private readonly connections: BrokerConnection[],
  ) {}

  static async connect(admin: Admin): Promise<Producer> {
    const [{ brokers }, { topics }] = await Promise.all([
      admin.describeCluster(),
      admin.fetchTopicMetadata({ topics: [TOPICS.predictions.name] }),
    ]);
    const byNode = new Map<number, BrokerConnection>();
    for (const { nodeId, host, port } of brokers)
      byNode.set(nodeId, await BrokerConnection.open(host, port));
    const partitions = [...topics[0]!.partitions].sort((a, b) => a.partitionId - b.partitionId);
    const leaders = partitions.map((p) => byNode.get(p.leader)!);
    return new Producer(leaders.length, leaders, [...byNode.values()]);
  }

  /**
   * Sends the chunks, a few requests in flight; `holdBack(sent)` may delay the next.
   * Returns the seconds it took.
   */
  async send(chunks: Iterable<Chunk>, holdBack?: (sent: number) => Promise<void>) {
    const start = performance.now();
    const inFlight = new Set<Promise<void>>();
    let sent = 0;
    for (const chunk of chunks) {
      if (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
      await holdBack?.(sent);
      const sending = this.leaders[chunk.partition]!.produce(TOPICS.predictions.name, chunk);
      inFlight.add(sending);
      void sending.finally(() => inFlight.delete(sending));
      sent += chunk.events;
    }
    await Promise.all(inFlight);
    return (performance.now() - start) / 1000;
  }

  close(): void {
    this.connections.forEach((c) => c.close());
  }
}

/** Holds the producer to `rate` events per second. */
function atRate(rate: number): (sent: number) => Promise<void> {
  let start: number | undefined;
  return async (sent) => {
    start ??= performance.now();
    const wait = start + (sent / rate) * 1000 - performance.now();
    if (wait > 0) await sleep(wait);
  };
}

// ---- The runs

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

const groupAtEnd = () =>
  consumerGroupAtEnd(kafka, [TOPICS.predictions.name, TOPICS.outcomes.name], 'bench');

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
  // Polled as raw rows: a FINAL count several times a second took ClickHouse CPU from
  // the pipe it measures. Done when the distinct events, counted once the rows are
  // there, are all stored too.
  for (;;) {
    const now = await counted(clickhouse, model, true).catch(() => last);
    onCount?.(now);
    if (now >= count && (await counted(clickhouse, model).catch(() => 0)) >= count) return;
    if (now !== last) {
      last = now;
      movedAt = performance.now();
    } else if (performance.now() - movedAt > stallMs) {
      throw new Error(`stalled at ${now} of ${count} events for ${stallMs / 1000} s`);
    }
    await sleep(pollMs);
  }
}

/** The logger while the events are produced: its rate, memory and CPU. */
async function throughput(clickhouse: ClickHouseClient, producer: Producer) {
  const model = `bench-logger-${randomUUID().slice(0, 8)}`;
  // Encoded beforehand: encoding is the producing service's work, not the pipe's.
  const chunks = [...encoded(model, args.events, producer.partitions)];
  const logger = await startLogger(await groupAtEnd());
  const cpuAtStart = cpuSeconds(logger.child.pid!);
  const start = performance.now();
  let stored = 0;
  let stopped = false;
  const producing = producer
    .send(chunks, async (sent) => {
      while (sent - stored > AHEAD && !stopped) await sleep(50);
    })
    .then((seconds) => say(`produced ${args.events} events in ${seconds.toFixed(1)} s`));
  try {
    await waitForCount(clickhouse, model, args.events, {
      onCount: (count) => (stored = count),
      stallMs: 20_000,
    });
    return {
      rate: args.events / ((performance.now() - start) / 1000),
      peakMb: processMemoryMb(logger.child.pid!).peak,
      cpuSeconds: cpuSeconds(logger.child.pid!) - cpuAtStart,
    };
  } finally {
    stopped = true;
    await logger.stop();
    await producing;
  }
}

/**
 * The logger alone: `args.backlog` events produced first, then the logger started; its
 * rate from when it is ready (it has joined the group) until the last event is stored.
 */
async function catchUp(clickhouse: ClickHouseClient, producer: Producer) {
  const model = `bench-backlog-${randomUUID().slice(0, 8)}`;
  const group = await groupAtEnd();
  await producer.send(encoded(model, args.backlog, producer.partitions));
  const logger = await startLogger(group);
  const start = performance.now();
  const cpuAtStart = cpuSeconds(logger.child.pid!);
  try {
    await waitForCount(clickhouse, model, args.backlog, { pollMs: 50 });
    return {
      rate: args.backlog / ((performance.now() - start) / 1000),
      cpuSeconds: cpuSeconds(logger.child.pid!) - cpuAtStart,
    };
  } finally {
    await logger.stop();
  }
}

/** Events of the predictions topic the group has not committed, and the broker's first kept offsets. */
async function backlogOf(admin: Admin, groupId: string) {
  const topic = TOPICS.predictions.name;
  const [[committed], ends] = await Promise.all([
    admin.fetchOffsets({ groupId, topics: [topic] }),
    admin.fetchTopicOffsets(topic),
  ]);
  let uncommitted = 0;
  let firstKept = 0;
  for (const end of ends) {
    const offset = Number(committed?.partitions.find((p) => p.partition === end.partition)?.offset);
    // Nothing committed (-1), or committed below what the broker still keeps: counted from there.
    uncommitted += Number(end.high) - Math.max(offset, Number(end.low));
    firstKept += Number(end.low);
  }
  return { uncommitted, firstKept };
}

/**
 * Whether the events missing from ClickHouse can all be ones the broker deleted unread.
 * The broker deletes whole record batches (our chunks), and a logger whose fetch meets
 * a deleted offset jumps to the first kept one (KafkaJS logs "Offset out of range" for
 * the partition): so every chunk is stored whole or not at all, and a partition's
 * missing chunks are at most as many runs as the jumps it made.
 */
async function lostOnlyAtBroker(
  clickhouse: ClickHouseClient,
  model: string,
  total: number,
  partitions: number,
  jumps: readonly LogLine[],
): Promise<string | undefined> {
  const result = await clickhouse.query({
    query: `SELECT intDiv(toUInt64(arrayElement(splitByChar('-', event_id), -1)), ${CHUNK}) AS chunk,
              count() AS n
            FROM ${TABLES.predictions} WHERE model = '${model}' GROUP BY chunk`,
    format: 'JSONEachRow',
  });
  const stored = new Map(
    (await result.json<{ chunk: string; n: string }>()).map((r) => [Number(r.chunk), Number(r.n)]),
  );
  const runs = new Array<number>(partitions).fill(0);
  for (let chunk = 0; chunk * CHUNK < total; chunk += 1) {
    const n = stored.get(chunk) ?? 0;
    if (n !== 0 && n !== Math.min(CHUNK, total - chunk * CHUNK))
      return `chunk ${chunk} partly stored (${n} events)`;
    const before = chunk - partitions;
    if (n === 0 && (before < 0 || stored.has(before))) runs[chunk % partitions]! += 1;
  }
  for (let partition = 0; partition < partitions; partition += 1) {
    const jumped = jumps.filter(
      (j) => j.topic === TOPICS.predictions.name && j.partition === partition,
    ).length;
    if (runs[partition]! > jumped)
      return `partition ${partition} misses ${runs[partition]} runs of events but jumped ${jumped} times`;
  }
  return undefined;
}

/**
 * The logger under a steady event rate while ClickHouse is down for `--outage-for`:
 * its resident memory every second, then how long it takes to catch up and whether
 * every event is stored once. The mock broker keeps only about 15,000 of these events
 * per partition and deletes older ones, read or not; a logger that waits for
 * ClickHouse falls behind by more than that, so events are lost at the broker (a
 * real cluster keeps days). The logger must not lose any other: every event missing
 * from ClickHouse has to be one the broker deleted before the logger could read it.
 */
async function outage(admin: Admin, producer: Producer): Promise<boolean> {
  const chctl = path.join(ROOT, 'infra/clickhouse/chctl.sh');
  const model = `bench-outage-${randomUUID().slice(0, 8)}`;
  const group = await groupAtEnd();
  const logger = await startLogger(group);
  const before = await backlogOf(admin, group);
  const total = Math.round((args.rate * (args.outageFor + 20_000)) / 1000);
  const start = performance.now();
  const seconds = () => (performance.now() - start) / 1000;
  let clickhouseIs = 'up';
  const samples: { at: number; clickhouseIs: string; rss: number }[] = [];
  const sampler = setInterval(() => {
    const { rss } = processMemoryMb(logger.child.pid!);
    samples.push({ at: seconds(), clickhouseIs, rss });
  }, 1_000);
  // Encoded as sent: 1.6 million events at once would take gigabytes.
  const producing = producer.send(encoded(model, total, producer.partitions), atRate(args.rate));
  await sleep(5_000);
  say(`stopping ClickHouse for ${args.outageFor / 1000} s, producing ${args.rate} events/s`);
  spawnSync('bash', [chctl, 'stop'], { stdio: 'ignore' });
  clickhouseIs = 'down';
  await sleep(args.outageFor);
  spawnSync('bash', [chctl, 'start'], { stdio: 'ignore' });
  clickhouseIs = 'back';
  const backAt = seconds();
  const producedIn = await producing;
  let after = await backlogOf(admin, group);
  for (const waitingSince = performance.now(); after.uncommitted > 0;) {
    if (performance.now() - waitingSince > 120_000) break;
    await sleep(1_000);
    after = await backlogOf(admin, group);
  }
  const caughtUp = after.uncommitted === 0 ? seconds() : undefined;
  clearInterval(sampler);
  // A new client: an earlier one's pooled connections died with the server.
  const clickhouse = createClickHouse({ url: stack.CLICKHOUSE_URL, database });
  const jumps = logger.logged('Offset out of range, resetting to default offset');
  const stored = await counted(clickhouse, model);
  const mismatch = await lostOnlyAtBroker(clickhouse, model, total, producer.partitions, jumps);
  await clickhouse.close();
  const peak = processMemoryMb(logger.child.pid!).peak;
  await logger.stop();

  const lost = total - stored;
  const peakWhile = (state: string) =>
    Math.max(...samples.filter((s) => s.clickhouseIs === state).map((s) => s.rss)).toFixed(0);
  say(
    `produced ${total} events in ${producedIn.toFixed(1)} s: ${(total / producedIn).toFixed(0)} events/s (asked ${args.rate})`,
  );
  say('logger resident memory (MB), about every 5 s:');
  let shown = -Infinity;
  for (const sample of samples) {
    if (sample.at < shown + 5) continue;
    shown = sample.at;
    say(
      `  ${sample.at.toFixed(0).padStart(4)} s  ClickHouse ${sample.clickhouseIs.padEnd(4)}  ${sample.rss.toFixed(0)}`,
    );
  }
  say(
    `logger resident memory peak: ${peakWhile('down')} MB while ClickHouse was down, ${peakWhile('back')} MB catching up after, ${peak.toFixed(0)} MB over the whole run (target < 300 MB)`,
  );
  say(
    caughtUp === undefined
      ? `the logger did not catch up within 120 s of the end of producing (${after.uncommitted} events uncommitted)`
      : `the logger caught up ${(caughtUp - backAt).toFixed(0)} s after ClickHouse came back`,
  );
  say(
    `stored ${stored} of ${total} events, each counted once; ${lost} lost at the broker (it deleted ${after.firstKept - before.firstKept} events of its log during the run; the logger's fetches found their offset deleted ${jumps.length} times: "Offset out of range")`,
  );
  if (mismatch) say(`MISMATCH: events missing that the broker did not delete: ${mismatch}`);
  else if (lost > 0) say('every missing event is one the broker deleted before the logger read it');
  return mismatch === undefined && caughtUp !== undefined;
}

async function main(): Promise<void> {
  // Emptied first: earlier runs' rows would cost ClickHouse merges during this one.
  const server = createClickHouse({ url: stack.CLICKHOUSE_URL, database: 'default' });
  await server.command({ query: `DROP DATABASE IF EXISTS ${ident(database).text}` });
  await server.close();
  await ensureDatabase({ url: stack.CLICKHOUSE_URL, database });
  const clickhouse = createClickHouse({ url: stack.CLICKHOUSE_URL, database });
  await migrate(clickhouse);
  const admin = kafka.admin();
  await admin.connect();
  const producer = await Producer.connect(admin);
  try {
    if (args.outage) {
      if (!(await outage(admin, producer))) process.exitCode = 1;
      return;
    }
    say(`${args.events} prediction events, ${FEATURES} numeric features each`);
    const directRate = await direct(clickhouse);
    say(`direct   ${directRate.toFixed(0)} rows/s into ClickHouse`);
    const logger = await throughput(clickhouse, producer);
    say(
      `logger   ${logger.rate.toFixed(0)} events/s Kafka → ClickHouse, end to end (target >= 50,000); ${((100 * logger.rate) / directRate).toFixed(0)}% of direct (aim >= 50%); peak resident memory ${logger.peakMb.toFixed(0)} MB`,
    );
    say(
      `logger   ${logger.cpuSeconds.toFixed(1)} CPU s, ${(args.events / logger.cpuSeconds).toFixed(0)} events per CPU second of the logger process`,
    );
    const backlog = await catchUp(clickhouse, producer);
    say(
      `catch-up ${backlog.rate.toFixed(0)} events/s, logger alone on ${args.backlog} events waiting in Kafka; ${((100 * backlog.rate) / directRate).toFixed(0)}% of direct; ${(args.backlog / backlog.cpuSeconds).toFixed(0)} events per logger CPU second`,
    );
  } finally {
    producer.close();
    await admin.disconnect();
    await clickhouse.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
