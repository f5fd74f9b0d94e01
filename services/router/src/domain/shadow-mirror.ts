/**
 * Runs mirrored (shadow) requests off the caller's path with a bound on how many run
 * at once: past it a mirror is dropped, never queued, so a slow or failing shadow
 * version costs the callers nothing but the dropped mirrors.
 */
export interface ShadowMirrorObserver {
  mirrored(outcome: 'ok' | 'failed' | 'dropped'): void;
}

export class ShadowMirror {
  private inFlight = 0;
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly options: {
      maxInFlight: number;
      observer?: ShadowMirrorObserver;
      onError: (error: unknown) => void;
    },
  ) {}

  /** Starts `work` unless `maxInFlight` mirrors are running; never throws, never waits. */
  mirror(work: () => Promise<void>): boolean {
    if (this.inFlight >= this.options.maxInFlight) {
      this.options.observer?.mirrored('dropped');
      return false;
    }
    this.inFlight++;
    const run = Promise.resolve()
      .then(work)
      .then(
        () => this.options.observer?.mirrored('ok'),
        (error: unknown) => {
          this.options.observer?.mirrored('failed');
          this.options.onError(error);
        },
      )
      .finally(() => {
        this.inFlight--;
        this.running.delete(run);
      });
    this.running.add(run);
    return true;
  }

  /** Waits for the mirrors running now (shutdown). */
  async drain(): Promise<void> {
    await Promise.all([...this.running]);
  }
}
