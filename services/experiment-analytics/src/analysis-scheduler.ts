import type { Logger } from '@ballast/telemetry';
import type { ClickHouseClient } from '@clickhouse/client';
import { analyzeExperiment } from './analysis/analyze-experiment';
import type { ExperimentReport } from './analysis/report';
import type { ExperimentDefinition } from './domain/experiment-definition';
import type { AnalyticsMetrics } from './metrics';
import { compactExposures, loadExperimentData } from './queries/experiment-data';
import type { ExperimentReports } from './reports/experiment-reports';
import type { ResultsStore } from './results/results-store';

export interface AnalysisSchedulerOptions {
  readonly clickhouse: ClickHouseClient;
  readonly store: ResultsStore;
  readonly metrics: AnalyticsMetrics;
  /** Where the API reads the latest report of each experiment. */
  readonly reports: ExperimentReports;
  readonly logger: Logger;
  readonly experiments: readonly ExperimentDefinition[];
  readonly intervalMs: number;
  readonly now?: () => Date;
}

/**
 * Analyses every started experiment at each tick, one after the other (each runs its
 * queries in parallel already), until one look after its last outcomes can arrive
 * (end + attribution window). A failing experiment is logged and counted; the others
 * go on. After each look but the last, the experiment's exposures are merged into one
 * part when the rows beyond its largest part reach a quarter of it (compactExposures),
 * so a look groups about one row per unit and at most a quarter more, and a long
 * experiment is not rewritten at every look.
 */
export class AnalysisScheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly done = new Set<string>();
  private readonly now: () => Date;

  constructor(private readonly options: AnalysisSchedulerOptions) {
    this.now = options.now ?? (() => new Date());
  }

  start(): void {
    const tick = (): void => {
      this.running = this.runOnce().finally(() => {
        this.running = undefined;
        if (this.timer) this.timer = setTimeout(tick, this.options.intervalMs);
      });
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One pass over the experiments due for a look. */
  async runOnce(): Promise<void> {
    for (const def of this.options.experiments) {
      const now = this.now();
      if (now < def.start || this.done.has(def.id)) continue;
      try {
        await this.analyze(def, now);
        if (now.getTime() >= def.end.getTime() + def.attributionWindowMs) this.done.add(def.id);
        else await this.compact(def);
      } catch (error) {
        this.options.metrics.failed(def.id);
        this.options.logger.error('experiment analysis failed', {
          experiment: def.id,
          error: error as Error,
        });
      }
    }
  }

  /** A failed merge is logged: the analyses stay right, only slower. */
  private async compact(def: ExperimentDefinition): Promise<void> {
    const began = performance.now();
    try {
      if (await compactExposures(this.options.clickhouse, def)) {
        const ms = performance.now() - began;
        this.options.metrics.merged(def.id, ms / 1000);
        this.options.logger.info('experiment exposures merged', {
          experiment: def.id,
          ms: Math.round(ms),
        });
      }
    } catch (error) {
      this.options.logger.warn('merging experiment exposures failed', {
        experiment: def.id,
        error: error as Error,
      });
    }
  }

  private async analyze(def: ExperimentDefinition, now: Date): Promise<ExperimentReport> {
    const { clickhouse, store, metrics, reports, logger } = this.options;
    const stop = metrics.timer(def.id);
    const [data, previousSequentialPValues] = await Promise.all([
      loadExperimentData(clickhouse, def),
      def.sequential.enabled ? store.previousSequentialPValues(def.id) : undefined,
    ]);
    const report = analyzeExperiment({ definition: def, data, now, previousSequentialPValues });
    const rows = await store.write(report);
    stop();
    metrics.record(report);
    reports.record(report);
    logger.info('experiment analysed', {
      experiment: def.id,
      rows,
      recommendation: report.decision.recommendation,
      variant: report.decision.variant ?? undefined,
      reason: report.decision.reason,
    });
    return report;
  }
}
