// The built control plane as a real process on the real broker: registration from
// a folder into the artifact store, deployments with compare-and-swap, rollback,
// refused inputs that change nothing, state kept across a restart, and every change
// published on ballast.control.v1.
import { ControlEventSchema, type ControlEvent } from '@ballast/contracts';
import { TOPICS, createKafka } from '@ballast/kafka';
import { FileSystemArtifactStore } from '@ballast/model-store';
import { createLogger } from '@ballast/telemetry';
import { stackFromEnv, waitFor } from '@ballast/testing';
import { fromBinary } from '@bufbuild/protobuf';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  editManifest,
  failure,
  sha256,
  sources,
  startControlPlane,
  uniqueModel,
  variantOf,
  type RunningControlPlane,
} from './support';

const stack = stackFromEnv();
const MODEL = uniqueModel();
const who = { actor: 'int-test', reason: 'integration test' };
const canary = {
  case: 'canary' as const,
  value: { stableVersion: '1', canaryVersion: '2', canaryWeight: 0.25 },
};

describe('control plane (real process, real broker)', () => {
  const dirs = {
    MODEL_STORE_DIR: mkdtempSync(path.join(tmpdir(), 'ballast-store-')),
    CONTROL_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'ballast-control-')),
  };
  const source = sources(MODEL);
  const env = { ...dirs, KAFKA_BROKERS: stack.KAFKA_BROKERS.join(','), LOG_LEVEL: 'info' };
  let cp: RunningControlPlane;

  beforeAll(async () => {
    cp = await startControlPlane(env);
  });
  afterAll(() => cp.stop());

  const register = (version: string, sourcePath = path.join(source, version)) =>
    cp.client.registerModelVersion({ model: MODEL, version, sourcePath, context: who });

  it('registers versions into the artifact store, idempotently', async () => {
    const first = await register('1');
    expect(first.version).toMatchObject({ model: MODEL, version: '1', registeredBy: 'int-test' });
    expect(first.version?.features).toHaveLength(30);
    await register('2');
    const again = await register('1');
    expect(again.version?.registeredTime).toEqual(first.version?.registeredTime);
    const store = new FileSystemArtifactStore({ root: dirs.MODEL_STORE_DIR });
    expect(await store.listVersions(MODEL)).toEqual(['1', '2']);
    await expect(store.readModel(MODEL, '2')).resolves.toBeDefined();
    const described = await cp.client.describeModel({ model: MODEL });
    expect(described.versions.map((v) => v.version)).toEqual(['1', '2']);
  });

  it('deploys a canary, then lets exactly one of two writers at the same generation win', async () => {
    const { deployment } = await cp.client.deploy({
      deployment: { model: MODEL, strategy: canary },
      expectedGeneration: 0n,
      context: who,
    });
    expect(deployment).toMatchObject({ generation: 1n, strategy: { value: { salt: MODEL } } });
    const writes = await Promise.allSettled(
      ['1', '2'].map((version) =>
        cp.client.deploy({
          deployment: { model: MODEL, strategy: { case: 'replace', value: { version } } },
          expectedGeneration: 1n,
          context: who,
        }),
      ),
    );
    expect(writes.filter((w) => w.status === 'fulfilled')).toHaveLength(1);
    const lost = writes.find((w) => w.status === 'rejected')!;
    expect(await failure(Promise.reject((lost as PromiseRejectedResult).reason))).toEqual({
      code: 'FAILED_PRECONDITION',
      details: `model "${MODEL}" is at generation 2, expected 1`,
    });
  });

  it('rolls back to the canary as generation 3', async () => {
    const { deployment } = await cp.client.rollback({ model: MODEL, context: who });
    expect(deployment).toMatchObject({ generation: 3n, strategy: { case: 'canary' } });
  });

  describe('refuses bad input and changes nothing', () => {
    let before: { history: unknown; generation: bigint | undefined };
    const snapshot = async () => ({
      history: (await cp.client.history({ model: MODEL })).entries,
      generation: (await cp.client.getDeployment({ model: MODEL })).deployment?.generation,
    });
    beforeAll(async () => {
      before = await snapshot();
    });
    afterAll(async () => {
      expect(await snapshot()).toEqual(before);
    });

    const experiment = (overrides: Record<string, unknown>) =>
      cp.client.deploy({
        deployment: {
          model: MODEL,
          strategy: {
            case: 'experiment',
            value: {
              experimentId: 'exp',
              unitField: 'user_id',
              variants: [
                { name: 'a', version: '1', weight: 0.5 },
                { name: 'b', version: '2', weight: 0.4 },
              ],
              ...overrides,
            },
          },
        },
        context: who,
      });

    it.each([
      [
        'an unknown model',
        () => cp.client.deploy({ deployment: { model: uniqueModel(), strategy: canary } }),
        'NOT_FOUND',
        /^deployment.model: model "cp-[0-9a-f]{8}" is not registered$/,
      ],
      [
        'an unknown version',
        () =>
          cp.client.deploy({
            deployment: { model: MODEL, strategy: { case: 'replace', value: { version: '9' } } },
          }),
        'NOT_FOUND',
        /^deployment.replace.version: model "cp-.*" has no registered version "9"$/,
      ],
      [
        'weights not summing to 1',
        () => experiment({}),
        'INVALID_ARGUMENT',
        /^deployment.experiment.variants: weights sum to 0.9, must sum to 1$/,
      ],
      [
        'a bad unit field',
        () =>
          experiment({
            unitField: 'user id',
            variants: [
              { name: 'a', version: '1', weight: 0.5 },
              { name: 'b', version: '2', weight: 0.5 },
            ],
          }),
        'INVALID_ARGUMENT',
        /^deployment.experiment.unit_field: "user id" is not a parameter name/,
      ],
      [
        'a stale generation',
        () => cp.client.rollback({ model: MODEL, expectedGeneration: 2n }),
        'FAILED_PRECONDITION',
        /is at generation 3, expected 2$/,
      ],
      [
        'a corrupt ONNX file',
        () => {
          const dir = variantOf(source, '3');
          const garbage = new TextEncoder().encode('not an onnx model');
          writeFileSync(path.join(dir, 'model.onnx'), garbage);
          editManifest(dir, (m) => ({ ...m, sha256: sha256(garbage) }));
          return register('3', dir);
        },
        'INVALID_ARGUMENT',
        /^source_path: onnxruntime cannot open model.onnx: /,
      ],
      [
        'a checksum mismatch',
        () => {
          const dir = variantOf(source, '4');
          editManifest(dir, (m) => ({ ...m, sha256: '0'.repeat(64) }));
          return register('4', dir);
        },
        'INVALID_ARGUMENT',
        /^manifest.sha256: is 0{64}, but model.onnx has sha256 [0-9a-f]{64}$/,
      ],
      [
        "a version other than the manifest's",
        () => register('1', path.join(source, '2')),
        'INVALID_ARGUMENT',
        /^version: is "1", the manifest in .* says "2"$/,
      ],
    ] as const)('%s', async (_what, call, code, details) => {
      expect(await failure(call())).toEqual({ code, details: expect.stringMatching(details) });
    });

    it('a registered version with other content: ALREADY_EXISTS', async () => {
      const dir = variantOf(source, '1', 'changed-1');
      editManifest(dir, (m) => ({ ...m, description: 'changed' }));
      expect(await failure(register('1', dir))).toEqual({
        code: 'ALREADY_EXISTS',
        details: `model "${MODEL}" version "1" is already registered with different content; register a new version instead`,
      });
    });
  });

  it('keeps its state across a restart', async () => {
    const before = {
      deployments: await cp.client.listDeployments({}),
      history: await cp.client.history({ model: MODEL }),
      models: await cp.client.describeModel({ model: MODEL }),
    };
    expect(before.history.entries.map((e) => e.action)).toEqual([
      'rollback',
      'deploy',
      'deploy',
      'register',
      'register',
    ]);
    expect(await cp.stop()).toMatch(/SIGTERM|exit 0/);
    cp = await startControlPlane(env);
    expect({
      deployments: await cp.client.listDeployments({}),
      history: await cp.client.history({ model: MODEL }),
      models: await cp.client.describeModel({ model: MODEL }),
    }).toEqual(before);
    // The rollback took the only past deployment off the stack; the restart keeps that too.
    expect(await failure(cp.client.rollback({ model: MODEL, context: who }))).toEqual({
      code: 'FAILED_PRECONDITION',
      details: `model "${MODEL}": generation 3 is its first deployment; there is none before it to roll back to`,
    });
    const { deployment } = await cp.client.promote({
      model: MODEL,
      expectedGeneration: 3n,
      context: who,
    });
    expect(deployment).toMatchObject({
      generation: 4n,
      strategy: { case: 'replace', value: { version: '2' } },
    });
  });

  it('publishes every change on ballast.control.v1, keyed by the model', async () => {
    const logger = createLogger({ service: 'control-plane-int-test', level: 'error' });
    const kafka = createKafka({
      clientId: 'control-plane-int-test',
      brokers: stack.KAFKA_BROKERS,
      logger,
    });
    const consumer = kafka.consumer({
      groupId: `control-plane-int-${randomUUID().slice(0, 8)}`,
      maxWaitTimeInMs: 500,
    });
    const events = new Map<string, ControlEvent>();
    await consumer.connect();
    await consumer.subscribe({ topic: TOPICS.control.name, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (message.key?.toString() !== MODEL) return;
        const event = fromBinary(ControlEventSchema, message.value!);
        events.set(event.eventId, event);
      },
    });
    try {
      await waitFor('6 control events of this run', () => changesOf(events).length >= 6, {
        timeoutMs: 60_000,
      });
    } finally {
      await consumer.disconnect();
    }
    // A restart announces the active deployment again (for brokers that lost the
    // topic): the same deployment as one of the changes, under the control plane's name.
    const describe = (e: ControlEvent) =>
      e.change.case === 'deploymentChanged'
        ? `${e.model?.deployment} ${e.change.value.strategy.case}`
        : `registered ${e.model?.version}`;
    const changes = changesOf(events).map(describe);
    const announced = [...events.values()].filter(isAnnouncement).map(describe);
    expect(announced.length).toBeGreaterThan(0);
    for (const deployment of announced) expect(changes).toContain(deployment);
    expect(changes.sort()).toEqual(
      [
        'registered 1',
        'registered 2',
        `${MODEL}@1 canary`,
        `${MODEL}@2 replace`,
        `${MODEL}@3 canary`,
        `${MODEL}@4 replace`,
      ].sort(),
    );
    expect(changesOf(events).every((e) => e.actor === 'int-test')).toBe(true);
  });
});

function isAnnouncement(event: ControlEvent): boolean {
  return event.actor === 'control-plane' && event.reason.startsWith('active deployment announced');
}

function changesOf(events: Map<string, ControlEvent>): ControlEvent[] {
  return [...events.values()].filter((e) => !isAnnouncement(e));
}
