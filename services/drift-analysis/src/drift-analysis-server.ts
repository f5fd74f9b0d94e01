import { TABLES, createClickHouse, ident, migrate, sql } from '@ballast/clickhouse';
import { EventProducer, createKafka } from '@ballast/kafka';
import { FileSystemArtifactStore } from '@ballast/model-store';
import {
  createMetricsRegistry,
  startMetricsServer,
  type Logger,
  type MetricsServer,
} from '@ballast/telemetry';
import { DriftService } from '@ballast/contracts';
import { addService } from '@ballast/grpc';
import type { ClickHouseClient } from '@clickhouse/client';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import type { DriftConfig } from './config';
import { checkAgainstManifest, manifestVersion, type MonitorDefinition } from './domain/monitor';
import { MonitorRunner } from './domain/monitor-runner';
import { profileReferences } from './domain/reference';
import { dueWindows } from './domain/schedule';
import { ReferenceWindowError } from './domain/window-reference';
import { DriftMetrics } from './metrics';
import { ClickHouseResultReader, ClickHouseResultSink } from './queries/drift-results';
import { queryWindowReferences } from './queries/reference-window';
import { ClickHouseWindowSource } from './queries/window-collector';
import { DriftReports } from './reports/drift-reports';
import { AlertPublisher } from './transport/alert-publisher';
import { driftHandlers } from './transport/drift-handlers';
import { toGrpcStatus } from './transport/status';

/** Thrown at start when a monitor's model version or profile cannot be used. */
export class MonitorSetupError extends Error {
  override readonly name = 'MonitorSetupError';
}

/**
 * The drift analysis process: one ClickHouse client, the artifact store (reference
 * profiles), one runner per monitor, a timer that analyses each window once it is
 * due, an alert producer, the report API (DriftService) and /metrics.
 */
export class DriftAnalysisServer {
  private readonly clickhouse: ClickHouseClient;
  private readonly registry = createMetricsRegistry('drift-analysis');
  private readonly metrics = new DriftMetrics(this.registry);
  private readonly producer: EventProducer | undefined;
  private readonly runners: MonitorRunner[] = [];
  private readonly sources = new Map<string, ClickHouseWindowSource>();
  private readonly grpc = new Server();
  private readonly lastDone = new Map<string, number>();
  private readonly results: ClickHouseResultReader;
  private metricsServer: MetricsServer | undefined;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> = Promise.resolve();
  private ready = false;

  constructor(
    private readonly config: DriftConfig,
    private readonly logger: Logger,
  ) {
    this.clickhouse = createClickHouse({
      url: config.CLICKHOUSE_URL,
      database: config.CLICKHOUSE_DATABASE,
      username: config.CLICKHOUSE_USER,
      password: config.CLICKHOUSE_PASSWORD,
      maxOpenConnections: 4,
      requestTimeoutMs: 120_000,
    });
    this.results = new ClickHouseResultReader(this.clickhouse);
    if (config.KAFKA_BROKERS.length > 0) {
      const kafka = createKafka({
        clientId: 'drift-analysis',
        brokers: config.KAFKA_BROKERS,
        logger,
      });
      this.producer = new EventProducer({ kafka, logger, registry: this.registry });
    }
  }

  get metricsPort(): number | undefined {
    return this.metricsServer?.port;
  }

  private reports(): DriftReports {
    return new DriftReports({
      monitors: this.runners.map((runner) => ({
        monitor: runner.monitor,
        references: runner.references,
        status: () => runner.status(),
        lastWindowStart: () => {
          const last = this.lastDone.get(runner.monitor.name);
          return last === undefined ? undefined : new Date(last);
        },
      })),
      results: this.results,
      leadInWindows: this.config.DRIFT_RESTORE_WINDOWS,
      histograms: {
        features: async (monitor, window) =>
          (await (this.sources.get(monitor.name) as ClickHouseWindowSource).collect(window)).stats
            .features,
      },
    });
  }

  async start(): Promise<void> {
    this.metricsServer = await startMetricsServer({
      registry: this.registry,
      port: this.config.DRIFT_METRICS_PORT,
      healthy: () => this.ready,
    });
    await migrate(this.clickhouse);
    await this.producer?.start();
    const store = new FileSystemArtifactStore({ root: this.config.MODEL_STORE_DIR });
    const alerts = new AlertPublisher({
      ...(this.producer ? { producer: this.producer } : {}),
      logger: this.logger,
      onDropped: (channel) => this.metrics.alertDropped(channel),
    });
    for (const monitor of this.config.DRIFT_MONITORS) {
      const references = await this.references(store, monitor);
      const source = new ClickHouseWindowSource({
        clickhouse: this.clickhouse,
        monitor,
        references,
        rawMaxRows: this.config.DRIFT_RAW_MAX_ROWS,
        volumeHistoryWindows: this.config.DRIFT_VOLUME_HISTORY_WINDOWS,
        sampleEvents: this.config.DRIFT_SAMPLE_EVENTS,
      });
      this.sources.set(monitor.name, source);
      const runner = new MonitorRunner({
        monitor,
        references,
        source,
        results: new ClickHouseResultSink(this.clickhouse),
        alerts,
        observer: this.metrics,
      });
      this.runners.push(runner);
      const last = await this.lastAnalysed(monitor);
      if (last !== undefined) {
        this.lastDone.set(monitor.name, last);
        const history = await this.results.history(monitor, {
          last: new Date(last),
          windows: this.config.DRIFT_RESTORE_WINDOWS,
        });
        this.logger.info('drift status restored', {
          monitor: monitor.name,
          status: runner.restore(history),
        });
      }
    }
    addService(this.grpc, DriftService, driftHandlers({ reports: this.reports() }), {
      logger: this.logger,
      mapError: toGrpcStatus,
    });
    const grpcPort = await new Promise<number>((resolve, reject) =>
      this.grpc.bindAsync(
        `${this.config.DRIFT_GRPC_HOST}:${this.config.DRIFT_GRPC_PORT}`,
        ServerCredentials.createInsecure(),
        (error, port) => (error ? reject(error) : resolve(port)),
      ),
    );
    this.ready = true;
    this.logger.info('drift analysis ready', {
      monitors: this.runners.map((r) => r.monitor.name),
      grpcPort,
      metricsPort: this.metricsServer.port,
    });
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.ready = false;
    await new Promise<void>((resolve) => this.grpc.tryShutdown(() => resolve()));
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.ticking;
    await this.producer?.close();
    await this.clickhouse.close();
    await this.metricsServer?.close();
    this.logger.info('drift analysis stopped');
  }

  /** The monitor's references: its version's profile, or its reference window profiled in ClickHouse. */
  private async references(store: FileSystemArtifactStore, monitor: MonitorDefinition) {
    const window = monitor.reference?.window;
    const what = window
      ? `the window ${window.from.toISOString()} .. ${window.to.toISOString()} of ${monitor.model}`
      : `${monitor.model} version ${monitor.referenceVersion}`;
    try {
      const manifest = await store.getManifest(monitor.model, manifestVersion(monitor));
      const features = checkAgainstManifest(monitor, manifest.features);
      if (!window) {
        const profile = await store.getProfile(monitor.model, monitor.referenceVersion as string);
        return profileReferences(profile, features);
      }
      // A window still open would give a different reference at every restart.
      if (window.to.getTime() > Date.now()) throw new ReferenceWindowError(window, 'has not ended');
      return await queryWindowReferences(this.clickhouse, { monitor, window, features });
    } catch (error) {
      throw new MonitorSetupError(`monitor ${monitor.name}: cannot use ${what} as reference`, {
        cause: error,
      });
    }
  }

  /** Resumes after a restart where the results end, so no window is analysed twice. */
  private async lastAnalysed(monitor: MonitorDefinition): Promise<number | undefined> {
    const q = sql`SELECT toUInt32(max(window_start)) AS last, count() AS n
      FROM ${ident(TABLES.driftResults)}
      WHERE model = ${monitor.model} AND monitor = ${monitor.name}`;
    const rows = await (
      await this.clickhouse.query({ query: q.text, format: 'JSONEachRow' })
    ).json<{
      last: number | string;
      n: string;
    }>();
    const row = rows[0];
    return row && Number(row.n) > 0 ? Number(row.last) * 1000 : undefined;
  }

  private schedule(delayMs: number): void {
    if (!this.ready) return;
    this.timer = setTimeout(() => {
      this.ticking = this.tick().finally(() => this.schedule(this.config.DRIFT_TICK_MS));
    }, delayMs);
  }

  private async tick(): Promise<void> {
    for (const runner of this.runners) {
      const { monitor } = runner;
      const last = this.lastDone.get(monitor.name);
      const starts = dueWindows({
        windowSeconds: monitor.windowSeconds,
        delaySeconds: monitor.delaySeconds,
        nowMs: Date.now(),
        maxWindows: this.config.DRIFT_CATCH_UP_WINDOWS,
        ...(last === undefined ? {} : { lastDoneMs: last }),
      });
      for (const start of starts) {
        if (!this.ready) return;
        try {
          await runner.runWindow(new Date(start));
          this.lastDone.set(monitor.name, start);
        } catch (error) {
          // Left undone: the next tick tries the same window again.
          this.metrics.failed(monitor);
          this.logger.error('window analysis failed', {
            monitor: monitor.name,
            windowStart: new Date(start).toISOString(),
            error: error as Error,
          });
          break;
        }
      }
    }
  }
}
