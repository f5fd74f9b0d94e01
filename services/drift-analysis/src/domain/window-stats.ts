/**
 * What ClickHouse aggregates for one window (src/queries): per feature, counts and
 * moments and a histogram over the reference's fine edges, and the raw values only
 * when the window is small enough for exact tests.
 */

export interface NumericWindowStats {
  readonly type: 'numeric';
  /** Events carrying the feature. */
  readonly rows: number;
  /** NaN values (missing). */
  readonly missing: number;
  /** ±Infinity values. */
  readonly infinite: number;
  /** Finite values: rows - missing - infinite. */
  readonly finite: number;
  /** Over finite values; meaningless when finite = 0. */
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  /** Sample variance (ddof = 1); 0 with fewer than two values. */
  readonly variance: number;
  /** Finite values below the reference min / above the reference max. */
  readonly belowMin: number;
  readonly aboveMax: number;
  /** Counts over the reference's fine edges (fineEdges.length + 1 entries). */
  readonly fineCounts: readonly number[];
  /** The finite values, when the window was small enough to pull them. */
  readonly values?: readonly number[];
}

export interface CategoricalWindowStats {
  readonly type: 'categorical';
  readonly rows: number;
  /** Empty strings (missing). */
  readonly missing: number;
  /** Present values per category. */
  readonly counts: Readonly<Record<string, number>>;
}

export type FeatureWindowStats = NumericWindowStats | CategoricalWindowStats;

export interface WindowStats {
  readonly windowStart: Date;
  readonly windowEnd: Date;
  /** Events in the window (the model's traffic, whatever features they carry). */
  readonly rows: number;
  /** By feature name; a feature no event carried is absent. */
  readonly features: ReadonlyMap<string, FeatureWindowStats>;
}
