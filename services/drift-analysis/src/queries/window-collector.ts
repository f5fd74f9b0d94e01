/**
 * The ClickHouse side of a monitor window ({@link WindowSource}): volumes, numeric
 * aggregates and category counts pushed down, raw values only for small windows,
 * and a deterministic sample of the events for very large windows (README
 * "Approximations for large windows").
 */
import type { ClickHouseClient } from '@clickhouse/client';
import type { WindowSource } from '../domain/monitor-runner';
import type { MonitorDefinition } from '../domain/monitor';
import {
  valueKind,
  type CategoricalReference,
  type FeatureReference,
  type NumericReference,
} from '../domain/reference';
import type { FeatureWindowStats, WindowStats } from '../domain/window-stats';
import { queryCategoricalCounts } from './categorical-counts';
import { queryNumericStats, queryOutputStats, queryTargetStats } from './numeric-stats';
import { queryRawValues } from './raw-values';
import { queryVolumes } from './volumes';
import { monitorSelector } from './window-filter';

export interface WindowCollectorOptions {
  readonly clickhouse: ClickHouseClient;
  readonly monitor: MonitorDefinition;
  readonly references: readonly FeatureReference[];
  /** Features with at most this many finite values in a window get their raw values pulled. */
  readonly rawMaxRows: number;
  /** Earlier windows the volume check looks back on. */
  readonly volumeHistoryWindows: number;
  /**
   * A window of more than twice this many events is analysed on a deterministic
   * 1-in-m sample of at least this many (m = ⌊events / sampleEvents⌋); 0: never.
   */
  readonly sampleEvents: number;
}

/** The sample modulus for a window of `events` events (1: every event). */
export function sampleModulus(events: number, sampleEvents: number): number {
  return sampleEvents > 0 && events > 2 * sampleEvents ? Math.floor(events / sampleEvents) : 1;
}

export class ClickHouseWindowSource implements WindowSource {
  private readonly numeric: NumericReference[];
  private readonly outputs: NumericReference[];
  private readonly targets: NumericReference[];
  private readonly categorical: CategoricalReference[];

  constructor(private readonly options: WindowCollectorOptions) {
    const numeric = options.references.filter((r): r is NumericReference => r.type === 'numeric');
    this.numeric = numeric.filter((r) => valueKind(r) === 'feature');
    this.outputs = numeric.filter((r) => valueKind(r) === 'output');
    this.targets = numeric.filter((r) => valueKind(r) === 'target');
    this.categorical = options.references.filter(
      (r): r is CategoricalReference => r.type === 'categorical',
    );
  }

  async collect(window: {
    start: Date;
    end: Date;
  }): Promise<{ stats: WindowStats; recentVolumes: number[] }> {
    const { clickhouse, monitor } = this.options;
    const historyStart = new Date(
      window.start.getTime() - this.options.volumeHistoryWindows * monitor.windowSeconds * 1000,
    );
    // Counted as stored (cheap): decides whether the window is sampled.
    const volumes = await queryVolumes(
      clickhouse,
      monitorSelector(monitor, { start: historyStart, end: window.end }),
      monitor.windowSeconds,
    );
    const current = Math.floor(window.start.getTime() / 1000);
    const events = volumes.get(current) ?? 0;
    volumes.delete(current);
    const selector = {
      ...monitorSelector(monitor, window),
      sampleModulus: sampleModulus(events, this.options.sampleEvents),
    };
    const [numeric, outputs, targets, categorical] = await Promise.all([
      queryNumericStats(clickhouse, selector, this.numeric),
      queryOutputStats(clickhouse, selector, this.outputs),
      queryTargetStats(
        clickhouse,
        monitorSelector(monitor, window),
        this.targets,
        monitor.outcomeLookbackSeconds,
      ),
      queryCategoricalCounts(
        clickhouse,
        selector,
        this.categorical.map((r) => r.name),
      ),
    ]);
    const small = [...numeric.features].filter(
      ([, s]) => s.finite > 0 && s.finite <= this.options.rawMaxRows,
    );
    const raw = await queryRawValues(
      clickhouse,
      selector,
      small.map(([name]) => name),
    );
    const features = new Map<string, FeatureWindowStats>([...categorical, ...outputs, ...targets]);
    for (const [name, s] of numeric.features) {
      const values = raw.get(name);
      features.set(name, values ? { ...s, values } : s);
    }
    return {
      stats: {
        windowStart: window.start,
        windowEnd: window.end,
        // Deduplicated when every event was read; the stored count of a sampled window.
        rows: selector.sampleModulus > 1 ? events : numeric.events,
        features,
      },
      recentVolumes: [...volumes.values()],
    };
  }
}
