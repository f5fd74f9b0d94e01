/**
 * Where decoded events go: prediction rows and outcome rows, in RowBinary
 * (event-rows.ts), each into their own BatchWriter. `store` resolves once the rows are
 * accepted (there was room), with a `durable` promise that resolves once every one of
 * them is in ClickHouse.
 */
import { TABLES } from '@ballast/clickhouse';
import { BatchWriter, type BatchWriterOptions, type Written } from './batch-writer';
import type { RowBytes } from './row-binary';

/** One event's row: the table it goes to and its RowBinary bytes (event-rows.ts). */
export interface EventRow {
  table: typeof TABLES.predictionEvents | typeof TABLES.outcomeEvents;
  row: RowBytes;
}

export interface EventSinkOptions {
  /** Inserts RowBinary rows into the table. */
  insert: (table: EventRow['table'], rows: RowBytes[]) => Promise<void>;
  batch: Omit<BatchWriterOptions<unknown>, 'insert' | 'sizeOf' | 'onRetry'>;
  onRetry?: (table: EventRow['table'], error: unknown, attempt: number) => void;
}

export class EventSink {
  private readonly predictions: BatchWriter<RowBytes>;
  private readonly outcomes: BatchWriter<RowBytes>;

  constructor(options: EventSinkOptions) {
    const writer = (table: EventRow['table']) =>
      new BatchWriter<RowBytes>({
        ...options.batch,
        insert: (rows) => options.insert(table, rows),
        sizeOf: (row) => row.end - row.start,
        onRetry: (error, attempt) => options.onRetry?.(table, error, attempt),
      });
    this.predictions = writer(TABLES.predictionEvents);
    this.outcomes = writer(TABLES.outcomeEvents);
  }

  async store(events: readonly EventRow[]): Promise<Written> {
    const predictions: RowBytes[] = [];
    const outcomes: RowBytes[] = [];
    for (const event of events)
      (event.table === TABLES.predictionEvents ? predictions : outcomes).push(event.row);
    const written = await Promise.all([
      predictions.length > 0 ? this.predictions.write(predictions) : undefined,
      outcomes.length > 0 ? this.outcomes.write(outcomes) : undefined,
    ]);
    return { durable: Promise.all(written.map((w) => w?.durable)).then(() => undefined) };
  }

  /** Inserts what is waiting now, and waits for every insert to settle (shutdown). */
  async flush(): Promise<void> {
    await Promise.all([this.predictions.flush(), this.outcomes.flush()]);
  }

  /** Gives up on rows not stored yet: their offsets stay uncommitted. */
  stop(): void {
    this.predictions.stop();
    this.outcomes.stop();
  }
}
