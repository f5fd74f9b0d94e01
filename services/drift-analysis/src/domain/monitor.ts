/**
 * A drift monitor: which model's traffic to compare with which reference, over which
 * windows, with which thresholds, and where alerts go. Monitors come from
 * DRIFT_MONITORS as JSON; {@link parseMonitors} reports every bad field at once, by
 * its path (`monitors[0].thresholds.psi`), and {@link checkAgainstManifest} then ties
 * a monitor to the model's declared features.
 *
 * The reference is either a registered version's profile (`referenceVersion`) or a
 * past window of the monitor's own traffic (`reference.window`), profiled in
 * ClickHouse at start (src/queries/reference-window.ts).
 */
import { DEFAULT_DRIFT_THRESHOLDS, DEFAULT_SMALL_WINDOW_MAX_COUNT } from '@ballast/stats';
import type { FeatureSpec, FeatureType } from '@ballast/model-store';

/** Thrown for an invalid monitor definition; `problems` names every bad field. */
export class MonitorDefinitionError extends Error {
  override readonly name = 'MonitorDefinitionError';
  constructor(readonly problems: readonly string[]) {
    super(`invalid drift monitor definition:\n  ${problems.join('\n  ')}`);
  }
}

export interface MonitorThresholds {
  /** p-value tests (KS, chi-square): drift below this. */
  readonly pValue: number;
  readonly wassersteinNormed: number;
  readonly psi: number;
  readonly jensenShannon: number;
  /** Data quality: missing rate above the reference's by more than this. */
  readonly missingRateIncrease: number;
  /** Share of finite values outside the reference [min, max]. */
  readonly outOfRangeRate: number;
  /** Share of categorical values never seen in the reference. */
  readonly unseenRate: number;
  /** Share of NaN-free but infinite values. */
  readonly nonFiniteRate: number;
  /** The window is dataset-drifted when at least this share of features drifted. */
  readonly datasetDriftShare: number;
  /** Volume anomaly: rows below median/ratio or above median·ratio of recent windows. */
  readonly volumeRatio: number;
}

export const DEFAULT_MONITOR_THRESHOLDS: MonitorThresholds = {
  ...DEFAULT_DRIFT_THRESHOLDS,
  missingRateIncrease: 0.05,
  outOfRangeRate: 0.05,
  unseenRate: 0.05,
  nonFiniteRate: 0.01,
  datasetDriftShare: 0.5,
  volumeRatio: 3,
};

export interface MonitorFeature {
  readonly name: string;
  readonly type: FeatureType;
}

/** A past window [from, to) of the monitor's own traffic, whole seconds. */
export interface ReferenceWindow {
  readonly from: Date;
  readonly to: Date;
}

export interface MonitorDefinition {
  /** Unique among monitors; names the monitor in results, metrics and alerts. */
  readonly name: string;
  readonly model: string;
  /**
   * The registered version whose profile.json is the reference. With
   * `reference.window` it only names the manifest (when trafficVersion is absent).
   */
  readonly referenceVersion?: string;
  /** A past window of the monitor's own traffic as the reference, instead of a profile. */
  readonly reference?: { readonly window: ReferenceWindow };
  /** Only traffic answered by this version; all versions when absent. */
  readonly trafficVersion?: string;
  /** Features to watch; every manifest feature when absent. Types come from the manifest. */
  readonly features?: readonly string[];
  /** Tumbling windows of this length, aligned to the Unix epoch. */
  readonly windowSeconds: number;
  /** A window is analysed this long after it closes, so late events are in. */
  readonly delaySeconds: number;
  /**
   * Target drift: an outcome recorded without a model counts for this one when its
   * request id is that of one of the model's predictions made in the window or at
   * most this long before it.
   */
  readonly outcomeLookbackSeconds: number;
  /** Windows with fewer rows are reported as insufficient data, not analysed. */
  readonly minSampleSize: number;
  /** Current windows with at most this many finite values get a p-value test. */
  readonly smallWindowMaxCount: number;
  readonly numericDistance: 'wasserstein_normed' | 'psi';
  readonly thresholds: MonitorThresholds;
  /** Hysteresis: raise after this many drifted windows in a row, clear after this many clean ones. */
  readonly alertAfter: number;
  readonly clearAfter: number;
  readonly alerts: {
    /** Publish DriftAlerts on ballast.alerts.v1. */
    readonly kafka: boolean;
    /** Also POST each alert as JSON here. */
    readonly webhookUrl?: string;
    /** Lowest severity sent: 'warning' sends warnings, alerts and resolutions. */
    readonly minSeverity: 'warning' | 'alert';
  };
}

const NAME = /^[a-z0-9][a-z0-9._-]{0,99}$/;
/** ISO 8601 with an explicit zone and whole seconds (ClickHouse's DateTime has no more). */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.0+)?(Z|[+-]\d{2}:\d{2})$/;

type Json = Record<string, unknown>;

/** Collects problems while reading one monitor. */
class Reader {
  readonly problems: string[] = [];
  constructor(private readonly at: string) {}

  report(field: string, reason: string): undefined {
    this.problems.push(`${this.at}.${field}: ${reason}`);
    return undefined;
  }

  name(value: unknown, field: string): string | undefined {
    if (typeof value !== 'string' || !NAME.test(value)) {
      return this.report(field, `must match ${NAME.source}, got ${JSON.stringify(value)}`);
    }
    return value;
  }

  number(
    value: unknown,
    field: string,
    options: { fallback?: number; min: number; max: number; integer?: boolean },
  ): number | undefined {
    if (value === undefined && options.fallback !== undefined) return options.fallback;
    const ok =
      typeof value === 'number' &&
      Number.isFinite(value) &&
      value >= options.min &&
      value <= options.max &&
      (!options.integer || Number.isInteger(value));
    if (!ok) {
      const kind = options.integer ? 'an integer' : 'a number';
      return this.report(
        field,
        `must be ${kind} in [${options.min}, ${options.max}], got ${JSON.stringify(value)}`,
      );
    }
    return value;
  }

  timestamp(value: unknown, field: string): Date | undefined {
    const date = typeof value === 'string' && TIMESTAMP.test(value) ? new Date(value) : undefined;
    if (!date || Number.isNaN(date.getTime())) {
      return this.report(
        field,
        `must be an ISO 8601 time in whole seconds with a zone, e.g. "2026-11-01T00:00:00Z", got ${JSON.stringify(value)}`,
      );
    }
    return date;
  }
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function thresholds(r: Reader, value: unknown): MonitorThresholds | undefined {
  if (value === undefined) return DEFAULT_MONITOR_THRESHOLDS;
  if (!isObject(value)) return r.report('thresholds', 'must be an object');
  const known = Object.keys(DEFAULT_MONITOR_THRESHOLDS) as (keyof MonitorThresholds)[];
  for (const key of Object.keys(value)) {
    if (!(known as string[]).includes(key)) {
      r.report(`thresholds.${key}`, `is not a threshold (${known.join(', ')})`);
    }
  }
  const out: Record<string, number | undefined> = {};
  for (const key of known) {
    const max = key === 'volumeRatio' ? 1e6 : key === 'psi' ? 100 : 1;
    const min = key === 'volumeRatio' ? 1 : 0;
    out[key] = r.number(value[key], `thresholds.${key}`, {
      fallback: DEFAULT_MONITOR_THRESHOLDS[key],
      min,
      max,
    });
  }
  return out as unknown as MonitorThresholds;
}

function alerts(r: Reader, value: unknown): MonitorDefinition['alerts'] | undefined {
  if (value === undefined) return { kafka: true, minSeverity: 'warning' };
  if (!isObject(value)) return r.report('alerts', 'must be an object');
  const kafka = value['kafka'] ?? true;
  if (typeof kafka !== 'boolean') r.report('alerts.kafka', 'must be true or false');
  const minSeverity = value['minSeverity'] ?? 'warning';
  if (minSeverity !== 'warning' && minSeverity !== 'alert') {
    r.report('alerts.minSeverity', 'must be "warning" or "alert"');
  }
  const webhookUrl = value['webhookUrl'];
  if (webhookUrl !== undefined) {
    let ok = typeof webhookUrl === 'string';
    try {
      ok &&= ['http:', 'https:'].includes(new URL(webhookUrl as string).protocol);
    } catch {
      ok = false;
    }
    if (!ok) r.report('alerts.webhookUrl', 'must be an http(s) URL');
  }
  return {
    kafka: kafka as boolean,
    minSeverity: minSeverity as 'warning' | 'alert',
    ...(typeof webhookUrl === 'string' ? { webhookUrl } : {}),
  };
}

function features(r: Reader, value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0) {
    return r.report('features', 'must be a non-empty array of feature names');
  }
  value.forEach((f, i) => {
    if (typeof f !== 'string' || f === '') r.report(`features[${i}]`, 'must be a feature name');
  });
  if (new Set(value).size !== value.length) r.report('features', 'must not repeat a feature');
  return value as string[];
}

function reference(r: Reader, value: unknown): MonitorDefinition['reference'] | undefined {
  if (!isObject(value))
    return r.report('reference', 'must be an object: {"window": {"from", "to"}}');
  for (const key of Object.keys(value)) {
    if (key !== 'window') r.report(`reference.${key}`, 'is not a reference setting (window)');
  }
  const window = value['window'];
  if (!isObject(window)) {
    return r.report('reference.window', 'must be an object with "from" and "to"');
  }
  for (const key of Object.keys(window)) {
    if (key !== 'from' && key !== 'to') {
      r.report(`reference.window.${key}`, 'is not a window setting (from, to)');
    }
  }
  const from = r.timestamp(window['from'], 'reference.window.from');
  const to = r.timestamp(window['to'], 'reference.window.to');
  if (!from || !to) return undefined;
  if (to <= from) {
    return r.report('reference.window.to', `must be after from (${from.toISOString()})`);
  }
  return { window: { from, to } };
}

/**
 * Which of referenceVersion / reference / trafficVersion go together: a reference is
 * needed, and a window reference needs a version whose manifest declares the features.
 */
function referenceChoice(r: Reader, value: Json): void {
  const [version, window, traffic] = ['referenceVersion', 'reference', 'trafficVersion'].map(
    (key) => value[key] !== undefined,
  );
  if (!version && !window) {
    r.report('referenceVersion', 'is required unless reference.window names the reference');
  } else if (window && !version && !traffic) {
    r.report(
      'trafficVersion',
      'is required with reference.window (its manifest declares the features), unless referenceVersion names the version',
    );
  } else if (window && version && traffic) {
    r.report(
      'referenceVersion',
      'is not used with reference.window and trafficVersion (the features come from the traffic version)',
    );
  }
}

const KEYS = [
  'name',
  'model',
  'referenceVersion',
  'reference',
  'trafficVersion',
  'features',
  'windowSeconds',
  'delaySeconds',
  'outcomeLookbackSeconds',
  'minSampleSize',
  'smallWindowMaxCount',
  'numericDistance',
  'thresholds',
  'alertAfter',
  'clearAfter',
  'alerts',
];

function monitor(value: unknown, at: string): { monitor?: MonitorDefinition; problems: string[] } {
  const r = new Reader(at);
  if (!isObject(value)) return { problems: [`${at}: must be an object`] };
  for (const key of Object.keys(value)) {
    if (!KEYS.includes(key)) r.report(key, `is not a monitor setting (${KEYS.join(', ')})`);
  }
  const version = (field: string, v: unknown) =>
    typeof v === 'string' && NAME.test(v)
      ? v
      : r.report(field, `must be a version name, got ${JSON.stringify(v)}`);
  referenceChoice(r, value);
  const numericDistance = value['numericDistance'] ?? 'wasserstein_normed';
  if (numericDistance !== 'wasserstein_normed' && numericDistance !== 'psi') {
    r.report('numericDistance', 'must be "wasserstein_normed" or "psi"');
  }
  const windowSeconds = r.number(value['windowSeconds'], 'windowSeconds', {
    fallback: 3600,
    min: 1,
    max: 7 * 86_400,
    integer: true,
  });
  const parsed = {
    name: r.name(value['name'], 'name'),
    model: r.name(value['model'], 'model'),
    ...(value['referenceVersion'] === undefined
      ? {}
      : { referenceVersion: version('referenceVersion', value['referenceVersion']) }),
    ...(value['reference'] === undefined ? {} : { reference: reference(r, value['reference']) }),
    ...(value['trafficVersion'] === undefined
      ? {}
      : { trafficVersion: version('trafficVersion', value['trafficVersion']) }),
    ...(value['features'] === undefined ? {} : { features: features(r, value['features']) }),
    windowSeconds,
    delaySeconds: r.number(value['delaySeconds'], 'delaySeconds', {
      fallback: 60,
      min: 0,
      max: 86_400,
      integer: true,
    }),
    outcomeLookbackSeconds: r.number(value['outcomeLookbackSeconds'], 'outcomeLookbackSeconds', {
      fallback: 86_400,
      min: 0,
      max: 30 * 86_400,
      integer: true,
    }),
    minSampleSize: r.number(value['minSampleSize'], 'minSampleSize', {
      fallback: 30,
      min: 1,
      max: 1e9,
      integer: true,
    }),
    smallWindowMaxCount: r.number(value['smallWindowMaxCount'], 'smallWindowMaxCount', {
      fallback: DEFAULT_SMALL_WINDOW_MAX_COUNT,
      min: 0,
      max: 1e7,
      integer: true,
    }),
    numericDistance,
    thresholds: thresholds(r, value['thresholds']),
    alertAfter: r.number(value['alertAfter'], 'alertAfter', {
      fallback: 2,
      min: 1,
      max: 100,
      integer: true,
    }),
    clearAfter: r.number(value['clearAfter'], 'clearAfter', {
      fallback: 2,
      min: 1,
      max: 100,
      integer: true,
    }),
    alerts: alerts(r, value['alerts']),
  };
  if (r.problems.length > 0) return { problems: r.problems };
  return { monitor: parsed as MonitorDefinition, problems: [] };
}

/**
 * Reads DRIFT_MONITORS' JSON: an array of monitors (or `{ "monitors": [...] }`).
 * Throws a {@link MonitorDefinitionError} listing every problem.
 */
export function parseMonitors(json: unknown): MonitorDefinition[] {
  const list = isObject(json) ? json['monitors'] : json;
  if (!Array.isArray(list)) {
    throw new MonitorDefinitionError(['monitors: must be an array of monitor definitions']);
  }
  const problems: string[] = [];
  const monitors: MonitorDefinition[] = [];
  list.forEach((value, i) => {
    const result = monitor(value, `monitors[${i}]`);
    problems.push(...result.problems);
    if (result.monitor) monitors.push(result.monitor);
  });
  const seen = new Set<string>();
  monitors.forEach((m) => {
    if (seen.has(m.name)) problems.push(`monitors: the name ${JSON.stringify(m.name)} repeats`);
    seen.add(m.name);
  });
  if (problems.length > 0) throw new MonitorDefinitionError(problems);
  return monitors;
}

/**
 * The version whose manifest declares the monitored features: the reference version,
 * or with a window reference the traffic version (else the named referenceVersion).
 * Also the model version recorded with results and alerts.
 */
export function manifestVersion(monitor: MonitorDefinition): string {
  const version = monitor.reference
    ? (monitor.trafficVersion ?? monitor.referenceVersion)
    : monitor.referenceVersion;
  // parseMonitors refuses a monitor without one.
  return version as string;
}

/**
 * The monitor's features with their types from the model's manifest. Throws a
 * {@link MonitorDefinitionError} naming any feature the manifest does not declare.
 */
export function checkAgainstManifest(
  monitor: MonitorDefinition,
  declared: readonly FeatureSpec[],
): MonitorFeature[] {
  if (!monitor.features) return declared.map((f) => ({ name: f.name, type: f.type }));
  const byName = new Map(declared.map((f) => [f.name, f]));
  const problems = monitor.features.flatMap((name, i) =>
    byName.has(name)
      ? []
      : [
          `${monitor.name}.features[${i}]: ${JSON.stringify(name)} is not a feature of ${monitor.model} version ${manifestVersion(monitor)}`,
        ],
  );
  if (problems.length > 0) throw new MonitorDefinitionError(problems);
  return monitor.features.map((name) => {
    const f = byName.get(name) as FeatureSpec;
    return { name: f.name, type: f.type };
  });
}
