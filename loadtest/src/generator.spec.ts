import { closedLoop, openLoop, sweep } from './generator';

interface FakeOptions {
  /** Every nth call (1-based) rejects with `{ code: 8 }`, gRPC RESOURCE_EXHAUSTED. */
  failEvery?: number;
  /** Calls settle when this resolves instead of on the next turn of the event loop. */
  hold?: Promise<void>;
}

/** A stand-in for a gRPC call that counts what the generator does to it. */
function fakeCall({ failEvery, hold }: FakeOptions = {}) {
  const seen = { calls: 0, inFlight: 0, peakInFlight: 0 };
  const call = async () => {
    seen.calls += 1;
    const n = seen.calls;
    seen.inFlight += 1;
    seen.peakInFlight = Math.max(seen.peakInFlight, seen.inFlight);
    try {
      await (hold ?? new Promise((resolve) => setImmediate(resolve)));
      if (failEvery !== undefined && n % failEvery === 0) throw { code: 8 };
    } finally {
      seen.inFlight -= 1;
    }
  };
  return { call, seen };
}

const totalErrors = (errors: Record<string, number>) =>
  Object.values(errors).reduce((sum, count) => sum + count, 0);

describe('closedLoop', () => {
  it('makes maxRequests calls and classifies the failures', async () => {
    const { call, seen } = fakeCall({ failEvery: 10 });
    const result = await closedLoop({
      call,
      concurrency: 4,
      durationMs: 60_000,
      warmupMs: 0,
      maxRequests: 100,
    });
    expect(seen.calls).toBe(100);
    expect(result.requests).toBe(100);
    expect(result.errors).toEqual({ RESOURCE_EXHAUSTED: 10 });
    expect(result).toMatchObject({ mode: 'closed', concurrency: 4, dropped: 0, label: 'run' });
    expect(result).not.toHaveProperty('targetRate');
  });

  it('never has more than `concurrency` calls in flight, and uses them all', async () => {
    const { call, seen } = fakeCall();
    await closedLoop({ call, concurrency: 3, durationMs: 60_000, maxRequests: 30 });
    expect(seen.peakInFlight).toBe(3);
    expect(seen.inFlight).toBe(0);
  });

  it('makes calls during the warm-up but does not record them', async () => {
    const { call, seen } = fakeCall({ failEvery: 1 });
    const result = await closedLoop({
      call,
      concurrency: 2,
      durationMs: 60_000,
      warmupMs: 20,
      maxRequests: 10,
    });
    expect(result.requests).toBe(10);
    expect(totalErrors(result.errors)).toBe(10);
    expect(seen.calls).toBeGreaterThan(10);
  });

  it('counts a call that throws synchronously as an error, by name', async () => {
    const call = () => {
      throw new TypeError('bad request');
    };
    const result = await closedLoop({ call, concurrency: 1, durationMs: 60_000, maxRequests: 5 });
    expect(result.errors).toEqual({ TypeError: 5 });
    expect(result.latencyMs).toEqual({ p50: 0, p95: 0, p99: 0, p999: 0, max: 0, mean: 0 });
    expect(result.throughputPerSec).toBe(0);
  });

  it('uses a custom error classifier', async () => {
    const { call } = fakeCall({ failEvery: 2 });
    const result = await closedLoop({
      call,
      concurrency: 1,
      durationMs: 60_000,
      maxRequests: 6,
      classifyError: () => 'overloaded',
    });
    expect(result.errors).toEqual({ overloaded: 3 });
  });

  it('reports latency of the successful calls', async () => {
    const { call } = fakeCall();
    const { latencyMs } = await closedLoop({
      call,
      concurrency: 2,
      durationMs: 60_000,
      maxRequests: 50,
    });
    expect(latencyMs.max).toBeGreaterThan(0);
    expect(latencyMs.p50).toBeLessThanOrEqual(latencyMs.p99);
    expect(latencyMs.p99).toBeLessThanOrEqual(latencyMs.max);
  });

  it('rejects options that cannot make a run', async () => {
    const { call } = fakeCall();
    await expect(closedLoop({ call, concurrency: 0, durationMs: 10 })).rejects.toThrow(
      /concurrency/,
    );
    await expect(closedLoop({ call, concurrency: 1, durationMs: -1 })).rejects.toThrow(
      /durationMs/,
    );
  });
});

describe('openLoop', () => {
  it('schedules rate × duration calls in the window, plus the warm-up ones', async () => {
    const { call, seen } = fakeCall({ failEvery: 4 });
    const result = await openLoop({
      call,
      ratePerSec: 2_000,
      durationMs: 100,
      warmupMs: 50,
      maxInFlight: 10_000,
    });
    expect(result.dropped).toBe(0);
    expect(result.requests).toBe(200);
    expect(seen.calls).toBe(300);
    // Calls 4, 8, ... 300 fail; the first 100 (25 failures) were the warm-up.
    expect(result.errors).toEqual({ RESOURCE_EXHAUSTED: 50 });
    expect(result).toMatchObject({ mode: 'open', targetRate: 2_000, durationMs: 100 });
    expect(result).not.toHaveProperty('concurrency');
  });

  it('drops scheduled calls at maxInFlight instead of queueing them', async () => {
    let release = () => {};
    const hold = new Promise<void>((resolve) => (release = resolve));
    // Long after the 50 ms schedule has been worked through, however late timers fire.
    const timer = setTimeout(release, 300);
    const { call, seen } = fakeCall({ hold });
    const result = await openLoop({ call, ratePerSec: 1_000, durationMs: 50, maxInFlight: 5 });
    clearTimeout(timer);
    expect(seen.peakInFlight).toBe(5);
    expect(seen.calls).toBe(5);
    expect(result.requests).toBe(5);
    expect(result.dropped).toBe(45);
  });

  it('rejects a rate that is not positive', async () => {
    const { call } = fakeCall();
    await expect(openLoop({ call, ratePerSec: 0, durationMs: 10, maxInFlight: 1 })).rejects.toThrow(
      /ratePerSec/,
    );
  });
});

describe('sweep', () => {
  it('runs one closed loop per concurrency, in order', async () => {
    const { call } = fakeCall();
    const seen: number[] = [];
    const results = await sweep({
      label: 'fake',
      call,
      concurrencies: [1, 2, 3],
      durationMs: 60_000,
      warmupMs: 0,
      maxRequests: 10,
      onResult: (result) => seen.push(result.concurrency ?? -1),
    });
    expect(results.map((r) => [r.label, r.concurrency, r.requests])).toEqual([
      ['fake', 1, 10],
      ['fake', 2, 10],
      ['fake', 3, 10],
    ]);
    expect(seen).toEqual([1, 2, 3]);
  });
});
