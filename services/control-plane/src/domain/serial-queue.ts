/**
 * Runs tasks one at a time, in the order they were queued. Every write of the
 * control plane goes through one, so two concurrent changes to a model cannot both
 * read the same generation: the second sees what the first wrote.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    // A failed task must not stop the ones queued after it.
    this.tail = result.catch(() => undefined);
    return result;
  }
}
