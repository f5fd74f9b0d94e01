// The event publisher on the real local broker (librdkafka's mock cluster): with a
// small producer buffer and one broker taken down for 10 s mid-stream, events go
// through the disk spool and every one reaches its topic, with the trace it was
// published in; a publisher stopped while a broker is down leaves its unsent events
// in the spool, and the next one replays them. The topics are shared, so each test
// reads from a consumer group placed at their ends and keeps only its run's events.
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { create, fromBinary } from '@bufbuild/protobuf';
import {
  OutcomeEventSchema,
  PredictionEventSchema,
  Role,
  type OutcomeEvent,
  type PredictionEvent,
} from '@ballast/contracts';
import { TOPICS, createKafka } from '@ballast/kafka';
import { createLogger, shutdownTracing, startTracing } from '@ballast/telemetry';
import { MockKafkaControl, consumerGroupAtEnd, stackFromEnv, waitFor } from '@ballast/testing';
import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Consumer } from 'kafkajs';
import { Registry } from 'prom-client';
import { EventPublisher } from '../src/events';

const stack = stackFromEnv();
const logger = createLogger({
  service: 'router-events-int-test',
  level: (process.env['TEST_LOG_LEVEL'] as 'error') ?? 'error',
});
const kafka = createKafka({ clientId: 'router-events-test', brokers: stack.KAFKA_BROKERS, logger });
const control = new MockKafkaControl(stack.KAFKA_MOCK_CONTROL);
const TOPIC_NAMES = [TOPICS.predictions.name, TOPICS.outcomes.name];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let spoolDir: string;
// Broker 1 leads a third of the partitions (the mock picks leaders at random), so
// taking it down stops some sends and not others.
beforeAll(async () => {
  for (const name of TOPIC_NAMES) await control.leadPartitions(name, [1, 2, 3]);
  startTracing({
    serviceName: 'router-events-int-test',
    exporter: new InMemorySpanExporter(),
    synchronous: true,
  });
});
afterAll(() => shutdownTracing());
beforeEach(async () => {
  spoolDir = await mkdtemp(path.join(tmpdir(), 'ballast-router-spool-'));
});
afterEach(async () => {
  await control.brokerUp(1).catch(() => undefined);
  await rm(spoolDir, { recursive: true, force: true });
});

function publisher(registry: Registry): EventPublisher {
  return new EventPublisher({
    kafka,
    spoolDir,
    maxSpoolBytes: 64 * 1024 * 1024,
    logger,
    registry,
    // A small buffer, so a broker that is down sends events to the spool within a moment.
    producer: { maxBufferedMessages: 50, retryBackoffMs: { min: 50, max: 500 } },
    stopTimeoutMs: 1_000,
  });
}

const segments = async () => (await readdir(spoolDir)).filter((f) => f.endsWith('.seg'));

async function total(registry: Registry, name: string): Promise<number> {
  const metric = registry.getSingleMetric(`ballast_router_${name}`);
  return (await metric!.get()).values.reduce((sum, v) => sum + v.value, 0);
}

/** This run's events, as every prediction of request `<run>/<i>` and an outcome for every tenth. */
function events(run: string, count: number): (PredictionEvent | OutcomeEvent)[] {
  return Array.from({ length: count }, (_, i) =>
    i % 10 === 9
      ? create(OutcomeEventSchema, {
          eventId: randomUUID(),
          requestId: `${run}/${i}`,
          unitId: `unit-${i % 37}`,
          metric: 'converted',
          value: 1,
        })
      : create(PredictionEventSchema, {
          eventId: randomUUID(),
          requestId: `${run}/${i}`,
          unitId: i % 5 === 0 ? '' : `unit-${i % 37}`,
          model: { name: 'breast-cancer', version: '1', deployment: 'breast-cancer@1' },
          role: Role.PRIMARY,
          numericFeatures: [{ name: 'mean_radius', value: i }],
        }),
  );
}

function publish(to: EventPublisher, event: PredictionEvent | OutcomeEvent): void {
  if (event.$typeName === 'ballast.events.v1.OutcomeEvent') to.publishOutcome(event);
  else to.publishPrediction(event);
}

/** Reads both topics from their current ends: how often each of this run's event ids arrives, and its trace id. */
async function readRun(run: string) {
  const seen = new Map<string, number>();
  const traces = new Set<string | undefined>();
  const groupId = await consumerGroupAtEnd(kafka, TOPIC_NAMES, 'router-events');
  const consumer: Consumer = kafka.consumer({
    groupId,
    sessionTimeout: 10_000,
    heartbeatInterval: 1_000,
  });
  await consumer.connect();
  await consumer.subscribe({ topics: TOPIC_NAMES });
  await consumer.run({
    eachMessage: async ({ topic, message }) => {
      const schema = topic === TOPICS.outcomes.name ? OutcomeEventSchema : PredictionEventSchema;
      const event = fromBinary(schema, message.value ?? Buffer.alloc(0));
      if (!event.requestId.startsWith(`${run}/`)) return;
      seen.set(event.eventId, (seen.get(event.eventId) ?? 0) + 1);
      traces.add(message.headers?.['traceparent']?.toString().split('-')[1]);
    },
  });
  return { seen, traces, stop: () => consumer.disconnect() };
}

describe('EventPublisher on the real broker', () => {
  it('spools while a broker is down for 10 s and delivers every event at least once', async () => {
    const run = randomUUID().slice(0, 8);
    const all = events(run, 3_000);
    const reader = await readRun(run);
    const registry = new Registry();
    const pub = publisher(registry);
    await pub.start();
    try {
      const traceId = await trace.getTracer('test').startActiveSpan('requests', async (span) => {
        for (const [i, event] of all.entries()) {
          if (i === 1_000) await control.brokerDown(1);
          if (i === 2_000) await control.brokerUp(1);
          publish(pub, event);
          // 1000 events over about 10 s: the broker stays down that long.
          if (i % 10 === 0) await sleep(100);
        }
        span.end();
        return span.spanContext().traceId;
      });
      await waitFor('every event on its topic', () => reader.seen.size === all.length, {
        timeoutMs: 120_000,
        intervalMs: 500,
      });
      expect([...reader.seen.keys()].sort()).toEqual(all.map((e) => e.eventId).sort());
      expect(reader.traces).toEqual(new Set([traceId]));
      expect(await total(registry, 'events_spooled_total')).toBeGreaterThan(0);
      expect(await total(registry, 'events_replayed_total')).toBe(
        await total(registry, 'events_spooled_total'),
      );
      expect(await total(registry, 'events_dropped_total')).toBe(0);
      const duplicates = [...reader.seen.values()].reduce((n, c) => n + c - 1, 0);
      console.log(
        `events: ${all.length} published, ${await total(registry, 'events_spooled_total')} through the spool, ${duplicates} duplicates`,
      );
    } finally {
      await control.brokerUp(1).catch(() => undefined);
      await pub.stop();
      await reader.stop();
    }
    expect(await segments()).toEqual([]);
  });

  it('keeps what Kafka did not take at stop in the spool, and the next publisher replays it', async () => {
    const run = randomUUID().slice(0, 8);
    const all = events(run, 500);
    const reader = await readRun(run);
    const first = new Registry();
    const stopped = publisher(first);
    await stopped.start();
    try {
      await control.brokerDown(1);
      for (const event of all) publish(stopped, event);
      await stopped.stop();
      expect((await segments()).length).toBeGreaterThan(0);
      await control.brokerUp(1);

      const second = new Registry();
      const next = publisher(second);
      await next.start();
      try {
        await waitFor('every event on its topic', () => reader.seen.size === all.length, {
          timeoutMs: 120_000,
          intervalMs: 500,
        });
        await waitFor('the spool replayed', async () => (await readdir(spoolDir)).length <= 1);
      } finally {
        await next.stop();
      }
      expect([...reader.seen.keys()].sort()).toEqual(all.map((e) => e.eventId).sort());
      expect(await total(second, 'events_replayed_total')).toBeGreaterThan(0);
      expect(await total(first, 'events_dropped_total')).toBe(0);
      expect(await segments()).toEqual([]);
    } finally {
      await control.brokerUp(1).catch(() => undefined);
      await reader.stop();
    }
  });
});
