import { build } from 'hdr-histogram-js';
import type { ErrorClassifier } from './errors';

export interface LatencySummary {
  p50: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

/**
 * One run of a load generator. A call belongs to the phase it was started (or, in an
 * open loop, scheduled) in, so a slow call that straddles the end of the run is still
 * counted rather than silently left out of the tail.
 */
export interface RunResult {
  label: string;
  mode: 'closed' | 'open';
  /** Closed loop: the number of workers. */
  concurrency?: number;
  /** Open loop: the requested calls per second. */
  targetRate?: number;
  /** The measurement window: warm-up excluded. */
  durationMs: number;
  /** Calls completed in the measurement window, successful or not. */
  requests: number;
  /** Failed calls by class; their sum is at most `requests`. */
  errors: Record<string, number>;
  /** Open loop: scheduled calls not started because `maxInFlight` calls were running. */
  dropped: number;
  /**
   * Successful calls per second. Errors are left out (as they are from `latencyMs`)
   * because a server that fails fast would otherwise look both quicker and busier.
   */
  throughputPerSec: number;
  /** Latency of successful calls, in milliseconds. */
  latencyMs: LatencySummary;
}

// One minute in microseconds: anything slower is clamped rather than thrown on, so a
// single stuck call cannot abort a long benchmark.
const HIGHEST_US = 60_000_000;

/** What the generator knows about a run, beside the outcomes of its calls. */
export type RunInfo = Pick<
  RunResult,
  'label' | 'mode' | 'concurrency' | 'targetRate' | 'durationMs' | 'dropped'
>;

/** Collects the outcome of measured calls and turns them into a {@link RunResult}. */
export class Recorder {
  private readonly histogram = build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_US,
    numberOfSignificantValueDigits: 3,
    // The pure JS histogram needs no asynchronous start-up, unlike the WASM one.
    useWebAssembly: false,
  });
  private readonly errorCounts = new Map<string, number>();
  private completed = 0;

  constructor(private readonly classify: ErrorClassifier) {}

  success(latencyMs: number): void {
    this.completed += 1;
    const us = Math.round(latencyMs * 1000);
    this.histogram.recordValue(Math.min(Math.max(us, 1), HIGHEST_US));
  }

  failure(err: unknown): void {
    this.completed += 1;
    const key = this.classify(err);
    this.errorCounts.set(key, (this.errorCounts.get(key) ?? 0) + 1);
  }

  result(run: RunInfo): RunResult {
    const successes = this.histogram.totalCount;
    const { concurrency, targetRate, ...rest } = run;
    return {
      label: rest.label,
      mode: rest.mode,
      // Absent rather than undefined, so a result equals itself after a JSON round trip.
      ...(concurrency === undefined ? {} : { concurrency }),
      ...(targetRate === undefined ? {} : { targetRate }),
      durationMs: rest.durationMs,
      requests: this.completed,
      errors: Object.fromEntries(this.errorCounts),
      dropped: rest.dropped,
      throughputPerSec: rest.durationMs > 0 ? (successes * 1000) / rest.durationMs : 0,
      latencyMs: this.latency(),
    };
  }

  private latency(): LatencySummary {
    const h = this.histogram;
    // A percentile reads as the top of its HDR bucket, which can be a microsecond or
    // so above the largest value recorded; a report showing p99 > max would be wrong.
    const at = (percentile: number) => Math.min(h.getValueAtPercentile(percentile), h.maxValue);
    const ms = (us: number) => us / 1000;
    return {
      p50: ms(at(50)),
      p95: ms(at(95)),
      p99: ms(at(99)),
      p999: ms(at(99.9)),
      max: ms(h.maxValue),
      mean: ms(h.mean),
    };
  }
}
