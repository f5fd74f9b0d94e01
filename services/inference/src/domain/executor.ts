import {
  isDatatype,
  type Datatype,
  type Tensor,
  type TensorData,
  type TensorSpec,
} from '@ballast/tensors';
import { OnnxModel, type SessionSettings } from './onnx-model';
import { WorkerModel } from './worker-model';

/**
 * Where a model's executions run. onnxruntime-node's `session.run` is synchronous
 * native code behind a `setImmediate` (measured by loadtest/src/bench/event-loop.ts:
 * a 300,000-row run held the event loop for its whole 86 ms), so `inline` execution
 * stalls every other model and every gRPC call in the process while it runs.
 * `worker` runs the session on a worker thread of its own: the event loop stays
 * free and models are isolated, for about 0.1 ms more per execution (a message each
 * way). `auto` times a warm-up execution of a full batch at load and keeps the model
 * inline only when that is shorter than `inlineMaxMs`: then the stall is shorter than
 * the worker's own cost.
 */
export type Execution = 'inline' | 'worker' | 'auto';

/** A loaded model that runs tensors, wherever it runs them. */
export interface ModelExecutor {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** inline or worker: where this model's executions actually run. */
  readonly execution: Exclude<Execution, 'auto'>;
  /** Runs the model; returns the named outputs (all when none are named), in the order asked. */
  run(inputs: readonly Tensor[], outputNames?: readonly string[]): Promise<Tensor[]>;
  release(): Promise<void>;
}

export interface ExecutorSettings {
  execution: Execution;
  /** `auto`: longest warm-up execution that stays inline. */
  inlineMaxMs: number;
  /** Rows in the warm-up execution (the largest batch the model will run). */
  warmupRows: number;
  session: SessionSettings;
}

/** Opens a model where its settings say it runs; `inputs` shape the warm-up for `auto`. */
export async function openModel(
  bytes: Uint8Array,
  settings: ExecutorSettings,
  inputs: readonly TensorSpec[],
): Promise<ModelExecutor> {
  if (settings.execution === 'worker') return WorkerModel.create(bytes, settings.session);
  const inline = await OnnxModel.create(bytes, settings.session);
  if (settings.execution === 'inline') return inline;
  const warmup = warmupInputs(inputs, settings.warmupRows);
  // A model we cannot feed a synthetic batch (text inputs, free inner dimensions) is
  // of unknown cost: isolate it.
  const runMs = warmup
    ? await slowestOf(3, () => inline.run(warmup)).catch(() => undefined)
    : undefined;
  if (runMs !== undefined && runMs <= settings.inlineMaxMs) return inline;
  await inline.release();
  return WorkerModel.create(bytes, settings.session);
}

async function slowestOf(times: number, run: () => Promise<unknown>): Promise<number> {
  await run(); // the first execution allocates and is not representative
  let slowest = 0;
  for (let i = 0; i < times; i += 1) {
    const start = performance.now();
    await run();
    slowest = Math.max(slowest, performance.now() - start);
  }
  return slowest;
}

const ZEROS: Record<Exclude<Datatype, 'BYTES'>, (n: number) => TensorData> = {
  FP32: (n) => new Float32Array(n),
  FP64: (n) => new Float64Array(n),
  INT32: (n) => new Int32Array(n),
  INT64: (n) => new BigInt64Array(n),
  BOOL: (n) => new Uint8Array(n),
};

/** Zero tensors of `rows` rows, or undefined when the inputs cannot be synthesised. */
function warmupInputs(specs: readonly TensorSpec[], rows: number): Tensor[] | undefined {
  const tensors: Tensor[] = [];
  for (const spec of specs) {
    const shape = spec.shape.map((d, i) => (i === 0 && d === -1 ? rows : d));
    const { datatype } = spec;
    if (!isDatatype(datatype) || datatype === 'BYTES' || shape.some((d) => d < 0)) return undefined;
    const count = shape.reduce((n, d) => n * d, 1);
    tensors.push({
      name: spec.name,
      datatype,
      shape,
      data: ZEROS[datatype](count),
    });
  }
  return tensors;
}
