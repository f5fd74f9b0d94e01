import { classifyError, type ErrorClassifier } from './errors';
import { Recorder, type RunResult } from './result';

/** One request. A rejection counts as an error. */
export type Call = () => Promise<void>;

interface RunOptions {
  call: Call;
  /** Length of the measurement window, after the warm-up. */
  durationMs: number;
  /** Calls started in this first stretch are made but not recorded (JIT, pools, caches). */
  warmupMs?: number;
  label?: string;
  classifyError?: ErrorClassifier;
}

export interface ClosedLoopOptions extends RunOptions {
  /** Workers, each making one call at a time. */
  concurrency: number;
  /** Stop early once this many measured calls have been started. */
  maxRequests?: number;
}

export interface OpenLoopOptions extends RunOptions {
  ratePerSec: number;
  /** Beyond this many calls in flight, a scheduled call is dropped, not queued. */
  maxInFlight: number;
}

export interface SweepOptions extends Omit<ClosedLoopOptions, 'concurrency' | 'label'> {
  label: string;
  concurrencies?: readonly number[];
  /** Called after each run, e.g. to print progress during a long sweep. */
  onResult?: (result: RunResult) => void;
}

export const DEFAULT_CONCURRENCIES: readonly number[] = [1, 8, 64];

const now = () => performance.now();

/**
 * `concurrency` workers, each calling again as soon as its previous call settles: the
 * load adapts to the server, which makes it right for finding peak throughput and wrong
 * for latency under a given load (see `openLoop`).
 */
export async function closedLoop(options: ClosedLoopOptions): Promise<RunResult> {
  const { call, concurrency, durationMs, warmupMs = 0, maxRequests } = options;
  positiveInteger('concurrency', concurrency);
  nonNegative('durationMs', durationMs);
  nonNegative('warmupMs', warmupMs);
  if (maxRequests !== undefined) positiveInteger('maxRequests', maxRequests);

  const recorder = new Recorder(options.classifyError ?? classifyError);
  const measureStart = now() + warmupMs;
  const measureEnd = measureStart + durationMs;
  let started = 0;

  const worker = async () => {
    for (;;) {
      const start = now();
      if (start >= measureEnd) return;
      const measured = start >= measureStart;
      if (measured) {
        if (maxRequests !== undefined && started >= maxRequests) return;
        started += 1;
      }
      try {
        await call();
        if (measured) recorder.success(now() - start);
      } catch (err) {
        if (measured) recorder.failure(err);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));

  // Cut short by maxRequests, the window is the time the work actually took.
  const cutShort = maxRequests !== undefined && started >= maxRequests;
  return recorder.result({
    label: options.label ?? 'run',
    mode: 'closed',
    concurrency,
    durationMs: cutShort ? now() - measureStart : durationMs,
    dropped: 0,
  });
}

/**
 * Starts calls on a fixed schedule whatever the server does. Latency runs from the
 * *scheduled* start, so a stalled server (or a stalled generator) is charged for the
 * calls it delayed instead of quietly receiving fewer of them: coordinated omission.
 * Exactly `round(durationMs * ratePerSec / 1000)` calls are scheduled in the window;
 * each is either made (and counted in `requests`) or `dropped`.
 */
export async function openLoop(options: OpenLoopOptions): Promise<RunResult> {
  const { call, ratePerSec, durationMs, warmupMs = 0, maxInFlight } = options;
  positive('ratePerSec', ratePerSec);
  nonNegative('durationMs', durationMs);
  nonNegative('warmupMs', warmupMs);
  positiveInteger('maxInFlight', maxInFlight);

  const recorder = new Recorder(options.classifyError ?? classifyError);
  const intervalMs = 1000 / ratePerSec;
  const warmupSlots = Math.round((warmupMs * ratePerSec) / 1000);
  const totalSlots = warmupSlots + Math.round((durationMs * ratePerSec) / 1000);
  const t0 = now();
  let next = 0;
  let inFlight = 0;
  let dropped = 0;

  const issue = async (scheduled: number, measured: boolean) => {
    try {
      await call();
      if (measured) recorder.success(now() - scheduled);
    } catch (err) {
      if (measured) recorder.failure(err);
    }
  };

  await new Promise<void>((resolve) => {
    const settled = () => {
      inFlight -= 1;
      if (next >= totalSlots && inFlight === 0) resolve();
    };
    const tick = () => {
      const t = now();
      // Catch up on every slot that is due: timers fire late, and at high rates
      // several slots fall within one timer's resolution.
      while (next < totalSlots && t0 + next * intervalMs <= t) {
        const measured = next >= warmupSlots;
        const scheduled = t0 + next * intervalMs;
        next += 1;
        if (inFlight >= maxInFlight) {
          if (measured) dropped += 1;
          continue;
        }
        inFlight += 1;
        void issue(scheduled, measured).finally(settled);
      }
      if (next < totalSlots) setTimeout(tick, t0 + next * intervalMs - now());
      else if (inFlight === 0) resolve();
    };
    tick();
  });

  return recorder.result({
    label: options.label ?? 'run',
    mode: 'open',
    targetRate: ratePerSec,
    durationMs,
    dropped,
  });
}

/** Closed loops at each concurrency in turn, so they do not compete for the server. */
export async function sweep(options: SweepOptions): Promise<RunResult[]> {
  const { concurrencies = DEFAULT_CONCURRENCIES, onResult, ...run } = options;
  if (concurrencies.length === 0) throw new RangeError('concurrencies must not be empty');
  const results: RunResult[] = [];
  for (const concurrency of concurrencies) {
    const result = await closedLoop({ ...run, concurrency });
    onResult?.(result);
    results.push(result);
  }
  return results;
}

function positiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1)
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
}

function positive(name: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0)
    throw new RangeError(`${name} must be a positive number, got ${value}`);
}

function nonNegative(name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0)
    throw new RangeError(`${name} must be zero or more, got ${value}`);
}
