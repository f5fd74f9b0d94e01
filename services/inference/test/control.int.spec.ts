// The control follower on the real local broker: deployments published to
// ballast.control.v1 are applied by a live repository (replace, canary, a stale
// generation, a version that does not exist), and a replica started later replays
// the topic to the same state. The topic is shared and keeps earlier runs' events, so
// this run deploys models of its own names (copies of breast-cancer): nothing older
// concerns them, and nothing this run publishes concerns anyone else's models.
import { ControlEventSchema, DeploymentSchema } from '@ballast/contracts';
import { EventProducer, TOPICS, createKafka } from '@ballast/kafka';
import { FileSystemArtifactStore } from '@ballast/model-store';
import { createLogger, metricName } from '@ballast/telemetry';
import { stackFromEnv, waitFor } from '@ballast/testing';
import { create, toBinary, type MessageInitShape } from '@bufbuild/protobuf';
import { timestampNow } from '@bufbuild/protobuf/wkt';
import { randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import type { ServingSettings } from '../src/domain/loaded-version';
import { ModelRepository, type ModelRepositoryOptions } from '../src/domain/model-repository';
import { OnnxModel } from '../src/domain/onnx-model';
import { ControlFollower } from '../src/transport/control-follower';
import { DEMO_MODELS } from './support';

const RUN = `control-${randomUUID().slice(0, 8)}-`;
const OTHER_RUN = /"model":"control-[0-9a-f]{8}-/;

const stack = stackFromEnv();
const logger = createLogger({
  service: 'control-int-test',
  level: (process.env['TEST_LOG_LEVEL'] as 'error') ?? 'error',
  // Replaying the topic, every replica fails to load earlier runs' models (this run's
  // store lacks them), as it should; those lines would only bury this run's.
  write: (line) => {
    if (!OTHER_RUN.test(line) || line.includes(RUN)) process.stdout.write(line);
  },
});
const kafka = createKafka({ clientId: 'control-int-test', brokers: stack.KAFKA_BROKERS, logger });

const demo = new FileSystemArtifactStore({ root: DEMO_MODELS });
const demoName = (model: string) => (model.startsWith(RUN) ? 'breast-cancer' : model);
const store: ModelRepositoryOptions['store'] = {
  listVersions: (model) => demo.listVersions(demoName(model)),
  readModel: async (model, version) => {
    const artifact = await demo.readModel(demoName(model), version);
    return { ...artifact, manifest: { ...artifact.manifest, name: model } };
  },
};
const settings: ServingSettings = {
  limits: { maxConcurrent: 2, maxQueue: 16 },
  batching: undefined,
  session: {},
  execution: 'inline',
  inlineMaxMs: 1,
  maxElements: 1 << 20,
};

interface Replica {
  repository: ModelRepository;
  registry: Registry;
  follower: ControlFollower;
}

async function startReplica(): Promise<Replica> {
  const repository = new ModelRepository({
    store,
    settingsFor: () => settings,
    logger,
    // Inline: the default opener's worker threads need the built service.
    open: (bytes, s) => OnnxModel.create(bytes, s.session),
  });
  const registry = new Registry();
  const follower = new ControlFollower({
    kafka,
    repository,
    logger,
    groupId: `${RUN}${randomUUID().slice(0, 8)}`,
    registry,
  });
  await follower.start();
  return { repository, registry, follower };
}

/** What a replica holds of this run's models: `model@version`, the current one starred. */
function held({ repository }: Replica, model = RUN): string[] {
  return repository
    .index()
    .filter((e) => e.name.startsWith(model))
    .map((e) => `${e.name}@${e.version}${e.current ? '*' : ''}`)
    .sort();
}

async function settles(replica: Replica, model: string, versions: string[]): Promise<void> {
  const wanted = versions.map((v) => `${model}@${v}`);
  await waitFor(`${model} to hold ${versions.join(', ')}`, () =>
    equal(held(replica, model), wanted),
  );
  expect(held(replica, model)).toEqual(wanted);
}

const equal = (a: string[], b: string[]) => a.join() === b.join();

async function outcomes({ registry }: Replica, model: string, outcome: string): Promise<number> {
  const metric = registry.getSingleMetric(metricName('inference', 'control_deployments_total'));
  const values = (await metric?.get())?.values ?? [];
  return (
    values.find((v) => v.labels['model'] === model && v.labels['outcome'] === outcome)?.value ?? 0
  );
}

type Strategy = MessageInitShape<typeof DeploymentSchema>['strategy'];
const replace = (version: string): Strategy => ({ case: 'replace', value: { version } });

describe('control follower on the real broker', () => {
  let producer: EventProducer;
  let replica: Replica;

  /** Publishes one ControlEvent per deployment, in order, and waits for Kafka's acks. */
  async function publish(...deployments: [string, bigint, Strategy][]): Promise<void> {
    for (const [model, generation, strategy] of deployments) {
      const event = create(ControlEventSchema, {
        eventId: randomUUID(),
        eventTime: timestampNow(),
        model: { name: model },
        actor: 'control-int-test',
        change: {
          case: 'deploymentChanged',
          value: create(DeploymentSchema, { model, generation, strategy }),
        },
      });
      producer.send({
        topic: TOPICS.control.name,
        key: model,
        value: toBinary(ControlEventSchema, event),
      });
    }
    await producer.flush();
  }

  beforeAll(async () => {
    producer = new EventProducer({ kafka, logger });
    await producer.start();
    replica = await startReplica();
  });

  afterAll(async () => {
    await producer?.close();
    await replica?.follower.stop();
    await replica?.repository.close();
  });

  it('replaces version 1 by version 2: 2 current, 1 unloaded', async () => {
    const model = `${RUN}replace`;
    await publish([model, 1n, replace('1')]);
    await settles(replica, model, ['1*']);
    await publish([model, 2n, replace('2')]);
    await settles(replica, model, ['2*']);
  });

  it('holds stable and canary with stable current, and promotes the canary', async () => {
    const model = `${RUN}canary`;
    const canary: Strategy = {
      case: 'canary',
      value: { stableVersion: '1', canaryVersion: '2', canaryWeight: 0.1 },
    };
    await publish([model, 1n, canary]);
    await settles(replica, model, ['1*', '2']);
    await publish([model, 2n, replace('2')]);
    await settles(replica, model, ['2*']);
  });

  it('ignores deployments whose generation is not newer than the one applied', async () => {
    const model = `${RUN}stale`;
    await publish([model, 5n, replace('2')]);
    await settles(replica, model, ['2*']);
    await publish([model, 5n, replace('1')], [model, 3n, replace('1')]);
    await waitFor(
      'both superseded',
      async () => (await outcomes(replica, model, 'superseded')) === 2,
    );
    expect(held(replica, model)).toEqual([`${model}@2*`]);
  });

  it('keeps serving when a version does not load, and applies the next deployment', async () => {
    const model = `${RUN}broken`;
    await publish([model, 1n, replace('2')]);
    await settles(replica, model, ['2*']);
    // Version 1 loads, 9 does not exist: the plan's own load of 1 is undone too.
    await publish([
      model,
      2n,
      { case: 'canary', value: { stableVersion: '1', canaryVersion: '9' } },
    ]);
    await waitFor('the failure', async () => (await outcomes(replica, model, 'failed')) === 1);
    expect(held(replica, model)).toEqual([`${model}@2*`]);
    // An invalid deployment goes to the DLQ; the one after it still applies.
    await publish([model, 3n, { case: undefined }], [model, 4n, replace('1')]);
    await settles(replica, model, ['1*']);
  });

  it('brings a replica started later to the same state by replaying the topic, before its start returns', async () => {
    const late = await startReplica();
    try {
      // No wait: the follower's start returns once the history is applied, so the
      // replica reports ready with it (routers send it nothing before).
      expect(held(late)).toEqual(held(replica));
      expect(held(late)).toEqual([
        `${RUN}broken@1*`,
        `${RUN}canary@2*`,
        `${RUN}replace@2*`,
        `${RUN}stale@2*`,
      ]);
    } finally {
      await late.follower.stop();
      await late.repository.close();
    }
  });
});
