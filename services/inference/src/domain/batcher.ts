import { elementCount, type Tensor, type TensorData } from '@ballast/tensors';

export interface BatcherOptions {
  /** Most rows (first dimension) in one execution. */
  maxBatchSize: number;
  /** Longest a request waits for company while an execution is already running. */
  maxQueueDelayMs: number;
  /** Executions of this model at once. */
  maxInFlight: number;
}

/** What one execution ran: its rows, and how long each of its requests waited for it. */
export interface BatchRun {
  rows: number;
  waitsMs: number[];
}

interface Pending {
  inputs: Tensor[];
  rows: number;
  enqueuedAt: number;
  resolve: (outputs: Tensor[]) => void;
  reject: (error: unknown) => void;
}

/**
 * Dynamic batching for a model whose first dimension is the batch. An idle model
 * runs a request at once (no added latency at low load); while executions are
 * running, requests gather, up to `maxBatchSize` rows or `maxQueueDelayMs`, and run
 * as one execution whose outputs are split back by rows.
 */
export class DynamicBatcher {
  private readonly queue: Pending[] = [];
  private queuedRows = 0;
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly run: (inputs: Tensor[]) => Promise<Tensor[]>,
    private readonly options: BatcherOptions,
    private readonly onRun?: (run: BatchRun) => void,
  ) {}

  /** Queues one request; `arrivedAt` (performance.now() time) counts waiting before the batcher too. */
  submit(inputs: Tensor[], arrivedAt = performance.now()): Promise<Tensor[]> {
    const rows = inputs[0]?.shape[0] ?? 0;
    return new Promise((resolve, reject) => {
      this.queue.push({ inputs, rows, enqueuedAt: arrivedAt, resolve, reject });
      this.queuedRows += rows;
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.queue.length === 0 || this.inFlight >= this.options.maxInFlight) return;
    if (this.inFlight === 0 || this.queuedRows >= this.options.maxBatchSize) {
      this.flush();
      return;
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      if (this.inFlight < this.options.maxInFlight) this.flush();
    }, this.options.maxQueueDelayMs);
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch: Pending[] = [];
    let rows = 0;
    // Take requests in order while they fit; a request bigger than a batch runs alone.
    while (
      this.queue.length > 0 &&
      (batch.length === 0 || rows + this.queue[0]!.rows <= this.options.maxBatchSize)
    ) {
      const next = this.queue.shift()!;
      batch.push(next);
      rows += next.rows;
    }
    this.queuedRows -= rows;
    this.inFlight += 1;
    const now = performance.now();
    this.onRun?.({ rows, waitsMs: batch.map((p) => now - p.enqueuedAt) });
    const inputs = batch.length === 1 ? batch[0]!.inputs : concatRows(batch.map((p) => p.inputs));
    this.run(inputs)
      .then(
        (outputs) => {
          if (batch.length === 1) batch[0]!.resolve(outputs);
          else
            splitRows(
              outputs,
              batch.map((p) => p.rows),
            ).forEach((o, i) => batch[i]!.resolve(o));
        },
        (error: unknown) => batch.forEach((p) => p.reject(error)),
      )
      .finally(() => {
        this.inFlight -= 1;
        this.schedule();
      });
  }
}

/** Joins each input of several requests along the first dimension. */
export function concatRows(requests: Tensor[][]): Tensor[] {
  const first = requests[0]!;
  return first.map((tensor, i) => {
    const parts = requests.map((r) => r[i]!);
    const rows = parts.reduce((n, t) => n + (t.shape[0] ?? 0), 0);
    return {
      ...tensor,
      shape: [rows, ...tensor.shape.slice(1)],
      data: concatData(parts.map((t) => t.data)),
    };
  });
}

/** Splits each output back into per-request tensors of the given row counts. */
export function splitRows(outputs: Tensor[], rows: number[]): Tensor[][] {
  const perRequest: Tensor[][] = rows.map(() => []);
  for (const output of outputs) {
    const rowSize = elementCount(output.shape.slice(1));
    let offset = 0;
    rows.forEach((n, i) => {
      perRequest[i]!.push({
        ...output,
        shape: [n, ...output.shape.slice(1)],
        data: output.data.slice(offset * rowSize, (offset + n) * rowSize) as TensorData,
      });
      offset += n;
    });
  }
  return perRequest;
}

function concatData(parts: TensorData[]): TensorData {
  if (Array.isArray(parts[0])) return (parts as Uint8Array[][]).flat();
  const typed = parts as Exclude<TensorData, Uint8Array[]>[];
  const length = typed.reduce((n, p) => n + p.length, 0);
  const out = new (typed[0]!.constructor as new (n: number) => (typeof typed)[0])(length);
  let offset = 0;
  for (const part of typed) {
    (out as unknown as { set(a: ArrayLike<unknown>, o: number): void }).set(part, offset);
    offset += part.length;
  }
  return out;
}
