/**
 * Where decoded events go: prediction rows and outcome rows, as JSONEachRow lines,
 * each into their own BatchWriter. `store` resolves once the rows are accepted (there
 * was room), with a `durable` promise that resolves once every one of them is in
 * ClickHouse.
 */
import { TABLES } from '@ballast/clickhouse';
import { BatchWriter, type BatchWriterOptions, type Written } from './batch-writer';

/** One event's row: the table it goes to and its JSONEachRow line (row-json.ts). */
export interface EventRow {
  table: typeof TABLES.predictionEvents | typeof TABLES.outcomeEvents;
  line: string;
}

export interface EventSinkOptions {
  /** Inserts JSONEachRow lines into the table. */
  insert: (table: EventRow['table'], lines: string[]) => Promise<void>;
  batch: Omit<BatchWriterOptions<unknown>, 'insert' | 'sizeOf' | 'onRetry'>;
  onRetry?: (table: EventRow['table'], error: unknown, attempt: number) => void;
}

export class EventSink {
  private readonly predictions: BatchWriter<string>;
  private readonly outcomes: BatchWriter<string>;

  constructor(options: EventSinkOptions) {
    const writer = (table: EventRow['table']) =>
      new BatchWriter<string>({
        ...options.batch,
        insert: (lines) => options.insert(table, lines),
        sizeOf: (line) => line.length,
        onRetry: (error, attempt) => options.onRetry?.(table, error, attempt),
      });
    this.predictions = writer(TABLES.predictionEvents);
    this.outcomes = writer(TABLES.outcomeEvents);
  }

  async store(events: readonly EventRow[]): Promise<Written> {
    const predictions: string[] = [];
    const outcomes: string[] = [];
    for (const event of events)
      (event.table === TABLES.predictionEvents ? predictions : outcomes).push(event.line);
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
