import {
  createClickHouse,
  ensureDatabase,
  migrate,
  type ClickHouseOptions,
} from '@ballast/clickhouse';
import {
  createMetricsRegistry,
  startMetricsServer,
  type Logger,
  type MetricsServer,
} from '@ballast/telemetry';
import { ExperimentService } from '@ballast/contracts';
import { addService } from '@ballast/grpc';
import type { ClickHouseClient } from '@clickhouse/client';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { AnalysisScheduler } from './analysis-scheduler';
import type { ExperimentAnalyticsConfig } from './config';
import { loadExperimentsFile } from './domain/experiments-file';
import { AnalyticsMetrics } from './metrics';
import { loadTrafficCounts } from './queries/traffic-rate';
import { ExperimentReports } from './reports/experiment-reports';
import { TrafficRates } from './reports/traffic-rates';
import { ResultsStore } from './results/results-store';
import { experimentHandlers } from './transport/experiment-handlers';
import { toGrpcStatus } from './transport/status';

/** The experiment-analytics process: one ClickHouse client, the scheduler, the report and traffic API, /metrics. */
export class ExperimentAnalyticsServer {
  private readonly clickhouseOptions: ClickHouseOptions;
  private readonly clickhouse: ClickHouseClient;
  private readonly scheduler: AnalysisScheduler;
  private readonly grpc = new Server();
  private readonly registry = createMetricsRegistry('experiment-analytics');
  private metricsServer: MetricsServer | undefined;
  private ready = false;

  constructor(
    private readonly config: ExperimentAnalyticsConfig,
    private readonly logger: Logger,
  ) {
    // Read and validated once, at start-up, like the rest of the configuration.
    const experiments = loadExperimentsFile(config.EXPERIMENTS_FILE);
    this.clickhouseOptions = {
      url: config.CLICKHOUSE_URL,
      database: config.CLICKHOUSE_DATABASE,
      username: config.CLICKHOUSE_USER,
      password: config.CLICKHOUSE_PASSWORD,
      maxOpenConnections: 8,
      requestTimeoutMs: 120_000,
    };
    this.clickhouse = createClickHouse(this.clickhouseOptions);
    const store = new ResultsStore(this.clickhouse);
    const reports = new ExperimentReports(experiments, store);
    const traffic = new TrafficRates({
      count: (window) => loadTrafficCounts(this.clickhouse, window),
    });
    addService(this.grpc, ExperimentService, experimentHandlers({ reports, traffic }), {
      logger,
      mapError: toGrpcStatus,
    });
    this.scheduler = new AnalysisScheduler({
      clickhouse: this.clickhouse,
      store,
      reports,
      metrics: new AnalyticsMetrics(this.registry),
      logger,
      experiments,
      intervalMs: config.ANALYSIS_INTERVAL_MS,
    });
    logger.info('experiments configured', { experiments: experiments.map((e) => e.id) });
  }

  async start(): Promise<void> {
    await ensureDatabase(this.clickhouseOptions);
    await migrate(this.clickhouse);
    this.metricsServer = await startMetricsServer({
      registry: this.registry,
      port: this.config.METRICS_PORT,
      healthy: () => this.ready,
    });
    const grpcPort = await new Promise<number>((resolve, reject) =>
      this.grpc.bindAsync(
        `${this.config.EXPERIMENTS_GRPC_HOST}:${this.config.EXPERIMENTS_GRPC_PORT}`,
        ServerCredentials.createInsecure(),
        (error, port) => (error ? reject(error) : resolve(port)),
      ),
    );
    this.scheduler.start();
    this.ready = true;
    this.logger.info('experiment analytics ready', {
      grpcPort,
      metricsPort: this.metricsServer.port,
    });
  }

  async stop(): Promise<void> {
    this.ready = false;
    await new Promise<void>((resolve) => this.grpc.tryShutdown(() => resolve()));
    await this.scheduler.stop();
    await this.clickhouse.close();
    await this.metricsServer?.close();
    this.logger.info('experiment analytics stopped');
  }
}
