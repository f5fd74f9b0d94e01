import type { MessageInitShape } from '@bufbuild/protobuf';
import type { ModelInferRequest, ModelInferResponseSchema } from '@ballast/contracts';
import { decodeInputs, encodeOutputs } from '@ballast/tensors';
import { InvalidRequestError } from './errors';
import type { ModelRepository } from './model-repository';

export interface InferenceOptions {
  /** Largest request payload (raw tensor bytes) accepted. */
  maxRequestBytes: number;
}

/** The ModelInfer use case: resolve, check, run, answer in the caller's encoding. */
export class Inference {
  constructor(
    private readonly repository: ModelRepository,
    private readonly options: InferenceOptions,
  ) {}

  async infer(
    request: ModelInferRequest,
  ): Promise<MessageInitShape<typeof ModelInferResponseSchema>> {
    const loaded = this.repository.resolve(request.modelName, request.modelVersion);
    const { manifest } = loaded;
    const bytes = request.rawInputContents.reduce((n, b) => n + b.byteLength, 0);
    if (bytes > this.options.maxRequestBytes) {
      throw new InvalidRequestError(
        'raw_input_contents',
        `carries ${bytes} bytes; the limit is ${this.options.maxRequestBytes}`,
      );
    }
    const wanted = request.outputs.map((output, i) => {
      if (!manifest.outputs.some((o) => o.name === output.name)) {
        throw new InvalidRequestError(
          `outputs[${i}].name`,
          `unknown output "${output.name}"; the model has ${manifest.outputs.map((o) => `"${o.name}"`).join(', ')}`,
        );
      }
      return output.name;
    });
    const inputs = decodeInputs(request, manifest.inputs, {
      allowNonFinite: manifest.allowNonFinite,
      maxElements: loaded.settings.maxElements,
    });
    const outputs = await loaded.infer(inputs, wanted);
    return {
      modelName: manifest.name,
      modelVersion: manifest.version,
      id: request.id,
      ...encodeOutputs(outputs, { raw: request.rawInputContents.length > 0 }),
    };
  }
}
