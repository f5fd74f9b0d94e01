/**
 * Tumbling windows aligned to the Unix epoch: [k·w, (k+1)·w). A window is due once
 * its end plus the monitor's delay has passed, so events that arrive a little late
 * are still counted.
 */

/** Start (ms) of the newest window that is due at `nowMs`. */
export function latestDueWindow(options: {
  readonly windowSeconds: number;
  readonly delaySeconds: number;
  readonly nowMs: number;
}): number {
  const w = options.windowSeconds * 1000;
  const closedBy = options.nowMs - options.delaySeconds * 1000;
  return Math.floor(closedBy / w) * w - w;
}

/**
 * Starts (ms, ascending) of the windows to analyse now: those after `lastDoneMs`
 * (none analysed yet: only the latest due one), at most `maxWindows` of the newest.
 */
export function dueWindows(options: {
  readonly windowSeconds: number;
  readonly delaySeconds: number;
  readonly nowMs: number;
  readonly lastDoneMs?: number;
  readonly maxWindows: number;
}): number[] {
  const w = options.windowSeconds * 1000;
  const latest = latestDueWindow(options);
  const first = options.lastDoneMs === undefined ? latest : options.lastDoneMs + w;
  const starts: number[] = [];
  for (let s = Math.max(first, latest - (options.maxWindows - 1) * w); s <= latest; s += w) {
    starts.push(s);
  }
  return starts;
}
