/**
 * Runs one monitor window by window: gathers the window's statistics (a port, which
 * src/queries implements over ClickHouse), analyses them, tracks each subject's
 * status with hysteresis, stores the results and raises alerts on status changes.
 * Plain class: the service wires real ports, unit tests pass fakes.
 */
import type { MethodResult } from './feature-analysis';
import { HysteresisTracker, type Severity, type Transition } from './hysteresis';
import type { MonitorDefinition } from './monitor';
import type { FeatureReference } from './reference';
import { replayWindows, windowSubjects, type SubjectResult } from './subjects';
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
  /** After the status was restored from stored results, at start. */
  restored(monitor: MonitorDefinition, status: Severity): void;
}

/** A stored result of an earlier window (a drift_results row). */
export interface EarlierResult extends SubjectResult {
  readonly windowStart: Date;
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

  /**
   * Replays the results stored for earlier windows (any order) into the hysteresis,
   * without writing or alerting, so that after a restart the status goes on where
   * it was: a model in alert stays in alert and clears only after `clearAfter` clean
   * windows. Call before the first window. Replaying from ok is exact for every
   * subject whose results include `clearAfter` clean windows in a row (after those
   * any state is ok) or the monitor's first window; for a subject drifting on and
   * off through all of them, an alert older than the results is not recovered.
   */
  restore(results: readonly EarlierResult[]): Severity {
    replayWindows(this.tracker, results);
    this.options.observer?.restored(this.options.monitor, this.tracker.overall());
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
    for (const s of windowSubjects(analysis.results)) {
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
