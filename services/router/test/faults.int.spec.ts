// The router as a real process in front of two real inference replicas, end to end
// to the predictions topic: a Kafka broker down for 10 s in the middle of 25 s of
// load costs no request and no event (the disk spool takes them, and a graceful stop
// and restart on the same spool lose nothing either); a shadow deployment answers
// every caller from the primary and mirrors about half the requests as ROLE_SHADOW
// events; a shadow version the replicas cannot load costs the callers nothing.
// Processes are shared by the tests, which run in order.
import { Role, type Deployment, type PredictionEvent } from '@ballast/contracts';
import { EventProducer, TOPICS, createKafka } from '@ballast/kafka';
import { sampleRatioMismatch } from '@ballast/stats';
import { createLogger } from '@ballast/telemetry';
import { MockKafkaControl, stackFromEnv, waitFor } from '@ballast/testing';
import { status } from '@grpc/grpc-js';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  deploy,
  fakeControlPlane,
  freePort,
  inferRequest,
  load,
  metric,
  readPredictions,
  scratchStore,
  settled,
  startReplica,
  startRouter,
  type Answer,
  type Replica,
  type Strategy,
} from './support';

const RUN = randomUUID().slice(0, 8);
const MODEL = `router-faults-${RUN}`;
const stack = stackFromEnv();
const logger = createLogger({
  service: 'router-faults-int-test',
  level: (process.env['TEST_LOG_LEVEL'] as 'error') ?? 'error',
});
const kafka = createKafka({ clientId: 'router-faults-test', brokers: stack.KAFKA_BROKERS, logger });
const brokers = new MockKafkaControl(stack.KAFKA_MOCK_CONTROL);
const PREDICTIONS = { topic: TOPICS.predictions.name };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const shadow = (shadowVersion: string): Strategy => ({
  case: 'shadow',
  value: { primaryVersion: '1', shadowVersion, mirrorFraction: 0.5 },
});

/** Per request id, its events on the topic. */
function byRequest(events: PredictionEvent[]): Map<string, PredictionEvent[]> {
  const map = new Map<string, PredictionEvent[]>();
  for (const event of events)
    map.set(event.requestId, [...(map.get(event.requestId) ?? []), event]);
  return map;
}

const failures = (answers: Answer[]) => answers.filter((a) => a.code !== status.OK);

describe('router events and shadows under faults, end to end', () => {
  const snapshot = new Map<string, Deployment>();
  const store = scratchStore(MODEL);
  const spoolDir = mkdtempSync(path.join(tmpdir(), 'ballast-router-spool-'));
  const replicas: Replica[] = [];
  let producer: EventProducer;
  let control: Awaited<ReturnType<typeof fakeControlPlane>>;
  let router: Awaited<ReturnType<typeof startRouter>>;
  let routerEnv: Record<string, string>;
  let reader: Awaited<ReturnType<typeof readPredictions>>;
  /** This run's events with request ids starting `prefix`, once the reader is at the topic's ends. */
  const eventsOf = async (prefix: string) => {
    await waitFor('the reader at the topic ends', reader.caughtUp, {
      timeoutMs: 60_000,
      intervalMs: 500,
    });
    return reader.events.filter((e) => e.requestId.startsWith(prefix));
  };
  const routerMetric = (name: string, labels: Record<string, string> = {}) =>
    metric(router.metricsPort, `ballast_router_${name}`, labels);
  const shadowOutcomes = async () =>
    Object.fromEntries(
      await Promise.all(
        ['ok', 'failed', 'dropped'].map(async (outcome) => [
          outcome,
          (await routerMetric('shadow_requests_total', { outcome })) ?? 0,
        ]),
      ),
    ) as Record<'ok' | 'failed' | 'dropped', number>;

  beforeAll(async () => {
    // Broker 1 leads every predictions partition: taking it down stops the whole topic.
    await brokers.leadPartitions(PREDICTIONS.topic, [1]);
    producer = new EventProducer({ kafka, logger });
    await producer.start();
    await deploy(producer, snapshot, MODEL, 1n, { case: 'replace', value: { version: '1' } });
    control = await fakeControlPlane(snapshot, logger);
    const replicaEnv = { MODEL_STORE_DIR: store, KAFKA_BROKERS: stack.KAFKA_BROKERS.join(',') };
    const ports = [await freePort(), await freePort()];
    replicas.push(...(await Promise.all(ports.map((p) => startReplica(p, replicaEnv)))));
    routerEnv = {
      ROUTER_INFERENCE_ADDRESSES: replicas.map((r) => r.address).join(','),
      CONTROL_ADDRESS: control.address,
      KAFKA_BROKERS: stack.KAFKA_BROKERS.join(','),
      MODEL_STORE_DIR: store,
      ROUTER_SPOOL_DIR: spoolDir,
      // Small, so a broker that is down sends events to the spool within a moment.
      ROUTER_EVENT_BUFFER_MESSAGES: '20',
      ROUTER_CONTROL_GROUP_PREFIX: `router-faults-${RUN}`,
    };
    router = await startRouter(routerEnv);
    await settled({ replicas, router, model: MODEL, generation: 1n, versions: ['1'] });
    reader = await readPredictions(kafka, `${RUN}/`);
  });

  afterAll(async () => {
    await brokers.brokerUp(1).catch(() => undefined);
    await brokers.leadPartitions(PREDICTIONS.topic, [1, 2, 3]);
    await reader?.stop();
    await router?.stop();
    await Promise.all(replicas.map((r) => r.stop()));
    control?.close();
    await producer?.close();
    await rm(spoolDir, { recursive: true, force: true });
  });

  it('loses no event when a broker is down for 10 s under load, nor across a graceful restart', async () => {
    const prefix = `${RUN}/fault/`;
    const started = Date.now();
    const running = load(router.client, {
      concurrency: 8,
      request: (i) => ({ body: inferRequest(MODEL, {}, `${prefix}${i}`), unit: '' }),
      stop: () => Date.now() - started >= 25_000,
    });
    await sleep(7_500);
    await brokers.brokerDown(1);
    try {
      await sleep(10_000);
    } finally {
      await brokers.brokerUp(1);
    }
    const answers = await running;
    expect(failures(answers)).toEqual([]);

    // The outage went through the spool, which the router replays once Kafka is back.
    let spooled = 0;
    await waitFor(
      'the router to replay its spool',
      async () => {
        spooled = (await routerMetric('events_spooled_total', PREDICTIONS)) ?? 0;
        return (await routerMetric('events_replayed_total', PREDICTIONS)) === spooled;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(spooled).toBeGreaterThan(0);
    expect(await routerMetric('events_dropped_total', PREDICTIONS)).toBeUndefined();
    expect(await routerMetric('predictions_unrecorded_total')).toBe(0);

    // SIGTERM flushes or spools what is in memory; the next process on the spool replays it.
    expect(await router.stop()).toMatch(/^(SIGTERM|exit 0)$/);
    const [stopped] = router.service.logged('event publisher stopped');
    expect(stopped).toBeDefined();
    router = await startRouter(routerEnv);
    await waitFor(
      'the restarted router to empty the spool',
      async () => (await routerMetric('events_spool_bytes')) === 0,
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    expect((await readdir(spoolDir)).filter((f) => f.endsWith('.seg'))).toEqual([]);

    const events = await eventsOf(prefix);
    const served = new Set(answers.map((a) => a.id));
    expect(served.size).toBe(answers.length);
    const onTopic = byRequest(events);
    expect([...served].filter((id) => !onTopic.has(id))).toEqual([]);
    expect([...onTopic.keys()].filter((id) => !served.has(id))).toEqual([]);
    // A duplicate is the same event delivered again (consumers deduplicate by event id).
    const republished = [...onTopic.values()].filter(
      (copies) => new Set(copies.map((e) => e.eventId)).size > 1,
    );
    expect(republished).toEqual([]);
    expect(events.filter((e) => e.role !== Role.PRIMARY || e.model?.version !== '1')).toEqual([]);
    const duplicates = events.length - onTopic.size;
    console.log(
      `broker down 10 s under load: ${answers.length} requests served, ${onTopic.size} on the topic, ` +
        `${spooled} spooled and replayed, ${String(stopped?.['unsent'])} unsent at stop, ` +
        `${duplicates} duplicates (${((100 * duplicates) / answers.length).toFixed(3)}%)`,
    );
    expect(duplicates).toBeLessThanOrEqual(0.01 * answers.length);
  });

  it('answers every caller from the primary and mirrors about half as ROLE_SHADOW events of version 2', async () => {
    await deploy(producer, snapshot, MODEL, 2n, shadow('2'));
    await settled({ replicas, router, model: MODEL, generation: 2n, versions: ['1', '2'] });
    const prefix = `${RUN}/shadow/`;
    const before = await shadowOutcomes();
    const requests = 400;
    const answers = await load(router.client, {
      concurrency: 8,
      request: (i) => ({ body: inferRequest(MODEL, {}, `${prefix}${i}`), unit: '' }),
      stop: (sent) => sent >= requests,
    });
    expect(failures(answers)).toEqual([]);
    expect(answers.filter((a) => a.version !== '1')).toEqual([]);

    // Mirrors finish after their callers' answers: wait for every one's event.
    const ids = (role: Role) =>
      new Set(
        reader.events
          .filter((e) => e.requestId.startsWith(prefix) && e.role === role)
          .map((e) => e.requestId),
      );
    await waitFor(
      'an event for every request and every mirror',
      async () =>
        ids(Role.PRIMARY).size === requests &&
        ids(Role.SHADOW).size === (await shadowOutcomes()).ok - before.ok,
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    const events = await eventsOf(prefix);
    const shadows = events.filter((e) => e.role === Role.SHADOW);
    const after = await shadowOutcomes();
    expect(after.failed - before.failed).toBe(0);
    expect(after.dropped - before.dropped).toBe(0);
    const mirrored = byRequest(shadows);
    const served = new Set(answers.map((a) => a.id));
    expect([...mirrored.keys()].filter((id) => !served.has(id))).toEqual([]);
    expect(shadows.filter((e) => e.model?.version !== '2')).toEqual([]);
    const srm = sampleRatioMismatch({
      observed: [requests - mirrored.size, mirrored.size],
      weights: [0.5, 0.5],
    });
    console.log(
      `shadow 0.5: ${mirrored.size} of ${requests} mirrored (p = ${srm.status === 'ok' ? srm.pValue.toFixed(3) : '-'})`,
    );
    expect(srm.status === 'ok' && srm.pValue).toBeGreaterThan(0.001);
  });

  it('answers every caller from the primary when the shadow version cannot be loaded', async () => {
    // Version 9 is in no store: the replicas keep what they hold and answer its mirrors NOT_FOUND.
    await deploy(producer, snapshot, MODEL, 3n, shadow('9'));
    await settled({ replicas, router, model: MODEL, generation: 3n, versions: ['1'] });
    const before = await shadowOutcomes();
    const prefix = `${RUN}/broken/`;
    const answers = await load(router.client, {
      concurrency: 8,
      request: (i) => ({ body: inferRequest(MODEL, {}, `${prefix}${i}`), unit: '' }),
      stop: (sent) => sent >= 200,
    });
    expect(failures(answers)).toEqual([]);
    expect(answers.filter((a) => a.version !== '1')).toEqual([]);
    // About 100 mirrors, each failing after the NOT_FOUND retries or dropped past the bound.
    await waitFor(
      'the mirrors to fail',
      async () => {
        const now = await shadowOutcomes();
        return now.failed + now.dropped - before.failed - before.dropped > 50;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    expect((await shadowOutcomes()).ok).toBe(before.ok);
    const events = await eventsOf(prefix);
    expect(new Set(events.map((e) => e.requestId)).size).toBe(answers.length);
    expect(events.filter((e) => e.role !== Role.PRIMARY)).toEqual([]);
  });
});
