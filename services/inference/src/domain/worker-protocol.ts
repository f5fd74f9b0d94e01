/** Messages between WorkerModel (main thread) and onnx-worker (its thread). */
import type { Tensor } from '@ballast/tensors';
import type { SessionSettings } from './onnx-model';

export interface WorkerInit {
  bytes: Uint8Array;
  session: SessionSettings;
}

export type WorkerRequest =
  | { kind: 'run'; id: number; inputs: Tensor[]; outputNames: string[] | undefined }
  | { kind: 'release' };

export type WorkerReply =
  | { kind: 'ready'; inputNames: string[]; outputNames: string[] }
  | { kind: 'failed'; message: string }
  | { kind: 'result'; id: number; outputs: Tensor[] }
  | { kind: 'error'; id: number; message: string };
