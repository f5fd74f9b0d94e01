import { ControlService, GRPCInferenceService, OutcomeService } from '@ballast/contracts';
import { addService, createClient, type PromiseClient } from '@ballast/grpc';
import { createKafka } from '@ballast/kafka';
import { FileSystemArtifactStore } from '@ballast/model-store';
import {
  createMetricsRegistry,
  startMetricsServer,
  type Logger,
  type MetricsServer,
} from '@ballast/telemetry';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { hostname } from 'node:os';
import type { RouterConfig } from './config';
import { DeploymentTable } from './domain/deployment-table';
import { InferenceRouter } from './domain/inference-router';
import { ManifestCache } from './domain/manifest-cache';
import { ReplicaPool } from './domain/replica-pool';
import { ShadowMirror } from './domain/shadow-mirror';
import { EventPublisher } from './events';
import { RouterMetrics } from './metrics';
import { ControlFollower } from './transport/control-follower';
import { oipHandlers } from './transport/oip-handlers';
import { outcomeHandlers } from './transport/outcome-handlers';
import { PublishingSink } from './transport/prediction-sink';
import { toGrpcStatus } from './transport/status';

const SERVER_NAME = 'ballast-router';
const SERVER_VERSION = '0.1.0';
const SNAPSHOT_DEADLINE_MS = 2_000;
// grpc-js backs off reconnects up to 120 s by default: a replica that restarts would
// stay unreachable for minutes after it is back. Probes decide health instead.
const REPLICA_CHANNEL = {
  'grpc.initial_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 1_000,
};

/**
 * The router process: the deployment table kept by the control follower, the
 * replica pool, the OIP and OutcomeService gRPC server, prediction events and
 * /metrics. `start` reports ready once the control plane's snapshot is applied.
 */
export class RouterServer {
  readonly table = new DeploymentTable();
  private readonly registry = createMetricsRegistry('router');
  private readonly grpc = new Server();
  private readonly pool: ReplicaPool;
  private readonly follower: ControlFollower;
  private readonly publisher: EventPublisher;
  private readonly mirror: ShadowMirror;
  private readonly control: PromiseClient<(typeof ControlService)['method']>;
  private metricsServer: MetricsServer | undefined;
  private ready = false;
  private grpcPort = 0;

  constructor(
    private readonly config: RouterConfig,
    private readonly logger: Logger,
  ) {
    const metrics = new RouterMetrics(this.registry, this.table);
    const kafka =
      config.KAFKA_BROKERS.length > 0
        ? createKafka({ clientId: 'router', brokers: config.KAFKA_BROKERS, logger })
        : undefined;
    this.publisher = new EventPublisher({
      kafka,
      spoolDir: config.ROUTER_SPOOL_DIR,
      maxSpoolBytes: config.ROUTER_MAX_SPOOL_BYTES,
      producer: { maxBufferedMessages: config.ROUTER_EVENT_BUFFER_MESSAGES },
      logger,
      registry: this.registry,
    });
    this.pool = new ReplicaPool({
      addresses: config.ROUTER_INFERENCE_ADDRESSES,
      connect: (address) =>
        createClient(GRPCInferenceService, address, { channelOptions: REPLICA_CHANNEL }),
      maxAttempts: config.ROUTER_MAX_ATTEMPTS,
      notFoundRetryMs: config.ROUTER_NOT_FOUND_RETRY_MS,
      healthIntervalMs: config.ROUTER_HEALTH_INTERVAL_MS,
      probeTimeoutMs: Math.min(1_000, config.ROUTER_HEALTH_INTERVAL_MS),
      logger,
      observer: metrics,
    });
    this.control = createClient(ControlService, config.CONTROL_ADDRESS);
    this.follower = new ControlFollower({
      kafka,
      groupId: `${config.ROUTER_CONTROL_GROUP_PREFIX}-${hostname()}-${process.pid}`,
      table: this.table,
      snapshot: async () =>
        (await this.control.listDeployments({}, { deadline: SNAPSHOT_DEADLINE_MS })).deployments,
      logger,
      registry: this.registry,
    });
    this.mirror = new ShadowMirror({
      maxInFlight: config.ROUTER_SHADOW_MAX_INFLIGHT,
      observer: metrics,
      onError: (error) => logger.debug('mirrored request failed', { error: error as Error }),
    });
    const router = new InferenceRouter({
      table: this.table,
      pool: this.pool,
      mirror: this.mirror,
      sink: new PublishingSink({
        publisher: this.publisher,
        manifests: new ManifestCache(new FileSystemArtifactStore({ root: config.MODEL_STORE_DIR })),
        logger,
        onUnrecorded: () => metrics.unrecorded.inc(),
      }),
      shadowTimeoutMs: config.ROUTER_DEFAULT_DEADLINE_MS,
      observer: metrics,
    });
    const options = { logger, mapError: toGrpcStatus };
    addService(
      this.grpc,
      GRPCInferenceService,
      oipHandlers({
        router,
        table: this.table,
        pool: this.pool,
        server: { name: SERVER_NAME, version: SERVER_VERSION, ready: () => this.ready },
        defaultDeadlineMs: config.ROUTER_DEFAULT_DEADLINE_MS,
      }),
      options,
    );
    addService(
      this.grpc,
      OutcomeService,
      outcomeHandlers({ publisher: this.publisher, logger }),
      options,
    );
  }

  get port(): number {
    return this.grpcPort;
  }

  async start(): Promise<void> {
    this.metricsServer = await startMetricsServer({
      registry: this.registry,
      port: this.config.METRICS_PORT,
      healthy: () => this.ready,
    });
    if (this.config.KAFKA_BROKERS.length === 0)
      this.logger.warn(
        'KAFKA_BROKERS is not set: deployments come from the start-up snapshot only, events stay in the spool',
      );
    await this.publisher.start();
    await this.pool.start();
    await this.follower.start();
    // Bound only now: before the snapshot every model would look undeployed.
    this.grpcPort = await new Promise<number>((resolve, reject) =>
      this.grpc.bindAsync(
        `${this.config.ROUTER_GRPC_HOST}:${this.config.ROUTER_GRPC_PORT}`,
        ServerCredentials.createInsecure(),
        (error, port) => (error ? reject(error) : resolve(port)),
      ),
    );
    this.ready = true;
    this.logger.info('router ready', {
      grpcPort: this.grpcPort,
      metricsPort: this.metricsServer.port,
      replicas: this.pool.health(),
      deployments: this.table.all().map((d) => `${d.model}@${d.generation}`),
    });
  }

  /** Stops taking calls, lets calls and mirrors finish, then flushes events. */
  async stop(): Promise<void> {
    this.ready = false;
    await new Promise<void>((resolve) => this.grpc.tryShutdown(() => resolve()));
    await this.mirror.drain();
    await this.follower.stop();
    await this.publisher.stop();
    this.pool.stop();
    this.control.close();
    await this.metricsServer?.close();
  }
}
