/**
 * The ClickHouse side of a monitor window ({@link WindowSource}): volumes, numeric
 * aggregates and category counts pushed down, raw values only for small windows.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import type { WindowSource } from '../domain/monitor-runner';
import type { MonitorDefinition } from '../domain/monitor';
import type { CategoricalReference, FeatureReference, NumericReference } from '../domain/reference';
import type { FeatureWindowStats, WindowStats } from '../domain/window-stats';
import { queryCategoricalCounts } from './categorical-counts';
import { queryNumericStats } from './numeric-stats';
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
}

export class ClickHouseWindowSource implements WindowSource {
  private readonly numeric: NumericReference[];
  private readonly categorical: CategoricalReference[];

  constructor(private readonly options: WindowCollectorOptions) {
    this.numeric = options.references.filter((r): r is NumericReference => r.type === 'numeric');
    this.categorical = options.references.filter(
      (r): r is CategoricalReference => r.type === 'categorical',
    );
  }

  async collect(window: {
    start: Date;
    end: Date;
  }): Promise<{ stats: WindowStats; recentVolumes: number[] }> {
    const { clickhouse, monitor } = this.options;
    const selector = monitorSelector(monitor, window);
    const historyStart = new Date(
      window.start.getTime() - this.options.volumeHistoryWindows * monitor.windowSeconds * 1000,
    );
    const [volumes, numeric, categorical] = await Promise.all([
      // Earlier windows only: the current one's count comes deduplicated with the numeric stats.
      queryVolumes(
        clickhouse,
        { ...selector, windowStart: historyStart, windowEnd: window.start },
        monitor.windowSeconds,
      ),
      queryNumericStats(clickhouse, selector, this.numeric),
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
    const features = new Map<string, FeatureWindowStats>(categorical);
    for (const [name, s] of numeric.features) {
      const values = raw.get(name);
      features.set(name, values ? { ...s, values } : s);
    }
    const recentVolumes = [...volumes.values()];
    return {
      stats: {
        windowStart: window.start,
        windowEnd: window.end,
        rows: numeric.events,
        features,
      },
      recentVolumes,
    };
  }
}
