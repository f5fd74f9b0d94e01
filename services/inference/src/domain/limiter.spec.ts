import { ModelOverloadedError } from './errors';
import { ConcurrencyLimiter } from './limiter';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

it('runs up to maxConcurrent at once, queues up to maxQueue, and refuses the rest at once', async () => {
  const limiter = new ConcurrencyLimiter('m', { maxConcurrent: 2, maxQueue: 1 });
  const gates = [deferred(), deferred(), deferred()];
  let running = 0;
  let peak = 0;
  const work = (gate: { promise: Promise<void> }) => async () => {
    running += 1;
    peak = Math.max(peak, running);
    await gate.promise;
    running -= 1;
  };
  const accepted = gates.map((gate) => limiter.run(work(gate)));
  await expect(limiter.run(async () => undefined)).rejects.toBeInstanceOf(ModelOverloadedError);
  expect(limiter.queued).toBe(1);
  gates.forEach((g) => g.resolve());
  await Promise.all(accepted);
  expect(peak).toBe(2);
  // Slots are free again.
  await expect(limiter.run(async () => 'again')).resolves.toBe('again');
});

it('frees the slot when the work fails', async () => {
  const limiter = new ConcurrencyLimiter('m', { maxConcurrent: 1, maxQueue: 0 });
  await expect(limiter.run(async () => Promise.reject(new Error('model crashed')))).rejects.toThrow(
    'model crashed',
  );
  await expect(limiter.run(async () => 1)).resolves.toBe(1);
});
