/**
 * Worker-thread entry of WorkerModel: opens one onnxruntime session from the bytes
 * in workerData and answers run requests in arrival order. Runs are synchronous
 * native code, so this thread is busy for each one while the main thread is not.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { OnnxModel } from './onnx-model';
import type { WorkerInit, WorkerReply, WorkerRequest } from './worker-protocol';

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('onnx-worker must run in a worker thread');
  const { bytes, session } = workerData as WorkerInit;
  let model: OnnxModel;
  try {
    model = await OnnxModel.create(bytes, session);
  } catch (error) {
    port.postMessage({ kind: 'failed', message: (error as Error).message } satisfies WorkerReply);
    return;
  }
  port.postMessage({
    kind: 'ready',
    inputNames: [...model.inputNames],
    outputNames: [...model.outputNames],
  } satisfies WorkerReply);
  port.on('message', (request: WorkerRequest) => {
    if (request.kind === 'release') {
      void model.release().finally(() => port.close());
      return;
    }
    model.run(request.inputs, request.outputNames).then(
      (outputs) =>
        port.postMessage({ kind: 'result', id: request.id, outputs } satisfies WorkerReply),
      (error: unknown) =>
        port.postMessage({
          kind: 'error',
          id: request.id,
          message: (error as Error).message,
        } satisfies WorkerReply),
    );
  });
}

void main();
