import { dueWindows, latestDueWindow } from './schedule';

const H = 3600_000;

describe('schedule', () => {
  it('a window is due once its end plus the delay has passed', () => {
    const opts = { windowSeconds: 3600, delaySeconds: 60 };
    expect(latestDueWindow({ ...opts, nowMs: 10 * H + 59_000 })).toBe(8 * H);
    expect(latestDueWindow({ ...opts, nowMs: 10 * H + 60_000 })).toBe(9 * H);
  });

  it('catches up after the last analysed window, newest windows first kept', () => {
    const opts = { windowSeconds: 3600, delaySeconds: 0, nowMs: 10 * H };
    expect(dueWindows({ ...opts, maxWindows: 5, lastDoneMs: 6 * H })).toEqual([
      7 * H,
      8 * H,
      9 * H,
    ]);
    expect(dueWindows({ ...opts, maxWindows: 2, lastDoneMs: 2 * H })).toEqual([8 * H, 9 * H]);
    expect(dueWindows({ ...opts, maxWindows: 5 })).toEqual([9 * H]);
    expect(dueWindows({ ...opts, maxWindows: 5, lastDoneMs: 9 * H })).toEqual([]);
  });
});
