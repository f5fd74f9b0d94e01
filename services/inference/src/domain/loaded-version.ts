import type { ModelManifest } from '@ballast/model-store';
import type { Tensor } from '@ballast/tensors';
import { DynamicBatcher, type BatcherOptions } from './batcher';
import { ConcurrencyLimiter, type LimiterOptions } from './limiter';
import type { Execution, ModelExecutor } from './executor';
import type { SessionSettings } from './onnx-model';

/** How one model is served; defaults come from config, overrides per model. */
export interface ServingSettings {
  limits: LimiterOptions;
  /**
   * Off when undefined, and always off for models without a dynamic first dimension.
   * Batches in flight at once are `limits.maxConcurrent`.
   */
  batching: Omit<BatcherOptions, 'maxInFlight'> | undefined;
  session: SessionSettings;
  /** Where executions run: on the event loop, on a worker thread of the model's own, or chosen at load. */
  execution: Execution;
  /** `auto`: the longest warm-up execution that stays on the event loop. */
  inlineMaxMs: number;
  /** Largest number of elements one input may carry. */
  maxElements: number;
}

/** Told how long requests queued and how many rows each execution ran (for metrics). */
export interface ExecutionObserver {
  queued(model: string, version: string, seconds: number): void;
  executed(model: string, version: string, rows: number): void;
}

/**
 * One resident model version: its session, limits and batcher, and a count of
 * requests in flight so it can drain before it is released.
 */
export class LoadedVersion {
  private inFlight = 0;
  private drained: (() => void) | undefined;
  private readonly limiter: ConcurrencyLimiter;
  private readonly batcher: DynamicBatcher | undefined;
  readonly loadedAt = new Date();

  constructor(
    readonly manifest: ModelManifest,
    private readonly model: ModelExecutor,
    readonly settings: ServingSettings,
    private readonly observer?: ExecutionObserver,
  ) {
    const batchable = manifest.inputs.every((input) => input.shape[0] === -1);
    const batching = batchable ? settings.batching : undefined;
    const { maxConcurrent, maxQueue } = settings.limits;
    this.batcher = batching
      ? new DynamicBatcher(
          (inputs) => this.model.run(inputs),
          { ...batching, maxInFlight: maxConcurrent },
          (run) => {
            observer?.executed(this.name, this.version, run.rows);
            for (const ms of run.waitsMs) observer?.queued(this.name, this.version, ms / 1000);
          },
        )
      : undefined;
    // With batching, a request is admitted into the batcher while its executions
    // have room for it (maxConcurrent batches of maxBatchSize rows); maxQueue more wait.
    this.limiter = new ConcurrencyLimiter(manifest.name, {
      maxConcurrent: batching ? maxConcurrent * batching.maxBatchSize : maxConcurrent,
      maxQueue,
    });
  }

  get name(): string {
    return this.manifest.name;
  }

  get version(): string {
    return this.manifest.version;
  }

  /** Where this version's executions run (what `auto` chose). */
  get execution(): ModelExecutor['execution'] {
    return this.model.execution;
  }

  get batching(): boolean {
    return this.batcher !== undefined;
  }

  /** Runs one request; `outputs` names the outputs wanted (all when empty). */
  async infer(inputs: Tensor[], outputs: readonly string[]): Promise<Tensor[]> {
    // Counted before the first await, so a swap that retires this version waits for us.
    this.inFlight += 1;
    const arrived = performance.now();
    try {
      const results = await this.limiter.run(() => {
        if (this.batcher) return this.batcher.submit(inputs, arrived);
        // Unbatched: the only queue is the limiter's, and each request is its own execution.
        this.observer?.queued(this.name, this.version, (performance.now() - arrived) / 1000);
        this.observer?.executed(this.name, this.version, inputs[0]?.shape[0] ?? 0);
        return this.model.run(inputs, outputs.length > 0 ? outputs : undefined);
      });
      return outputs.length > 0
        ? outputs.map((name) => results.find((t) => t.name === name)!)
        : results;
    } finally {
      this.inFlight -= 1;
      if (this.inFlight === 0) this.drained?.();
    }
  }

  /** Waits for the requests in flight, then frees the session. */
  async retire(): Promise<void> {
    if (this.inFlight > 0) await new Promise<void>((resolve) => (this.drained = resolve));
    await this.model.release();
  }
}
