/**
 * A model's recent traffic as daily rates, for sizing an experiment's duration
 * (`ballast experiment plan --model`).
 *
 * units per day = distinct units over the whole window / the window's days: each
 * unit counts on its first day in the window only, which is how units enter an
 * experiment (a unit keeps its variant and is counted once). The average of daily
 * distinct units would count a unit that comes back every day once per day and
 * overstate how fast an experiment fills. The rate is exact for an experiment as
 * long as the window; for a longer one it overstates the new units per day (units
 * that come back do not enter again), for a shorter one it understates them. Plan
 * with a lookback close to the experiment's duration.
 */
import { NAME_PATTERN } from '@ballast/model-store';
import type { TrafficCounts, TrafficWindow } from '../queries/traffic-rate';

const DAY_MS = 86_400_000;
export const DEFAULT_LOOKBACK_DAYS = 7;
/** Bounds the memory of the exact distinct counts (see queries/traffic-rate.ts). */
export const MAX_LOOKBACK_DAYS = 31;

/** A traffic request the service cannot answer as asked: names the field. */
export class InvalidTrafficRequestError extends Error {
  override readonly name = 'InvalidTrafficRequestError';
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

export interface TrafficRateRequest {
  readonly model: string;
  /** 0 means the default, 7. */
  readonly lookbackDays: number;
}

export interface TrafficRate extends TrafficWindow, TrafficCounts {
  readonly lookbackDays: number;
  readonly unitsPerDay: number;
  readonly requestsPerDay: number;
}

export class TrafficRates {
  constructor(
    private readonly options: {
      count: (window: TrafficWindow) => Promise<TrafficCounts>;
      now?: () => Date;
    },
  ) {}

  /** The rates over the `lookbackDays` days before now; zeros when the model had no traffic. */
  async rate(request: TrafficRateRequest): Promise<TrafficRate> {
    const { model } = request;
    if (model === '') throw new InvalidTrafficRequestError('model', 'must not be empty');
    if (!NAME_PATTERN.test(model)) {
      throw new InvalidTrafficRequestError(
        'model',
        `${JSON.stringify(model)} is not a model name: use 1 to 64 of a-z 0-9 . _ -, starting with a letter or digit`,
      );
    }
    const lookbackDays = request.lookbackDays === 0 ? DEFAULT_LOOKBACK_DAYS : request.lookbackDays;
    if (!Number.isInteger(lookbackDays) || lookbackDays < 1 || lookbackDays > MAX_LOOKBACK_DAYS) {
      throw new InvalidTrafficRequestError(
        'lookback_days',
        `must be 1 to ${MAX_LOOKBACK_DAYS} (0 for ${DEFAULT_LOOKBACK_DAYS}), got ${lookbackDays}`,
      );
    }
    // Whole seconds: event_time has no finer resolution, so the window's days are exact.
    const to = new Date(Math.floor((this.options.now?.() ?? new Date()).getTime() / 1000) * 1000);
    const window = { model, from: new Date(to.getTime() - lookbackDays * DAY_MS), to };
    const counts = await this.options.count(window);
    return {
      ...window,
      ...counts,
      lookbackDays,
      unitsPerDay: counts.units / lookbackDays,
      requestsPerDay: counts.requests / lookbackDays,
    };
  }
}
