/**
 * Shared set-up of the router integration tests: a scratch artifact store holding
 * breast-cancer versions 1 and 2 under a model name of this run's own (the control
 * topic is shared and keeps earlier runs' events: a name of its own means nothing
 * older concerns this run and nothing it publishes concerns anyone else), real
 * inference replicas and a real router run as processes, a small stand-in for the
 * control plane's ListDeployments, a load loop, and a reader of this run's
 * prediction events.
 */
import {
  ControlEventSchema,
  ControlService,
  DeploymentSchema,
  GRPCInferenceService,
  type InferParameterSchema,
  type Deployment,
  type InferParameter,
  type ModelInferResponse,
  type PredictionEvent,
  PredictionEventSchema,
} from '@ballast/contracts';
import {
  addService,
  createClient,
  type PromiseClient,
  type UnaryImplementation,
} from '@ballast/grpc';
import { EventProducer, TOPICS } from '@ballast/kafka';
import type { Logger } from '@ballast/telemetry';
import { ServiceProcess, consumerGroupAtEnd, copyDemoModel, waitFor } from '@ballast/testing';
import { create, fromBinary, toBinary, type MessageInitShape } from '@bufbuild/protobuf';
import { timestampNow } from '@bufbuild/protobuf/wkt';
import { Server, ServerCredentials, status } from '@grpc/grpc-js';
import type { Kafka } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const DEMO = path.join(ROOT, 'infra/demo-models/breast-cancer');

export type OipClient = PromiseClient<(typeof GRPCInferenceService)['method']>;
export type Strategy = MessageInitShape<typeof DeploymentSchema>['strategy'];

/** A scratch store with breast-cancer 1 and 2 renamed `model`. */
export function scratchStore(model: string): string {
  const root = mkdtempSync(path.join(tmpdir(), 'ballast-router-models-'));
  copyDemoModel({ as: model, into: path.join(root, model) });
  return root;
}

/** One row of the demo model's test inputs. */
const ROW = (
  JSON.parse(readFileSync(path.join(DEMO, '1', 'expected.json'), 'utf8')) as {
    inputs: { input: { data: number[][] } };
  }
).inputs.input.data[0] as number[];

/** A ModelInfer request for `model` with optional request parameters. */
export function inferRequest(
  model: string,
  parameters: Record<string, MessageInitShape<typeof InferParameterSchema>> = {},
  id = '',
) {
  return {
    modelName: model,
    id,
    parameters,
    inputs: [
      {
        name: 'input',
        datatype: 'FP32',
        shape: [1n, BigInt(ROW.length)],
        contents: { fp32Contents: ROW },
      },
    ],
  };
}

export const unitParameter = (value: string) => ({
  unit_id: { parameterChoice: { case: 'stringParam' as const, value } },
});

/** A string response parameter. */
export function parameter(response: ModelInferResponse, name: string): string | undefined {
  const choice: InferParameter['parameterChoice'] | undefined =
    response.parameters[name]?.parameterChoice;
  return choice?.case === 'stringParam' ? choice.value : undefined;
}

/** A free TCP port (so a replica can be restarted on the address the router knows). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Stands in for the control plane: serves ListDeployments from `deployments` (nothing else). */
export async function fakeControlPlane(
  deployments: Map<string, Deployment>,
  logger: Logger,
): Promise<{ address: string; close(): void }> {
  const server = new Server();
  const unimplemented = async () => {
    throw Object.assign(new Error('not in this fake'), { code: status.UNIMPLEMENTED });
  };
  const handlers = Object.fromEntries(
    ControlService.methods.map((m) => [m.localName, unimplemented]),
  ) as unknown as UnaryImplementation<(typeof ControlService)['method']>;
  handlers.listDeployments = async () => ({ deployments: [...deployments.values()] });
  addService(server, ControlService, handlers, {
    logger,
    mapError: (error) => ({ code: status.UNIMPLEMENTED, message: (error as Error).message }),
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) =>
      e ? reject(e) : resolve(p),
    ),
  );
  return { address: `127.0.0.1:${port}`, close: () => server.forceShutdown() };
}

/** Publishes a deployment on the control topic (and records it in `snapshot`). */
export async function deploy(
  producer: EventProducer,
  snapshot: Map<string, Deployment>,
  model: string,
  generation: bigint,
  strategy: Strategy,
): Promise<void> {
  const deployment = create(DeploymentSchema, { model, generation, strategy });
  snapshot.set(model, deployment);
  producer.send({
    topic: TOPICS.control.name,
    key: model,
    value: toBinary(
      ControlEventSchema,
      create(ControlEventSchema, {
        eventId: randomUUID(),
        eventTime: timestampNow(),
        model: { name: model },
        actor: 'router-int-test',
        change: { case: 'deploymentChanged', value: deployment },
      }),
    ),
  });
  await producer.flush();
}

export interface Replica {
  service: ServiceProcess;
  client: OipClient;
  address: string;
  metricsPort: number;
  stop(): Promise<string>;
}

export async function startReplica(port: number, env: Record<string, string>): Promise<Replica> {
  const service = await ServiceProcess.start({
    entry: 'services/inference/dist/main.js',
    readyMessage: 'inference ready',
    timeoutMs: 60_000,
    env: {
      INFERENCE_GRPC_HOST: '127.0.0.1',
      INFERENCE_GRPC_PORT: String(port),
      METRICS_PORT: '0',
      INFERENCE_EXECUTION: 'inline',
      LOG_LEVEL: 'info',
      ...env,
    },
  });
  const address = `127.0.0.1:${port}`;
  const client = createClient(GRPCInferenceService, address);
  return {
    service,
    client,
    address,
    metricsPort: Number(service.ready['metricsPort']),
    stop() {
      client.close();
      return service.stop();
    },
  };
}

/** Until every replica holds `versions` of `model` and the router routes it by `generation`. */
export async function settled(options: {
  replicas: Replica[];
  router: { client: OipClient };
  model: string;
  generation: bigint;
  versions: string[];
}): Promise<void> {
  const { replicas, router, model, generation, versions } = options;
  for (const replica of replicas)
    for (const version of versions)
      await waitFor(
        `${replica.address} to hold ${model}@${version}`,
        async () => (await replica.client.modelReady({ name: model, version })).ready,
      );
  await waitFor(`the router at generation ${generation}`, async () => {
    const response = await router.client.modelInfer(inferRequest(model));
    return parameter(response, 'deployment') === `${model}@${generation}`;
  });
}

export async function startRouter(env: Record<string, string>) {
  const service = await ServiceProcess.start({
    entry: 'services/router/dist/main.js',
    readyMessage: 'router ready',
    timeoutMs: 60_000,
    env: {
      ROUTER_GRPC_HOST: '127.0.0.1',
      ROUTER_GRPC_PORT: '0',
      METRICS_PORT: '0',
      ROUTER_HEALTH_INTERVAL_MS: '200',
      LOG_LEVEL: 'info',
      ...env,
    },
  });
  const client = createClient(
    GRPCInferenceService,
    `127.0.0.1:${String(service.ready['grpcPort'])}`,
  );
  return {
    service,
    client,
    metricsPort: Number(service.ready['metricsPort']),
    stop() {
      client.close();
      return service.stop();
    },
  };
}

export interface Answer {
  /** The response's id (the request's id when it failed). */
  id: string;
  startedAt: number;
  code: number;
  message: string;
  version: string;
  variant: string;
  unit: string;
}

/**
 * Sends requests with `concurrency` callers until `stop()` returns true (checked
 * before each request) and returns every answer.
 */
export async function load(
  client: OipClient,
  {
    concurrency,
    request,
    stop,
  }: {
    concurrency: number;
    request: (i: number) => { body: ReturnType<typeof inferRequest>; unit: string };
    stop: (sent: number) => boolean;
  },
): Promise<Answer[]> {
  const answers: Answer[] = [];
  let sent = 0;
  const worker = async () => {
    while (!stop(sent)) {
      const { body, unit } = request(sent++);
      const startedAt = Date.now();
      try {
        const response = await client.modelInfer(body, { deadline: 5_000 });
        answers.push({
          id: response.id,
          startedAt,
          code: status.OK,
          message: '',
          version: parameter(response, 'model_version') ?? '',
          variant: parameter(response, 'variant') ?? '',
          unit,
        });
      } catch (error) {
        const e = error as { code?: number; details?: string };
        answers.push({
          id: body.id,
          startedAt,
          code: e.code ?? -1,
          message: e.details ?? String(error),
          version: '',
          variant: '',
          unit,
        });
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return answers;
}

/** The value of one Prometheus sample with these labels (none: an unlabelled metric); undefined if absent. */
export async function metric(
  metricsPort: number,
  name: string,
  labels: Record<string, string>,
): Promise<number | undefined> {
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text
    .split('\n')
    .find(
      (l) =>
        (l.startsWith(`${name}{`) || l.startsWith(`${name} `)) &&
        wanted.every((pair) => l.includes(pair)),
    );
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/**
 * Reads the predictions topic from where it ends now and keeps the events whose
 * request id starts with `prefix`, each message once (a consumer that restarts, e.g.
 * while a broker is down, reads some again). Read while the traffic runs: the local
 * broker keeps only the last few MB of each partition. `caughtUp()` is true once the
 * reader has passed the topic's ends as they are when asked: every event Kafka
 * acknowledged before is in `events`.
 */
export async function readPredictions(kafka: Kafka, prefix: string) {
  const topic = TOPICS.predictions.name;
  const groupId = await consumerGroupAtEnd(kafka, [topic], 'router-events');
  const admin = kafka.admin();
  await admin.connect();
  const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
  const next = new Map(committed?.partitions.map((p) => [p.partition, BigInt(p.offset)]));
  const events: PredictionEvent[] = [];
  const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
  await consumer.connect();
  // From the beginning only if the broker dropped the committed offset: never skip ahead.
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      const offset = BigInt(message.offset);
      if (offset < (next.get(partition) ?? 0n)) return;
      next.set(partition, offset + 1n);
      let event: PredictionEvent;
      try {
        event = fromBinary(PredictionEventSchema, message.value ?? Buffer.alloc(0));
      } catch {
        return; // the topic is shared: other tests' poison messages are not ours
      }
      if (event.requestId.startsWith(prefix)) events.push(event);
    },
  });
  return {
    events,
    async caughtUp(): Promise<boolean> {
      const ends = await admin.fetchTopicOffsets(topic);
      return ends.every((end) => (next.get(end.partition) ?? 0n) >= BigInt(end.high));
    },
    async stop(): Promise<void> {
      await consumer.disconnect();
      await admin.disconnect();
    },
  };
}
