import { BatchWriter, WriterStoppedError, type BatchWriterOptions } from './batch-writer';

function writer(options: Partial<BatchWriterOptions<number>> = {}) {
  const inserts: number[][] = [];
  const failures: Error[] = [];
  const batcher = new BatchWriter<number>({
    insert: async (rows) => {
      const failure = failures.shift();
      if (failure) throw failure;
      inserts.push(rows);
    },
    maxRows: 100,
    maxBytes: 1_000_000,
    maxDelayMs: 20,
    maxInFlight: 1,
    maxBufferedRows: 1_000,
    sizeOf: () => 10,
    retryBackoffMs: { min: 5, max: 10 },
    ...options,
  });
  return { batcher, inserts, failures };
}

const durable = async (w: Promise<{ durable: Promise<void> }>) => (await w).durable;

it('gathers concurrent writes into one insert and makes each durable after it', async () => {
  const { batcher, inserts } = writer();
  await Promise.all([1, 2, 3].map((n) => durable(batcher.write([n, n * 10]))));
  expect(inserts).toEqual([[1, 10, 2, 20, 3, 30]]);
});

it('inserts at once when the rows or bytes limit is reached', async () => {
  const rows = writer({ maxRows: 3, maxDelayMs: 60_000 });
  await durable(rows.batcher.write([1, 2, 3]));
  expect(rows.inserts).toEqual([[1, 2, 3]]);
  const bytes = writer({ maxBytes: 20, maxDelayMs: 60_000 });
  await durable(bytes.batcher.write([1, 2]));
  expect(bytes.inserts).toEqual([[1, 2]]);
});

it('retries a failed insert with the same rows until it succeeds, telling each retry', async () => {
  const retries: number[] = [];
  const { batcher, inserts, failures } = writer({
    onRetry: (_e, attempt) => retries.push(attempt),
  });
  failures.push(new Error('ClickHouse is down'), new Error('still down'));
  await durable(batcher.write([1, 2]));
  expect(inserts).toEqual([[1, 2]]);
  expect(retries).toEqual([1, 2]);
});

it('stops accepting rows while the buffer is full, and accepts again once inserts drain', async () => {
  const { batcher, failures } = writer({ maxBufferedRows: 2, maxRows: 2 });
  failures.push(new Error('down'), new Error('down'), new Error('down'));
  const first = await batcher.write([1, 2]);
  let accepted = false;
  const second = batcher.write([3]).then((w) => {
    accepted = true;
    return w.durable;
  });
  await new Promise((resolve) => setTimeout(resolve, 12));
  expect(accepted).toBe(false);
  await first.durable;
  await second;
  expect(accepted).toBe(true);
});

it('fails rows it could not store when stopped, so their offsets stay uncommitted', async () => {
  const { batcher, failures } = writer();
  for (let i = 0; i < 100; i += 1) failures.push(new Error('down'));
  const written = await batcher.write([1]);
  await new Promise((resolve) => setTimeout(resolve, 40));
  batcher.stop();
  await expect(written.durable).rejects.toBeInstanceOf(WriterStoppedError);
  await expect(batcher.write([2])).rejects.toBeInstanceOf(WriterStoppedError);
});

it('flushes what is waiting on demand, without waiting for the timer', async () => {
  const { batcher, inserts } = writer({ maxDelayMs: 60_000 });
  const written = await batcher.write([7]);
  await batcher.flush();
  await written.durable;
  expect(inserts).toEqual([[7]]);
});
