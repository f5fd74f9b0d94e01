/**
 * Drift reports over stored results (drift_results): the query side of the service,
 * behind DriftService. Plain class over two ports, unit-tested with fakes.
 *
 * The timeline replays the hysteresis over the stored windows as the live runner
 * observed them (domain/subjects.ts): the `leadInWindows` windows before the range
 * first, so that a status reached before the range is carried in as a restarted
 * service restores it, then each window of the range.
 */
import type { MethodResult } from '../domain/feature-analysis';
import { HysteresisTracker, type Severity } from '../domain/hysteresis';
import type { MonitorDefinition } from '../domain/monitor';
import type { FeatureReference } from '../domain/reference';
import { DRIFT_METHODS, replayWindows } from '../domain/subjects';
import { analyseWindow } from '../domain/window-analysis';
import type { FeatureWindowStats } from '../domain/window-stats';

/** A row of drift_results: a window's result (value NaN when insufficient data). */
export interface StoredResult extends Omit<MethodResult, 'note'> {
  readonly monitor: string;
  readonly windowStart: Date;
  readonly windowEnd: Date;
}

export interface ResultReader {
  read(model: string, from: Date, to: Date): Promise<StoredResult[]>;
}

/** The statistics of one window of a monitor (for the histograms). */
export interface HistogramSource {
  features(
    monitor: MonitorDefinition,
    window: { start: Date; end: Date },
  ): Promise<ReadonlyMap<string, FeatureWindowStats>>;
}

export interface ReportedMonitor {
  readonly monitor: MonitorDefinition;
  readonly references: readonly FeatureReference[];
  /** The live status with hysteresis, and the last analysed window. */
  status(): Severity;
  lastWindowStart(): Date | undefined;
}

/** No monitor watches the model: NOT_FOUND. */
export class UnknownModelError extends Error {
  override readonly name = 'UnknownModelError';
}

/** A bad request field (unknown feature, reversed range): INVALID_ARGUMENT. */
export class ReportRequestError extends Error {
  override readonly name = 'ReportRequestError';
}

export interface ReportWindow {
  readonly monitor: string;
  readonly windowStart: Date;
  readonly windowEnd: Date;
  readonly drift: readonly StoredResult[];
  readonly quality: readonly StoredResult[];
}

export interface StatusPoint {
  readonly monitor: string;
  readonly windowStart: Date;
  readonly status: Severity;
  readonly driftedFeatures: number;
}

export interface FeatureHistogram {
  readonly feature: string;
  readonly edges: readonly number[];
  readonly labels: readonly string[];
  readonly reference: readonly number[];
  readonly current: readonly number[];
  readonly windowStart: Date;
}

export interface DriftReport {
  readonly model: string;
  readonly windows: readonly ReportWindow[];
  readonly timeline: readonly StatusPoint[];
  readonly histograms: readonly FeatureHistogram[];
}

function histogram(
  ref: FeatureReference,
  stats: FeatureWindowStats | undefined,
  windowStart: Date,
): FeatureHistogram {
  if (ref.type === 'numeric') {
    const current = stats?.type === 'numeric' ? stats.fineCounts : ref.fineCounts.map(() => 0);
    return {
      feature: ref.name,
      edges: ref.fineEdges,
      labels: [],
      reference: ref.fineCounts,
      current,
      windowStart,
    };
  }
  const counts = stats?.type === 'categorical' ? stats.counts : {};
  const labels = [...new Set([...Object.keys(ref.frequencies), ...Object.keys(counts)])].sort();
  return {
    feature: ref.name,
    edges: [],
    labels,
    reference: labels.map((l) => ref.frequencies[l] ?? 0),
    current: labels.map((l) => counts[l] ?? 0),
    windowStart,
  };
}

function asStored(monitor: string, r: MethodResult, start: Date, end: Date): StoredResult {
  return {
    monitor,
    windowStart: start,
    windowEnd: end,
    feature: r.feature,
    method: r.method,
    value: r.value,
    threshold: r.threshold,
    status: r.status,
    sampleSize: r.sampleSize,
  };
}

export class DriftReports {
  constructor(
    private readonly options: {
      readonly monitors: readonly ReportedMonitor[];
      readonly results: ResultReader;
      readonly histograms: HistogramSource;
      /** Windows before a report's range replayed into its timeline's hysteresis. */
      readonly leadInWindows: number;
    },
  ) {}

  list(): readonly ReportedMonitor[] {
    return this.options.monitors;
  }

  async report(request: {
    model: string;
    from: Date;
    to: Date;
    features: readonly string[];
  }): Promise<DriftReport> {
    const monitors = this.options.monitors.filter((m) => m.monitor.model === request.model);
    if (monitors.length === 0) {
      throw new UnknownModelError(`model: no monitor watches ${JSON.stringify(request.model)}`);
    }
    if (request.from.getTime() > request.to.getTime()) {
      throw new ReportRequestError(
        `from_time: ${request.from.toISOString()} is after to_time ${request.to.toISOString()}`,
      );
    }
    const known = new Set(monitors.flatMap((m) => m.references.map((r) => r.name)));
    request.features.forEach((f, i) => {
      if (!known.has(f)) {
        throw new ReportRequestError(
          `features[${i}]: ${JSON.stringify(f)} is not monitored for ${request.model}`,
        );
      }
    });
    const wanted = (feature: string) =>
      feature === '' || request.features.length === 0 || request.features.includes(feature);
    const longest = Math.max(...monitors.map((m) => m.monitor.windowSeconds)) * 1000;
    const leadIn = new Date(request.from.getTime() - this.options.leadInWindows * longest);
    const stored = await this.options.results.read(request.model, leadIn, request.to);
    const windows: ReportWindow[] = [];
    const timeline: StatusPoint[] = [];
    for (const m of monitors) {
      const own = stored.filter((r) => r.monitor === m.monitor.name);
      const earliest =
        request.from.getTime() - this.options.leadInWindows * m.monitor.windowSeconds * 1000;
      const tracker = new HysteresisTracker(m.monitor);
      replayWindows(
        tracker,
        own.filter((r) => r.windowStart.getTime() >= earliest),
        (windowStart, rows) => {
          if (windowStart < request.from) return;
          const shown = rows.filter((r) => wanted(r.feature));
          windows.push(this.window(m.monitor.name, shown));
          timeline.push({
            monitor: m.monitor.name,
            windowStart,
            status: tracker.overall(),
            driftedFeatures: new Set(
              shown.filter((r) => r.status === 'drift' && r.feature !== '').map((r) => r.feature),
            ).size,
          });
        },
      );
      if (!own.some((r) => r.windowStart >= request.from))
        windows.push(this.empty(m, request.from, request.to, wanted));
    }
    return {
      model: request.model,
      windows,
      timeline,
      histograms: await this.histograms(monitors, windows, wanted),
    };
  }

  private window(monitor: string, rows: readonly StoredResult[]): ReportWindow {
    const first = rows[0] as StoredResult;
    return {
      monitor,
      windowStart: first.windowStart,
      windowEnd: first.windowEnd,
      drift: rows.filter((r) => DRIFT_METHODS.has(r.method)),
      quality: rows.filter((r) => !DRIFT_METHODS.has(r.method)),
    };
  }

  /** A range without analysed windows: the analysis of no data, insufficient_data rows. */
  private empty(
    m: ReportedMonitor,
    from: Date,
    to: Date,
    wanted: (feature: string) => boolean,
  ): ReportWindow {
    const analysis = analyseWindow({
      monitor: m.monitor,
      references: m.references,
      stats: { windowStart: from, windowEnd: to, rows: 0, features: new Map() },
      recentVolumes: [],
    });
    const rows = analysis.results
      .filter((r) => wanted(r.feature))
      .map((r) => asStored(m.monitor.name, r, from, to));
    return {
      monitor: m.monitor.name,
      windowStart: from,
      windowEnd: to,
      drift: rows.filter((r) => DRIFT_METHODS.has(r.method)),
      quality: rows.filter((r) => !DRIFT_METHODS.has(r.method)),
    };
  }

  /** The latest analysed window's histograms, per monitored feature asked for. */
  private async histograms(
    monitors: readonly ReportedMonitor[],
    windows: readonly ReportWindow[],
    wanted: (feature: string) => boolean,
  ): Promise<FeatureHistogram[]> {
    const analysed = windows.filter((w) => w.drift.some((r) => r.status !== 'insufficient_data'));
    const latest = analysed.reduce<ReportWindow | undefined>(
      (a, w) => (a && a.windowStart >= w.windowStart ? a : w),
      undefined,
    );
    if (!latest) return [];
    const m = monitors.find((x) => x.monitor.name === latest.monitor) as ReportedMonitor;
    const stats = await this.options.histograms.features(m.monitor, {
      start: latest.windowStart,
      end: latest.windowEnd,
    });
    return m.references
      .filter((r) => wanted(r.name))
      .map((r) => histogram(r, stats.get(r.name), latest.windowStart));
  }
}
