import type { Tensor } from '@ballast/tensors';
import { OnnxModel, type SessionSettings } from './onnx-model';
import { WorkerModel } from './worker-model';

/**
 * Where a model's executions run. onnxruntime-node's `session.run` is synchronous
 * native code behind a `setImmediate` (measured: a 200,000-row run held the event
 * loop for its whole 85 ms), so `inline` execution stalls every other model and
 * every gRPC call in the process for as long as it runs. `worker` runs the session on
 * a worker thread of its own: the event loop stays free and models are isolated, at
 * the cost of a message round trip per execution.
 */
export type Execution = 'inline' | 'worker';

/** A loaded model that runs tensors, wherever it runs them. */
export interface ModelExecutor {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Runs the model; returns the named outputs (all when none are named), in the order asked. */
  run(inputs: readonly Tensor[], outputNames?: readonly string[]): Promise<Tensor[]>;
  release(): Promise<void>;
}

export interface ExecutorSettings {
  execution: Execution;
  session: SessionSettings;
}

/** Opens a model where its settings say it runs. */
export function openModel(bytes: Uint8Array, settings: ExecutorSettings): Promise<ModelExecutor> {
  return settings.execution === 'worker'
    ? WorkerModel.create(bytes, settings.session)
    : OnnxModel.create(bytes, settings.session);
}
