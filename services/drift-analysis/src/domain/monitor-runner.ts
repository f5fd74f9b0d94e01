/**
 * Runs one monitor window by window: gathers the window's statistics (a port, which
 * src/queries implements over ClickHouse), analyses them, tracks each subject's
 * status with hysteresis, stores the results and raises alerts on status changes.
 * Plain class: the service wires real ports, unit tests pass fakes.
 */
import type { FeatureVerdict, MethodResult } from './feature-analysis';
import { HysteresisTracker, type Observation, type Severity, type Transition } from './hysteresis';
import type { MonitorDefinition } from './monitor';
import type { FeatureReference } from './reference';
import { analyseWindow, type WindowAnalysis } from './window-analysis';
import type { WindowStats } from './window-stats';

export interface WindowSource {
  /** The window's statistics and the row counts of the windows before it. */
  collect(window: {
    start: Date;
    end: Date;
  }): Promise<{ stats: WindowStats; recentVolumes: number[] }>;
}

export interface ResultSink {
  write(monitor: MonitorDefinition, analysis: WindowAnalysis): Promise<void>;
}

/** A change of a subject's status, with the result that caused it. */
export interface DriftAlertEvent {
  readonly monitor: MonitorDefinition;
  readonly severity: 'warning' | 'alert' | 'resolved';
  readonly feature: string;
  readonly method: string;
  readonly value: number;
  readonly threshold: number;
  readonly windowStart: Date;
  readonly windowEnd: Date;
  readonly message: string;
}

export interface AlertSink {
  publish(alert: DriftAlertEvent): Promise<void>;
}

export interface RunnerObserver {
  /** After every analysed window, with each subject's and the model's status. */
  analysed(monitor: MonitorDefinition, analysis: WindowAnalysis, status: Severity): void;
}

function observation(status: MethodResult['status']): Observation {
  if (status === 'insufficient_data') return 'insufficient_data';
  return status === 'ok' ? 'ok' : 'drift';
}

/** Subject key: the feature's drift, a feature's check, or a dataset-level result. */
function subjects(
  analysis: WindowAnalysis,
): { key: string; obs: Observation; result: MethodResult }[] {
  const out: { key: string; obs: Observation; result: MethodResult }[] = [];
  const addFeature = (f: FeatureVerdict) => {
    const deciding = f.decidingMethod ?? (f.results[0] as MethodResult);
    out.push({
      key: `drift:${f.feature}`,
      obs: f.verdict === 'drift' ? 'drift' : f.verdict,
      result: deciding,
    });
    for (const r of f.results) {
      if (r !== deciding && r.method !== 'psi' && r.method !== deciding.method) {
        out.push({ key: `${r.method}:${f.feature}`, obs: observation(r.status), result: r });
      }
    }
  };
  analysis.features.forEach(addFeature);
  for (const r of analysis.dataset)
    out.push({ key: `${r.method}:`, obs: observation(r.status), result: r });
  return out;
}

export class MonitorRunner {
  private readonly tracker: HysteresisTracker;

  constructor(
    private readonly options: {
      readonly monitor: MonitorDefinition;
      readonly references: readonly FeatureReference[];
      readonly source: WindowSource;
      readonly results: ResultSink;
      readonly alerts: AlertSink;
      readonly observer?: RunnerObserver;
    },
  ) {
    this.tracker = new HysteresisTracker(options.monitor);
  }

  get monitor(): MonitorDefinition {
    return this.options.monitor;
  }

  get references(): readonly FeatureReference[] {
    return this.options.references;
  }

  /** The model's status now: the worst of its subjects. */
  status(): Severity {
    return this.tracker.overall();
  }

  /** Analyses the window starting at `start`; windows must come in time order. */
  async runWindow(start: Date): Promise<WindowAnalysis> {
    const { monitor } = this.options;
    const end = new Date(start.getTime() + monitor.windowSeconds * 1000);
    const { stats, recentVolumes } = await this.options.source.collect({ start, end });
    const analysis = analyseWindow({
      monitor,
      references: this.options.references,
      stats,
      recentVolumes,
    });
    await this.options.results.write(monitor, analysis);
    const transitions: { t: Transition; result: MethodResult }[] = [];
    for (const s of subjects(analysis)) {
      const t = this.tracker.observe(s.key, s.obs);
      if (t) transitions.push({ t, result: s.result });
    }
    for (const { t, result } of transitions) {
      const alert = this.alertFor(t, result, analysis);
      if (alert) await this.options.alerts.publish(alert);
    }
    this.options.observer?.analysed(monitor, analysis, this.tracker.overall());
    return analysis;
  }

  private alertFor(
    t: Transition,
    result: MethodResult,
    analysis: WindowAnalysis,
  ): DriftAlertEvent | undefined {
    const { monitor } = this.options;
    // warning → ok is a blip that never alerted: nothing to resolve.
    const severity = t.to === 'ok' ? (t.from === 'alert' ? 'resolved' : undefined) : t.to;
    if (!severity) return undefined;
    if (severity === 'warning' && monitor.alerts.minSeverity === 'alert') return undefined;
    const what =
      result.feature === ''
        ? `dataset ${result.method}`
        : `feature ${result.feature} (${result.method})`;
    const message =
      severity === 'resolved'
        ? `${monitor.model}: ${what} is back within threshold ${result.threshold} for ${monitor.clearAfter} windows`
        : `${monitor.model}: ${what} = ${result.value.toPrecision(4)} against threshold ${result.threshold}${
            result.note ? `; ${result.note}` : ''
          }`;
    return {
      monitor,
      severity,
      feature: result.feature,
      method: result.method,
      value: Number.isFinite(result.value) ? result.value : 0,
      threshold: result.threshold,
      windowStart: analysis.windowStart,
      windowEnd: analysis.windowEnd,
      message,
    };
  }
}
