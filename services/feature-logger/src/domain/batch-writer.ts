/**
 * Gathers rows from many Kafka batches into few, large ClickHouse inserts, and keeps
 * retrying an insert that fails until it succeeds or the writer stops: rows are
 * never dropped, and while inserts fail the buffer fills, `write` stops accepting,
 * and the consumer stops consuming (backpressure with bounded memory).
 */

export interface BatchWriterOptions<R> {
  /** Writes the rows; a rejection is retried with backoff. */
  insert: (rows: R[]) => Promise<void>;
  /** Insert as soon as this many rows are waiting... */
  maxRows: number;
  /** ...or this many bytes (as measured by `sizeOf`)... */
  maxBytes: number;
  /** ...or when the oldest waiting row has waited this long. */
  maxDelayMs: number;
  /** Inserts running at once. */
  maxInFlight: number;
  /** Rows held (waiting and being inserted) before `write` waits for room. */
  maxBufferedRows: number;
  sizeOf: (row: R) => number;
  retryBackoffMs?: { min: number; max: number };
  /** Told of each failed attempt, before the retry. */
  onRetry?: (error: unknown, attempt: number) => void;
}

/** The writer stopped before the rows were inserted. */
export class WriterStoppedError extends Error {
  override readonly name = 'WriterStoppedError';
}

interface Batch<R> {
  rows: R[];
  bytes: number;
  settle: { resolve: () => void; reject: (error: unknown) => void }[];
}

export interface Written {
  /** Resolves once the rows are in ClickHouse; rejects only if the writer stopped first. */
  durable: Promise<void>;
}

export class BatchWriter<R> {
  private pending: Batch<R> = { rows: [], bytes: 0, settle: [] };
  private readonly ready: Batch<R>[] = [];
  private inFlight = 0;
  private buffered = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly roomWaiters: (() => void)[] = [];
  private stopped = false;
  private readonly sleeps = new Set<() => void>();

  constructor(private readonly options: BatchWriterOptions<R>) {}

  /** Resolves when the rows are accepted (there was room); `durable` when they are stored. */
  async write(rows: readonly R[]): Promise<Written> {
    while (this.buffered >= this.options.maxBufferedRows && !this.stopped)
      await new Promise<void>((resolve) => this.roomWaiters.push(resolve));
    if (this.stopped) throw new WriterStoppedError('the writer is stopping');
    const durable = new Promise<void>((resolve, reject) =>
      this.pending.settle.push({ resolve, reject }),
    );
    for (const row of rows) {
      this.pending.rows.push(row);
      this.pending.bytes += this.options.sizeOf(row);
    }
    this.buffered += rows.length;
    if (
      this.pending.rows.length >= this.options.maxRows ||
      this.pending.bytes >= this.options.maxBytes
    )
      this.seal();
    else this.timer ??= setTimeout(() => this.seal(), this.options.maxDelayMs);
    return { durable };
  }

  /** Inserts what is waiting now, and resolves when every insert has settled. */
  async flush(): Promise<void> {
    this.seal();
    while (this.inFlight > 0 || this.ready.length > 0)
      await new Promise((resolve) => setTimeout(resolve, 10));
  }

  /** Stops retrying: rows not yet stored fail (their offsets stay uncommitted). */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    for (const wake of this.sleeps) wake();
    for (const wake of this.roomWaiters.splice(0)) wake();
    const failed = new WriterStoppedError('the writer stopped before these rows were stored');
    for (const batch of [...this.ready.splice(0), this.pending])
      batch.settle.forEach((s) => s.reject(failed));
    this.pending = { rows: [], bytes: 0, settle: [] };
  }

  private seal(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.rows.length === 0 && this.pending.settle.length === 0) return;
    this.ready.push(this.pending);
    this.pending = { rows: [], bytes: 0, settle: [] };
    this.drain();
  }

  private drain(): void {
    while (this.inFlight < this.options.maxInFlight && this.ready.length > 0) {
      const batch = this.ready.shift()!;
      this.inFlight += 1;
      void this.insertUntilStored(batch).finally(() => {
        this.inFlight -= 1;
        this.buffered -= batch.rows.length;
        for (const wake of this.roomWaiters.splice(0)) wake();
        this.drain();
      });
    }
  }

  private async insertUntilStored(batch: Batch<R>): Promise<void> {
    const { min, max } = this.options.retryBackoffMs ?? { min: 250, max: 5_000 };
    for (let attempt = 1, backoff = min; ; attempt += 1, backoff = Math.min(backoff * 2, max)) {
      if (this.stopped) {
        batch.settle.forEach((s) => s.reject(new WriterStoppedError('the writer stopped')));
        return;
      }
      try {
        if (batch.rows.length > 0) await this.options.insert(batch.rows);
        batch.settle.forEach((s) => s.resolve());
        return;
      } catch (error) {
        this.options.onRetry?.(error, attempt);
        await this.sleep(backoff);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleeps.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleeps.add(wake);
    });
  }
}
