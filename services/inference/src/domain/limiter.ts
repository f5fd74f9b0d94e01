import { ModelOverloadedError } from './errors';

export interface LimiterOptions {
  /** Executions allowed at once. */
  maxConcurrent: number;
  /** Requests allowed to wait for a slot; beyond that, fail fast. */
  maxQueue: number;
}

/**
 * Per-model admission: at most `maxConcurrent` executions, at most `maxQueue`
 * waiting. Over the limit, `run` rejects at once with ModelOverloadedError, so an
 * overloaded model sheds load instead of queueing without bound, and other models'
 * limiters are untouched.
 */
export class ConcurrencyLimiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly model: string,
    private readonly options: LimiterOptions,
  ) {}

  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= this.options.maxConcurrent) {
      if (this.waiting.length >= this.options.maxQueue)
        throw new ModelOverloadedError(this.model, this.waiting.length);
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active += 1;
    }
    try {
      return await work();
    } finally {
      // Hand the slot straight to the next waiter, or free it.
      const next = this.waiting.shift();
      if (next) next();
      else this.active -= 1;
    }
  }
}
