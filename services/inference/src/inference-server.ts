import { GRPCInferenceService } from '@ballast/contracts';
import { addService } from '@ballast/grpc';
import { FileSystemArtifactStore } from '@ballast/model-store';
import {
  createMetricsRegistry,
  startMetricsServer,
  type Logger,
  type MetricsServer,
} from '@ballast/telemetry';
import { createKafka } from '@ballast/kafka';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { hostname } from 'node:os';
import { parseModelOverrides, servingSettings, type InferenceConfig } from './config';
import { Inference } from './domain/inference';
import { ModelRepository } from './domain/model-repository';
import { InferenceMetrics } from './metrics';
import { ControlFollower } from './transport/control-follower';
import { oipHandlers } from './transport/oip-handlers';
import { toGrpcStatus } from './transport/status';

const SERVER_NAME = 'ballast-inference';
const SERVER_VERSION = '0.1.0';

/**
 * The inference process: artifact store, resident models, the OIP gRPC server and
 * /metrics. `start` loads the start-up models before it reports ready.
 */
export class InferenceServer {
  readonly repository: ModelRepository;
  private readonly store: FileSystemArtifactStore;
  private readonly grpc: Server;
  private readonly registry = createMetricsRegistry('inference');
  private metricsServer: MetricsServer | undefined;
  private readonly follower: ControlFollower | undefined;
  private ready = false;
  private grpcPort = 0;

  constructor(
    private readonly config: InferenceConfig,
    private readonly logger: Logger,
  ) {
    // The service checks sizes itself, answering with the field and the reason; gRPC's
    // own limit is the hard stop for messages far past that.
    this.grpc = new Server({
      'grpc.max_receive_message_length': 2 * config.INFERENCE_MAX_REQUEST_BYTES + (1 << 20),
    });
    const overrides = parseModelOverrides(config.INFERENCE_MODEL_SETTINGS);
    const metrics = new InferenceMetrics(this.registry, () => this.repository.index().length);
    this.store = new FileSystemArtifactStore({ root: config.MODEL_STORE_DIR });
    this.repository = new ModelRepository({
      store: this.store,
      settingsFor: (manifest) => servingSettings(config, overrides, manifest.name),
      logger,
      observer: metrics,
    });
    this.follower =
      config.KAFKA_BROKERS.length > 0
        ? new ControlFollower({
            kafka: createKafka({ clientId: 'inference', brokers: config.KAFKA_BROKERS, logger }),
            repository: this.repository,
            logger,
            groupId: `${config.INFERENCE_CONTROL_GROUP_PREFIX}-${hostname()}-${process.pid}`,
            registry: this.registry,
          })
        : undefined;
    const inference = new Inference(this.repository, {
      maxRequestBytes: config.INFERENCE_MAX_REQUEST_BYTES,
    });
    addService(
      this.grpc,
      GRPCInferenceService,
      oipHandlers({
        repository: this.repository,
        inference,
        metrics,
        server: { name: SERVER_NAME, version: SERVER_VERSION, ready: () => this.ready },
      }),
      { logger, mapError: toGrpcStatus },
    );
  }

  get port(): number {
    return this.grpcPort;
  }

  get metricsPort(): number | undefined {
    return this.metricsServer?.port;
  }

  async start(): Promise<void> {
    this.metricsServer = await startMetricsServer({
      registry: this.registry,
      port: this.config.METRICS_PORT,
      healthy: () => this.ready,
    });
    this.grpcPort = await new Promise<number>((resolve, reject) =>
      this.grpc.bindAsync(
        `${this.config.INFERENCE_GRPC_HOST}:${this.config.INFERENCE_GRPC_PORT}`,
        ServerCredentials.createInsecure(),
        (error, port) => (error ? reject(error) : resolve(port)),
      ),
    );
    for (const spec of await this.startupModels()) {
      const [name, version] = spec.split('@');
      await this.repository.load(name as string, version);
    }
    if (this.follower) await this.follower.start();
    else
      this.logger.warn(
        'KAFKA_BROKERS is not set: following no deployment; only the repository calls load models',
      );
    this.ready = true;
    this.logger.info('inference ready', {
      grpcPort: this.grpcPort,
      metricsPort: this.metricsServer.port,
      models: this.repository.index(),
    });
  }

  /** Stops taking calls, lets calls in flight finish, releases models. */
  async stop(): Promise<void> {
    this.ready = false;
    await new Promise<void>((resolve) => this.grpc.tryShutdown(() => resolve()));
    await this.follower?.stop();
    await this.repository.close();
    await this.metricsServer?.close();
  }

  private async startupModels(): Promise<string[]> {
    if (this.config.INFERENCE_MODELS.length > 0) return this.config.INFERENCE_MODELS;
    return this.store.listModels();
  }
}
