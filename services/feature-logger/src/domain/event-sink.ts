/**
 * Where decoded events go: prediction rows and outcome rows each into their own
 * BatchWriter. `store` resolves once the rows are accepted (there was room), with a
 * `durable` promise that resolves once every one of them is in ClickHouse.
 */
import { TABLES, type OutcomeEventRow, type PredictionEventRow } from '@ballast/clickhouse';
import { BatchWriter, type BatchWriterOptions, type Written } from './batch-writer';
import { approximateBytes } from './event-rows';

export type EventRow =
  | { table: typeof TABLES.predictionEvents; row: PredictionEventRow }
  | { table: typeof TABLES.outcomeEvents; row: OutcomeEventRow };

export interface EventSinkOptions {
  insertPredictions: (rows: PredictionEventRow[]) => Promise<void>;
  insertOutcomes: (rows: OutcomeEventRow[]) => Promise<void>;
  batch: Omit<BatchWriterOptions<unknown>, 'insert' | 'sizeOf' | 'onRetry'>;
  onRetry?: (table: EventRow['table'], error: unknown, attempt: number) => void;
}

export class EventSink {
  private readonly predictions: BatchWriter<PredictionEventRow>;
  private readonly outcomes: BatchWriter<OutcomeEventRow>;

  constructor(options: EventSinkOptions) {
    this.predictions = new BatchWriter({
      ...options.batch,
      insert: options.insertPredictions,
      sizeOf: approximateBytes,
      onRetry: (error, attempt) => options.onRetry?.(TABLES.predictionEvents, error, attempt),
    });
    this.outcomes = new BatchWriter({
      ...options.batch,
      insert: options.insertOutcomes,
      sizeOf: approximateBytes,
      onRetry: (error, attempt) => options.onRetry?.(TABLES.outcomeEvents, error, attempt),
    });
  }

  async store(events: readonly EventRow[]): Promise<Written> {
    const predictions: PredictionEventRow[] = [];
    const outcomes: OutcomeEventRow[] = [];
    for (const event of events) {
      if (event.table === TABLES.predictionEvents) predictions.push(event.row);
      else outcomes.push(event.row);
    }
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
