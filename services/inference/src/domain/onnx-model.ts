import type { Datatype, Tensor } from '@ballast/tensors';
import * as ort from 'onnxruntime-node';
import type { ModelExecutor } from './executor';

/** onnxruntime session options a model can set in its deployment. */
export interface SessionSettings {
  intraOpThreads?: number;
  interOpThreads?: number;
  graphOptimization?: 'disabled' | 'basic' | 'extended' | 'all';
}

const TO_ORT: Record<Datatype, ort.Tensor.Type> = {
  FP32: 'float32',
  FP64: 'float64',
  INT32: 'int32',
  INT64: 'int64',
  BOOL: 'bool',
  BYTES: 'string',
};

const FROM_ORT: Partial<Record<ort.Tensor.Type, Datatype>> = Object.fromEntries(
  Object.entries(TO_ORT).map(([datatype, type]) => [type, datatype as Datatype]),
);

const utf8 = { encoder: new TextEncoder(), decoder: new TextDecoder() };

/** One ONNX model in onnxruntime: typed tensors in, typed tensors out. */
export class OnnxModel implements ModelExecutor {
  readonly execution = 'inline';
  private constructor(private readonly session: ort.InferenceSession) {}

  static async create(bytes: Uint8Array, settings: SessionSettings = {}): Promise<OnnxModel> {
    const session = await ort.InferenceSession.create(bytes, {
      intraOpNumThreads: settings.intraOpThreads ?? 1,
      interOpNumThreads: settings.interOpThreads ?? 1,
      graphOptimizationLevel: settings.graphOptimization ?? 'all',
    });
    return new OnnxModel(session);
  }

  get inputNames(): readonly string[] {
    return this.session.inputNames;
  }

  get outputNames(): readonly string[] {
    return this.session.outputNames;
  }

  /** Runs the model; returns the requested outputs (all when none are named), in the order asked. */
  async run(
    inputs: readonly Tensor[],
    outputNames: readonly string[] = this.session.outputNames,
  ): Promise<Tensor[]> {
    const feeds: Record<string, ort.Tensor> = {};
    for (const input of inputs) {
      const data =
        input.datatype === 'BYTES'
          ? (input.data as Uint8Array[]).map((b) => utf8.decoder.decode(b))
          : input.data;
      feeds[input.name] = new ort.Tensor(TO_ORT[input.datatype], data as ort.Tensor.DataType, [
        ...input.shape,
      ]);
    }
    const results = await this.session.run(feeds, [...outputNames]);
    return outputNames.map((name) => {
      const value = results[name]!;
      const datatype = FROM_ORT[value.type];
      if (!datatype)
        throw new Error(`output "${name}" has type ${value.type}, which the protocol cannot carry`);
      const data =
        datatype === 'BYTES'
          ? (value.data as string[]).map((s) => utf8.encoder.encode(s))
          : value.data;
      return { name, datatype, shape: value.dims.map(Number), data: data as Tensor['data'] };
    });
  }

  release(): Promise<void> {
    return this.session.release();
  }
}
