import type { Tensor } from '@ballast/tensors';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ModelExecutor } from './executor';
import type { SessionSettings } from './onnx-model';
import type { WorkerInit, WorkerReply, WorkerRequest } from './worker-protocol';

interface Waiting {
  resolve: (outputs: Tensor[]) => void;
  reject: (error: Error) => void;
}

/** Thrown when a model's worker thread dies; the executions it held fail with it. */
export class WorkerExitedError extends Error {
  override readonly name = 'WorkerExitedError';
}

/**
 * A model whose onnxruntime session lives on a worker thread of its own, so its
 * executions never hold the event loop that serves gRPC for every model. Runs are
 * answered in order; the batcher and limiter in front decide how many are sent.
 */
export class WorkerModel implements ModelExecutor {
  readonly execution = 'worker';
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 0;
  private exited: Error | undefined;

  private constructor(
    private readonly worker: Worker,
    readonly inputNames: readonly string[],
    readonly outputNames: readonly string[],
  ) {
    worker.on('message', (reply: WorkerReply) => this.settle(reply));
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', (code) =>
      this.fail(new WorkerExitedError(`the model's worker thread exited (code ${code})`)),
    );
  }

  static create(bytes: Uint8Array, session: SessionSettings): Promise<WorkerModel> {
    // The compiled sibling file: workers run JavaScript, so this needs the built service.
    const worker = new Worker(path.join(__dirname, 'onnx-worker.js'), {
      workerData: { bytes, session } satisfies WorkerInit,
    });
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      worker.once('error', onError);
      worker.once('message', (reply: WorkerReply) => {
        worker.off('error', onError);
        if (reply.kind === 'ready') {
          resolve(new WorkerModel(worker, reply.inputNames, reply.outputNames));
        } else {
          void worker.terminate();
          reject(new Error(reply.kind === 'failed' ? reply.message : 'unexpected worker reply'));
        }
      });
    });
  }

  run(inputs: readonly Tensor[], outputNames?: readonly string[]): Promise<Tensor[]> {
    if (this.exited) return Promise.reject(this.exited);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({
        kind: 'run',
        id,
        inputs: [...inputs],
        outputNames: outputNames ? [...outputNames] : undefined,
      } satisfies WorkerRequest);
    });
  }

  async release(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.postMessage({ kind: 'release' } satisfies WorkerRequest);
    await gone;
  }

  private settle(reply: WorkerReply): void {
    if (reply.kind !== 'result' && reply.kind !== 'error') return;
    const waiting = this.waiting.get(reply.id);
    this.waiting.delete(reply.id);
    if (reply.kind === 'result') waiting?.resolve(reply.outputs);
    else waiting?.reject(new Error(reply.message));
  }

  private fail(error: Error): void {
    this.exited ??= error;
    for (const waiting of this.waiting.values()) waiting.reject(error);
    this.waiting.clear();
  }
}
