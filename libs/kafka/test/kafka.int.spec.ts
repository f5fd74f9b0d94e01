// The kafka lib against the real local broker (librdkafka's mock cluster, started by
// `npm test`): headers and trace context survive the trip, a broker taken down and
// brought back mid-stream loses nothing, and poison messages land in the DLQ.
import { randomUUID } from 'node:crypto';
import { createLogger, startTracing, shutdownTracing } from '@ballast/telemetry';
import { MockKafkaControl, stackFromEnv, waitFor } from '@ballast/testing';
import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import {
  ConsumerRunner,
  DLQ_HEADERS,
  EventProducer,
  PoisonMessageError,
  TOPICS,
  createKafka,
  waitUntilCaughtUp,
} from '../src';

const stack = stackFromEnv();
const logger = createLogger({
  service: 'kafka-int-test',
  level: (process.env['TEST_LOG_LEVEL'] as 'error') ?? 'error',
});
const kafka = createKafka({ clientId: 'kafka-int-test', brokers: stack.KAFKA_BROKERS, logger });
const control = new MockKafkaControl(stack.KAFKA_MOCK_CONTROL);
const topic = TOPICS.predictions.name;

// Broker 1 leads a third of the partitions (the mock picks leaders at random), so
// taking it down stops some sends and not others.
beforeAll(async () => {
  await control.leadPartitions(topic, [1, 2, 3]);
  startTracing({
    serviceName: 'kafka-int-test',
    exporter: new InMemorySpanExporter(),
    synchronous: true,
  });
});
afterAll(() => shutdownTracing());

interface Received {
  id: string;
  header: string | undefined;
  traceparent: string | undefined;
  traceId: string | undefined;
}

/** Consumes `topic` from the beginning, keeping only this run's messages (value prefix). */
async function collect(run: string, received: Map<string, Received>, topics = [topic]) {
  const consumer = new ConsumerRunner<string>({
    kafka,
    groupId: `test-${run}`,
    topics,
    logger,
    fromBeginning: true,
    decode: (value) => {
      const text = value.toString();
      if (text.startsWith(`${run}:poison`)) throw new PoisonMessageError(`not an event: ${text}`);
      return text;
    },
    handle: async (messages) => {
      for (const m of messages) {
        if (!m.value.startsWith(`${run}:`)) continue;
        received.set(m.value, {
          id: m.value,
          header: m.headers['x-test']?.toString(),
          traceparent: m.headers['traceparent']?.toString(),
          traceId: trace.getSpanContext(m.context)?.traceId,
        });
      }
    },
  });
  await consumer.start();
  return consumer;
}

describe('kafka lib on the real broker', () => {
  let producer: EventProducer;

  beforeAll(async () => {
    producer = new EventProducer({ kafka, logger, retryBackoffMs: { min: 50, max: 1_000 } });
    await producer.start();
  });

  afterAll(async () => {
    await producer.close();
  });

  it('delivers every message with its headers and trace context', async () => {
    const run = randomUUID();
    const ids = Array.from({ length: 2_000 }, (_, i) => `${run}:${i}`);
    const traceId = await trace.getTracer('test').startActiveSpan('request', async (span) => {
      for (const id of ids) {
        expect(
          producer.send({
            topic,
            key: `unit-${id.length % 7}`,
            value: Buffer.from(id),
            headers: { 'x-test': 'yes' },
          }),
        ).toBe(true);
      }
      span.end();
      return span.spanContext().traceId;
    });
    await producer.flush();

    const received = new Map<string, Received>();
    const consumer = await collect(run, received);
    try {
      await waitFor('all messages', () => received.size === ids.length);
    } finally {
      await consumer.stop();
    }
    expect([...received.keys()].sort()).toEqual([...ids].sort());
    for (const message of received.values()) {
      expect(message.header).toBe('yes');
      expect(message.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      expect(message.traceId).toBe(traceId);
    }
  });

  it('loses no message when a broker goes down and comes back mid-stream', async () => {
    const run = randomUUID();
    const received = new Map<string, Received>();
    const consumer = await collect(run, received);
    const total = 3_000;
    try {
      for (let i = 0; i < total; i++) {
        if (i === 1_000) await control.brokerDown(1);
        if (i === 2_000) {
          // Hold the broker down long enough for sends to its partitions to fail and retry.
          await new Promise((resolve) => setTimeout(resolve, 3_000));
          await control.brokerUp(1);
        }
        expect(producer.send({ topic, key: String(i), value: Buffer.from(`${run}:${i}`) })).toBe(
          true,
        );
        if (i % 100 === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await producer.flush();
      await waitFor('all messages after the broker came back', () => received.size === total, {
        timeoutMs: 90_000,
      });
    } finally {
      await control.brokerUp(1).catch(() => undefined);
      await consumer.stop();
    }
    const expected = Array.from({ length: total }, (_, i) => `${run}:${i}`).sort();
    expect([...received.keys()].sort()).toEqual(expected);
  });

  it('sends poison messages to the DLQ with the reason and keeps the good ones around them', async () => {
    const run = randomUUID();
    for (const value of [`${run}:1`, `${run}:poison`, `${run}:2`]) {
      producer.send({ topic, key: 'same-partition', value: Buffer.from(value) });
    }
    await producer.flush();

    const received = new Map<string, Received>();
    const dead: { value: string; reason: string; source: string }[] = [];
    const dlqReader = new ConsumerRunner<string>({
      kafka,
      groupId: `test-dlq-${run}`,
      topics: [TOPICS.dlq.name],
      logger,
      fromBeginning: true,
      decode: (value) => value.toString(),
      handle: async (messages) => {
        for (const m of messages.filter((m) => m.value.startsWith(run))) {
          dead.push({
            value: m.value,
            reason: String(m.headers[DLQ_HEADERS.reason]),
            source: String(m.headers[DLQ_HEADERS.topic]),
          });
        }
      },
    });
    const consumer = await collect(run, received);
    await dlqReader.start();
    try {
      await waitFor(
        'good messages and the dead letter',
        () => received.size === 2 && dead.length === 1,
      );
    } finally {
      await Promise.all([consumer.stop(), dlqReader.stop()]);
    }
    expect([...received.keys()].sort()).toEqual([`${run}:1`, `${run}:2`]);
    expect(dead).toEqual([
      { value: `${run}:poison`, reason: `not an event: ${run}:poison`, source: topic },
    ]);
  });
});

describe('ConsumerRunner with a sink that accepts now and stores later', () => {
  it('moves on at once but commits a batch only when its rows are durable', async () => {
    const run = randomUUID();
    const groupId = `test-durable-${run}`;
    const producer = new EventProducer({ kafka, logger });
    await producer.start();
    for (let i = 0; i < 3; i += 1)
      producer.send({ topic, key: 'same-partition', value: Buffer.from(`${run}:${i}`) });
    await producer.flush();

    const accepted: string[] = [];
    let store!: () => void;
    const stored = new Promise<void>((resolve) => (store = resolve));
    const consumer = new ConsumerRunner<string>({
      kafka,
      groupId,
      topics: [topic],
      logger,
      fromBeginning: true,
      decode: (value) => value.toString(),
      handle: async (messages) => {
        accepted.push(...messages.map((m) => m.value).filter((v) => v.startsWith(run)));
        return { durable: stored };
      },
    });
    const admin = kafka.admin();
    await admin.connect();
    const committed = async () => {
      const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
      return (offsets?.partitions ?? []).some((p) => p.offset !== '-1');
    };
    await consumer.start();
    try {
      await waitFor('all three accepted', () => accepted.length === 3);
      // Accepted but not durable: nothing committed, however long we wait.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(await committed()).toBe(false);
      store();
      await waitFor('the offsets committed', committed);
    } finally {
      await consumer.stop();
      await admin.disconnect();
      await producer.close();
    }
  });
});

describe('ConsumerRunner after a crash KafkaJS does not restart from', () => {
  it('restarts the consumer and goes on consuming', async () => {
    const run = randomUUID();
    const producer = new EventProducer({ kafka, logger });
    await producer.start();
    const received: string[] = [];
    const consumer = new ConsumerRunner<string>({
      kafka,
      groupId: `test-crash-${run}`,
      topics: [topic],
      logger,
      fromBeginning: true,
      decode: (value) => value.toString(),
      handle: async (messages) => {
        received.push(...messages.map((m) => m.value).filter((v) => v.startsWith(run)));
      },
    });
    // INVALID_REQUEST (42) is not retriable: KafkaJS would disconnect and stay down.
    await control.command('request-errors JoinGroup 42 1');
    try {
      await consumer.start();
      producer.send({ topic, key: run, value: Buffer.from(`${run}:after-crash`) });
      await producer.flush();
      await waitFor('the message, consumed after the restart', () => received.length === 1, {
        timeoutMs: 60_000,
      });
    } finally {
      await control.command('clear-errors JoinGroup');
      await consumer.stop();
      await producer.close();
    }
  });
});

describe('waitUntilCaughtUp', () => {
  it('answers once a group has committed up to where the topic ended, false before', async () => {
    // A small topic (the group replays it from the beginning) whose readers filter
    // what they read: the DLQ's.
    const small = TOPICS.dlq.name;
    const run = randomUUID();
    const producer = new EventProducer({ kafka, logger });
    await producer.start();
    producer.send({ topic: small, key: run, value: Buffer.from(`${run}:last`) });
    await producer.flush();
    await producer.close();
    const groupId = `test-caught-up-${run}`;
    const options = { kafka, groupId, topic: small, timeoutMs: 300 };
    // A group that has read nothing is behind.
    expect(await waitUntilCaughtUp(options)).toBe(false);
    const seen: string[] = [];
    const consumer = new ConsumerRunner<string>({
      kafka,
      groupId,
      topics: [small],
      logger,
      fromBeginning: true,
      decode: (value) => value.toString(),
      handle: async (messages) => {
        seen.push(...messages.map((m) => m.value).filter((v) => v.startsWith(run)));
      },
    });
    await consumer.start();
    try {
      expect(await waitUntilCaughtUp({ ...options, timeoutMs: 60_000 })).toBe(true);
      // Caught up means handled: this run's message, produced before the wait, is in.
      expect(seen).toEqual([`${run}:last`]);
    } finally {
      await consumer.stop();
    }
  });
});

describe('EventProducer.closeWithUnsent', () => {
  it('hands back, with their trace headers, the messages a down broker kept from Kafka', async () => {
    const run = randomUUID();
    const producer = new EventProducer({ kafka, logger, retryBackoffMs: { min: 50, max: 500 } });
    await producer.start();
    const received = new Map<string, Received>();
    const consumer = await collect(run, received);
    const ids = Array.from({ length: 60 }, (_, i) => `${run}:${i}`);
    try {
      await control.brokerDown(1);
      for (const id of ids) producer.send({ topic, key: id, value: Buffer.from(id) });
      const unsent = await producer.closeWithUnsent(2_000);
      await control.brokerUp(1);
      // Six partitions on three brokers: some of sixty keys land on broker 1's.
      expect(unsent.length).toBeGreaterThan(0);
      for (const message of unsent)
        expect(message.headers?.['traceparent']).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      const unsentIds = new Set(unsent.map((m) => m.value.toString()));
      const sent = ids.filter((id) => !unsentIds.has(id));
      expect(sent.length).toBeGreaterThan(0);
      await waitFor('every message not handed back', () => sent.every((id) => received.has(id)), {
        timeoutMs: 90_000,
      });
    } finally {
      await control.brokerUp(1).catch(() => undefined);
      await consumer.stop();
    }
  });
});
