import { ControlService } from '@ballast/contracts';
import { addService } from '@ballast/grpc';
import { EventProducer, createKafka } from '@ballast/kafka';
import { FileSystemArtifactStore } from '@ballast/model-store';
import {
  createMetricsRegistry,
  startMetricsServer,
  type Logger,
  type MetricsServer,
} from '@ballast/telemetry';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import * as ort from 'onnxruntime-node';
import type { ControlPlaneConfig } from './config';
import type { ModelOpener } from './domain/candidate';
import { ControlPlane } from './domain/control-plane';
import { StateFile } from './domain/state-file';
import { ControlPlaneMetrics } from './metrics';
import { controlHandlers } from './transport/control-handlers';
import { OutboxPublisher } from './transport/outbox-publisher';
import { toGrpcStatus } from './transport/status';

/** Opens a model as the inference service will, to check it before it is registered. */
const openWithOnnxRuntime: ModelOpener = (bytes) =>
  ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });

/**
 * The control-plane process: the state file, the control API over gRPC, /metrics,
 * and the outbox publisher. `start` loads the state before it takes calls.
 */
export class ControlPlaneServer {
  private readonly grpc = new Server();
  private readonly registry = createMetricsRegistry('control-plane');
  private readonly stateFile: StateFile;
  private metricsServer: MetricsServer | undefined;
  private publisher: OutboxPublisher | undefined;
  private ready = false;

  constructor(
    private readonly config: ControlPlaneConfig,
    private readonly logger: Logger,
  ) {
    this.stateFile = new StateFile(config.CONTROL_DATA_DIR);
  }

  async start(): Promise<void> {
    const control = new ControlPlane({
      state: await this.stateFile.load(),
      save: (state) => this.stateFile.save(state),
      store: new FileSystemArtifactStore({ root: this.config.MODEL_STORE_DIR }),
      openModel: openWithOnnxRuntime,
    });
    const metrics = new ControlPlaneMetrics(this.registry, {
      generations: () => control.listModels(),
      outbox: () => control.pendingEvents().length,
    });
    addService(this.grpc, ControlService, controlHandlers({ control, metrics }), {
      logger: this.logger,
      mapError: toGrpcStatus,
    });
    if (this.config.KAFKA_BROKERS.length > 0) {
      const kafka = createKafka({
        clientId: 'control-plane',
        brokers: this.config.KAFKA_BROKERS,
        logger: this.logger,
      });
      this.publisher = new OutboxPublisher({
        control,
        producer: new EventProducer({ kafka, logger: this.logger, registry: this.registry }),
        logger: this.logger,
      });
      this.publisher.start();
    } else {
      this.logger.warn(
        'KAFKA_BROKERS is not set: changes are kept in the outbox and published at a start with brokers',
      );
    }
    this.metricsServer = await startMetricsServer({
      registry: this.registry,
      port: this.config.METRICS_PORT,
      healthy: () => this.ready,
    });
    const grpcPort = await new Promise<number>((resolve, reject) =>
      this.grpc.bindAsync(
        `${this.config.CONTROL_GRPC_HOST}:${this.config.CONTROL_GRPC_PORT}`,
        ServerCredentials.createInsecure(),
        (error, port) => (error ? reject(error) : resolve(port)),
      ),
    );
    this.ready = true;
    this.logger.info('control-plane ready', {
      grpcPort,
      metricsPort: this.metricsServer.port,
      stateFile: this.stateFile.path,
      modelStore: this.config.MODEL_STORE_DIR,
      models: control.listModels().length,
      unpublishedEvents: control.pendingEvents().length,
    });
  }

  /** Stops taking calls, lets calls finish (each change is on disk when answered), closes Kafka. */
  async stop(): Promise<void> {
    this.ready = false;
    await new Promise<void>((resolve) => this.grpc.tryShutdown(() => resolve()));
    await this.publisher?.stop();
    await this.metricsServer?.close();
  }
}
