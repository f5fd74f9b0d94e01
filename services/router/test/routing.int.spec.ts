// The router as a real process in front of two real inference replicas, all three
// following the real control topic: routing and response parameters, bad requests,
// a 10% canary over 20,000 units, a rollback under load, and a replica killed under
// load and restarted. Processes are shared by the tests, which run in order.
import type { Deployment } from '@ballast/contracts';
import { EventProducer, createKafka } from '@ballast/kafka';
import { sampleRatioMismatch } from '@ballast/stats';
import { createLogger } from '@ballast/telemetry';
import { stackFromEnv, waitFor } from '@ballast/testing';
import { status } from '@grpc/grpc-js';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { assign } from '../src/domain/assignment';
import {
  deploy,
  fakeControlPlane,
  freePort,
  inferRequest,
  load,
  metric,
  parameter,
  scratchStore,
  startReplica,
  startRouter,
  unitParameter,
  type Replica,
  type Strategy,
} from './support';

const RUN = randomUUID().slice(0, 8);
const MODEL = `router-${RUN}`;
const stack = stackFromEnv();
const logger = createLogger({
  service: 'router-int-test',
  level: (process.env['TEST_LOG_LEVEL'] as 'error') ?? 'error',
});
const kafka = createKafka({ clientId: 'router-int-test', brokers: stack.KAFKA_BROKERS, logger });

const replace = (version: string): Strategy => ({ case: 'replace', value: { version } });

describe('router in front of two inference replicas', () => {
  const snapshot = new Map<string, Deployment>();
  const store = scratchStore(MODEL);
  const ports: number[] = [];
  const replicas: Replica[] = [];
  let producer: EventProducer;
  let control: Awaited<ReturnType<typeof fakeControlPlane>>;
  let router: Awaited<ReturnType<typeof startRouter>>;
  const replicaEnv = { MODEL_STORE_DIR: store, KAFKA_BROKERS: stack.KAFKA_BROKERS.join(',') };

  const publish = (generation: bigint, strategy: Strategy) =>
    deploy(producer, snapshot, MODEL, generation, strategy);
  /** Until every replica holds `version` and the router routes by `generation`. */
  const settled = async (generation: bigint, versions: string[]) => {
    for (const replica of replicas)
      for (const version of versions)
        await waitFor(
          `${replica.address} to hold ${MODEL}@${version}`,
          async () => (await replica.client.modelReady({ name: MODEL, version })).ready,
        );
    await waitFor(`the router at generation ${generation}`, async () => {
      const response = await router.client.modelInfer(inferRequest(MODEL));
      return parameter(response, 'deployment') === `${MODEL}@${generation}`;
    });
  };

  beforeAll(async () => {
    producer = new EventProducer({ kafka, logger });
    await producer.start();
    await publish(1n, replace('1'));
    control = await fakeControlPlane(snapshot, logger);
    ports.push(await freePort(), await freePort());
    replicas.push(...(await Promise.all(ports.map((p) => startReplica(p, replicaEnv)))));
    router = await startRouter({
      ROUTER_INFERENCE_ADDRESSES: replicas.map((r) => r.address).join(','),
      CONTROL_ADDRESS: control.address,
      KAFKA_BROKERS: stack.KAFKA_BROKERS.join(','),
      MODEL_STORE_DIR: store,
      ROUTER_SPOOL_DIR: mkdtempSync(path.join(tmpdir(), 'ballast-router-spool-')),
      ROUTER_CONTROL_GROUP_PREFIX: `router-int-${RUN}`,
    });
    await settled(1n, ['1']);
  });

  afterAll(async () => {
    await router?.stop();
    await Promise.all(replicas.map((r) => r.stop()));
    control?.close();
    await producer?.close();
  });

  it('is ready with the snapshot applied and answers with the routing decision', async () => {
    expect(router.service.ready['deployments']).toContain(`${MODEL}@1`);
    const response = await router.client.modelInfer(inferRequest(MODEL, {}, 'req-1'));
    expect(response.id).toBe('req-1');
    expect(parameter(response, 'model_version')).toBe('1');
    expect(parameter(response, 'variant')).toBe('');
    expect(parameter(response, 'deployment')).toBe(`${MODEL}@1`);
    expect(parameter(response, 'request_id')).toBe('req-1');
    expect(parameter(response, 'experiment_id')).toBeUndefined();
    // Without an id, the router makes one.
    const anonymous = await router.client.modelInfer(inferRequest(MODEL));
    expect(parameter(anonymous, 'request_id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(anonymous.id).toBe(parameter(anonymous, 'request_id'));
  });

  it('answers NOT_FOUND for an unknown model and INVALID_ARGUMENT for a malformed unit id', async () => {
    await expect(router.client.modelInfer(inferRequest(`${MODEL}-nope`))).rejects.toMatchObject({
      code: status.NOT_FOUND,
      details: `model "${MODEL}-nope" has no active deployment`,
    });
    await expect(
      router.client.modelInfer(
        inferRequest(MODEL, { unit_id: { parameterChoice: { case: 'doubleParam', value: 1 } } }),
      ),
    ).rejects.toMatchObject({
      code: status.INVALID_ARGUMENT,
      details: 'parameters["unit_id"]: must be a string_param or int64_param, is doubleParam',
    });
    await expect(
      router.client.modelInfer(inferRequest(MODEL, unitParameter(''))),
    ).rejects.toMatchObject({
      code: status.INVALID_ARGUMENT,
      details: 'parameters["unit_id"]: must not be empty',
    });
    // A replica's own INVALID_ARGUMENT comes through with its message.
    const bad = { ...inferRequest(MODEL), inputs: [] };
    await expect(router.client.modelInfer(bad)).rejects.toMatchObject({
      code: status.INVALID_ARGUMENT,
    });
  });

  it('sends a 10% canary to version 2 by unit, as configured, each unit keeping its variant', async () => {
    const salt = `salt-${RUN}`;
    await publish(2n, {
      case: 'canary',
      value: { stableVersion: '1', canaryVersion: '2', canaryWeight: 0.1, salt },
    });
    await settled(2n, ['1', '2']);
    const units = 20_000;
    const answers = await load(router.client, {
      concurrency: 32,
      request: (i) => ({
        body: inferRequest(MODEL, unitParameter(`unit-${i}`)),
        unit: `unit-${i}`,
      }),
      stop: (sent) => sent >= units,
    });
    expect(answers.filter((a) => a.code !== status.OK)).toEqual([]);
    const canary = answers.filter((a) => a.variant === 'canary');
    expect(canary.every((a) => a.version === '2')).toBe(true);
    expect(answers.filter((a) => a.variant === 'stable').every((a) => a.version === '1')).toBe(
      true,
    );
    const srm = sampleRatioMismatch({
      observed: [units - canary.length, canary.length],
      weights: [0.9, 0.1],
    });
    expect(srm.status === 'ok' && srm.pValue).toBeGreaterThan(0.001);
    // The variant is the documented formula's, and a unit asked again keeps it.
    for (const a of answers.slice(0, 1000))
      expect(a.variant).toBe(assign(salt, a.unit, [0.9, 0.1]) === 1 ? 'canary' : 'stable');
    const again = await load(router.client, {
      concurrency: 16,
      request: (i) => ({
        body: inferRequest(MODEL, unitParameter(`unit-${i}`)),
        unit: `unit-${i}`,
      }),
      stop: (sent) => sent >= 2_000,
    });
    const first = new Map(answers.map((a) => [a.unit, a.variant]));
    expect(again.filter((a) => a.variant !== first.get(a.unit))).toEqual([]);
  });

  /** Load with 8 callers; `act` after 1 s; 3 s more. Returns every answer and when `act` ended. */
  const underLoad = async (prefix: string, act: () => Promise<void>) => {
    let at = Number.POSITIVE_INFINITY;
    const running = load(router.client, {
      concurrency: 8,
      request: (i) => ({
        body: inferRequest(MODEL, unitParameter(`${prefix}-${i}`)),
        unit: `${prefix}-${i}`,
      }),
      stop: () => Date.now() > at + 3_000,
    });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await act();
    at = Date.now();
    return { answers: await running, at };
  };

  it('rolls back to version 1 under load: no failed request, version 1 serves everything within 2 s', async () => {
    const { answers, at: publishedAt } = await underLoad('roll', () => publish(3n, replace('1')));
    expect(answers.filter((a) => a.code !== status.OK)).toEqual([]);
    // Before the rollback the canary served some (the test can see a difference).
    expect(answers.some((a) => a.startedAt < publishedAt && a.version === '2')).toBe(true);
    const late = answers.filter((a) => a.startedAt >= publishedAt + 2_000);
    expect(late.length).toBeGreaterThan(0);
    expect(late.filter((a) => a.version !== '1')).toEqual([]);
  });

  it('keeps serving when one replica is killed under load, and uses it again once restarted', async () => {
    const victim = replicas[0] as Replica;
    const { answers } = await underLoad('kill', async () => {
      victim.client.close();
      victim.service.child.kill('SIGKILL');
    });
    const failed = answers.filter((a) => a.code !== status.OK);
    expect(answers.length).toBeGreaterThan(200);
    expect(failed.length / answers.length).toBeLessThanOrEqual(0.001);
    await waitFor(
      'the router to mark the killed replica unhealthy',
      async () =>
        (await metric(router.metricsPort, 'ballast_router_replica_healthy', {
          replica: victim.address,
        })) === 0,
    );

    const restarted = await startReplica(ports[0] as number, replicaEnv);
    replicas[0] = restarted;
    await waitFor(
      'the restarted replica to hold version 1',
      async () => (await restarted.client.modelReady({ name: MODEL, version: '1' })).ready,
    );
    let done = false;
    const after = load(router.client, {
      concurrency: 4,
      request: (i) => ({ body: inferRequest(MODEL), unit: `after-${i}` }),
      stop: () => done,
    });
    try {
      await waitFor(
        'the restarted replica to get requests from the router',
        async () =>
          ((await metric(restarted.metricsPort, 'ballast_inference_requests_total', {
            model: MODEL,
            code: 'OK',
          })) ?? 0) > 0,
      );
    } finally {
      done = true;
    }
    expect((await after).filter((a) => a.code !== status.OK)).toEqual([]);
  });
});
