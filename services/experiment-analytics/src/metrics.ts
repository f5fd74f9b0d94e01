import { metricName } from '@ballast/telemetry';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { ExperimentReport, Recommendation } from './analysis/report';

const RECOMMENDATIONS: readonly Recommendation[] = [
  'keep_running',
  'ship',
  'stop_no_effect',
  'stop_harm',
  'fix_assignment',
];

/** Gauges of each running experiment's last analysis, and the analyses' own health. */
export class AnalyticsMetrics {
  private readonly units: Gauge<'experiment' | 'variant'>;
  private readonly srm: Gauge<'experiment'>;
  private readonly pValue: Gauge<'experiment' | 'metric' | 'variant'>;
  private readonly relativeLift: Gauge<'experiment' | 'metric' | 'variant'>;
  private readonly recommendation: Gauge<'experiment' | 'recommendation'>;
  private readonly lastAnalysis: Gauge<'experiment'>;
  private readonly duration: Histogram<'experiment'>;
  private readonly failures: Counter<'experiment'>;
  private readonly merges: Histogram<'experiment'>;

  constructor(registry: Registry) {
    const registers = [registry];
    const name = (n: string): string => metricName('experiment', n);
    this.units = new Gauge({
      name: name('units'),
      help: 'Units exposed in one variant only',
      labelNames: ['experiment', 'variant'],
      registers,
    });
    this.srm = new Gauge({
      name: name('srm_p_value'),
      help: 'Sample ratio mismatch p-value (flagged below 0.001)',
      labelNames: ['experiment'],
      registers,
    });
    this.pValue = new Gauge({
      name: name('adjusted_p_value'),
      help: 'Corrected p-value of a treatment against the control (sequential when enabled)',
      labelNames: ['experiment', 'metric', 'variant'],
      registers,
    });
    this.relativeLift = new Gauge({
      name: name('relative_lift'),
      help: 'Treatment / control − 1 on the metric',
      labelNames: ['experiment', 'metric', 'variant'],
      registers,
    });
    this.recommendation = new Gauge({
      name: name('recommendation'),
      help: '1 for the current recommendation of the experiment, 0 for the others',
      labelNames: ['experiment', 'recommendation'],
      registers,
    });
    this.lastAnalysis = new Gauge({
      name: name('last_analysis_timestamp_seconds'),
      help: 'When the experiment was last analysed',
      labelNames: ['experiment'],
      registers,
    });
    this.duration = new Histogram({
      name: name('analysis_duration_seconds'),
      help: 'Time of one analysis: queries, statistics and the results insert',
      labelNames: ['experiment'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.failures = new Counter({
      name: name('analysis_failures_total'),
      help: 'Analyses that failed',
      labelNames: ['experiment'],
      registers,
    });
    this.merges = new Histogram({
      name: name('exposures_merge_seconds'),
      help: "Time of one merge of the experiment's exposures into one part (after a look)",
      labelNames: ['experiment'],
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers,
    });
  }

  timer(experiment: string): () => void {
    const stop = this.duration.startTimer({ experiment });
    return () => void stop();
  }

  failed(experiment: string): void {
    this.failures.inc({ experiment });
  }

  merged(experiment: string, seconds: number): void {
    this.merges.observe({ experiment }, seconds);
  }

  record(report: ExperimentReport): void {
    const experiment = report.experimentId;
    for (const v of report.variants) this.units.set({ experiment, variant: v.name }, v.units);
    if (report.srm.status === 'ok') this.srm.set({ experiment }, report.srm.pValue);
    for (const m of report.metrics) {
      for (const v of m.variants) {
        if (v.comparison?.status !== 'ok') continue;
        const labels = { experiment, metric: m.metric, variant: v.variant };
        this.pValue.set(labels, v.comparison.adjustedPValue);
        if (v.comparison.relative) this.relativeLift.set(labels, v.comparison.relative.estimate);
      }
    }
    for (const r of RECOMMENDATIONS) {
      this.recommendation.set(
        { experiment, recommendation: r },
        r === report.decision.recommendation ? 1 : 0,
      );
    }
    this.lastAnalysis.set({ experiment }, report.computedAt.getTime() / 1000);
  }
}
