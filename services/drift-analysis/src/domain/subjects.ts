/**
 * The subjects whose status the hysteresis tracks, from one window's result rows:
 * a feature's drift (decided by the window's drift method), each data-quality check
 * of a feature, each dataset-level result. The same rows come from a fresh analysis
 * or from drift_results, so a restarted service derives the same subjects from what
 * it stored as it did live.
 */
import type { MethodResult } from './feature-analysis';
import type { HysteresisTracker, Observation } from './hysteresis';

/** Methods that measure drift (the rest are data-quality and dataset checks). */
export const DRIFT_METHODS: ReadonlySet<string> = new Set([
  'ks',
  'wasserstein_normed',
  'psi',
  'chi_square',
  'jensen_shannon',
]);

export type SubjectResult = Pick<MethodResult, 'feature' | 'method' | 'status'>;

export interface Subject<R extends SubjectResult> {
  readonly key: string;
  readonly obs: Observation;
  /** The result that decided the observation. */
  readonly result: R;
}

function observation(status: MethodResult['status']): Observation {
  if (status === 'insufficient_data') return 'insufficient_data';
  return status === 'ok' ? 'ok' : 'drift';
}

/**
 * One subject per feature's drift, data-quality check and dataset result, in the
 * order of the rows. A feature's drift is decided by its drift method; PSI, always
 * reported besides, decides only when it is the window's method.
 */
export function windowSubjects<R extends SubjectResult>(results: readonly R[]): Subject<R>[] {
  const deciding = new Map<string, R>();
  for (const r of results) {
    if (r.feature === '' || !DRIFT_METHODS.has(r.method)) continue;
    const current = deciding.get(r.feature);
    if (!current || current.method === 'psi') deciding.set(r.feature, r);
  }
  const out: Subject<R>[] = [];
  for (const r of results) {
    if (r.feature !== '' && DRIFT_METHODS.has(r.method)) {
      if (deciding.get(r.feature) === r) {
        out.push({ key: `drift:${r.feature}`, obs: observation(r.status), result: r });
      }
    } else {
      out.push({ key: `${r.method}:${r.feature}`, obs: observation(r.status), result: r });
    }
  }
  return out;
}

/**
 * Replays stored result rows (any order) into the hysteresis window by window, in
 * time order, as the live runner observed them; `after` sees each window's rows once
 * observed.
 */
export function replayWindows<R extends SubjectResult & { readonly windowStart: Date }>(
  tracker: Pick<HysteresisTracker, 'observe'>,
  rows: readonly R[],
  after: (windowStart: Date, rows: readonly R[]) => void = () => undefined,
): void {
  const windows = new Map<number, R[]>();
  for (const r of rows) {
    const own = windows.get(r.windowStart.getTime()) ?? [];
    own.push(r);
    windows.set(r.windowStart.getTime(), own);
  }
  for (const start of [...windows.keys()].sort((a, b) => a - b)) {
    const own = windows.get(start) as R[];
    for (const s of windowSubjects(own)) tracker.observe(s.key, s.obs);
    after(new Date(start), own);
  }
}
