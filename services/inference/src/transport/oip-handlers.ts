import type { GRPCInferenceService, ModelRepositoryParameter } from '@ballast/contracts';
import type { UnaryImplementation } from '@ballast/grpc';
import { status } from '@grpc/grpc-js';
import { trace } from '@opentelemetry/api';
import type { Inference } from '../domain/inference';
import type { ModelRepository } from '../domain/model-repository';
import type { InferenceMetrics } from '../metrics';
import { toGrpcStatus } from './status';

/** Reads an optional string parameter of a repository call (Triton passes options this way). */
function stringParameter(
  parameters: Record<string, ModelRepositoryParameter>,
  key: string,
): string | undefined {
  const choice = parameters[key]?.parameterChoice;
  return choice?.case === 'stringParam' ? choice.value : undefined;
}

function boolParameter(parameters: Record<string, ModelRepositoryParameter>, key: string): boolean {
  const choice = parameters[key]?.parameterChoice;
  return choice?.case === 'boolParam' ? choice.value : false;
}

export interface ServerInfo {
  name: string;
  version: string;
  ready: () => boolean;
}

/**
 * The Open Inference Protocol over gRPC: thin adapters from the protocol's messages
 * to the repository and the inference use case.
 */
export function oipHandlers({
  repository,
  inference,
  metrics,
  server,
}: {
  repository: ModelRepository;
  inference: Inference;
  metrics: InferenceMetrics;
  server: ServerInfo;
}): UnaryImplementation<(typeof GRPCInferenceService)['method']> {
  return {
    serverLive: async () => ({ live: true }),
    serverReady: async () => ({ ready: server.ready() }),
    modelReady: async (request) => {
      const versions = repository.versionsOf(request.name);
      return {
        ready: request.version === '' ? versions.length > 0 : versions.includes(request.version),
      };
    },
    serverMetadata: async () => ({
      name: server.name,
      version: server.version,
      extensions: ['model_repository'],
    }),
    modelMetadata: async (request) => {
      const { manifest } = repository.resolve(request.name, request.version);
      return {
        name: manifest.name,
        versions: repository.versionsOf(manifest.name),
        platform: 'onnxruntime_onnx',
        inputs: manifest.inputs.map((t) => ({
          name: t.name,
          datatype: t.datatype,
          shape: t.shape.map(BigInt),
        })),
        outputs: manifest.outputs.map((t) => ({
          name: t.name,
          datatype: t.datatype,
          shape: t.shape.map(BigInt),
        })),
        properties: {
          task: manifest.task,
          features: manifest.features.map((f) => f.name).join(','),
        },
      };
    },
    modelInfer: async (request) => {
      const started = performance.now();
      const record = (version: string, code: string) => {
        const labels = { model: request.modelName, version };
        metrics.requests.inc({ ...labels, code });
        metrics.latency.observe(labels, (performance.now() - started) / 1000);
        trace.getActiveSpan()?.setAttributes({
          'ballast.model': request.modelName,
          'ballast.model_version': version,
        });
      };
      try {
        const response = await inference.infer(request);
        record(response.modelVersion ?? request.modelVersion, 'OK');
        return response;
      } catch (error) {
        record(request.modelVersion, status[toGrpcStatus(error)?.code ?? status.INTERNAL]);
        throw error;
      }
    },
    // Only ready versions are resident, so `ready` filters nothing.
    repositoryIndex: async () => ({
      models: repository.index().map((m) => ({
        name: m.name,
        version: m.version,
        state: m.state,
        reason: m.current ? 'current' : '',
      })),
    }),
    repositoryModelLoad: async (request) => {
      await repository.load(request.modelName, stringParameter(request.parameters, 'version'), {
        keepPrevious: boolParameter(request.parameters, 'keep_previous'),
      });
      return {};
    },
    repositoryModelUnload: async (request) => {
      await repository.unload(request.modelName, stringParameter(request.parameters, 'version'));
      return {};
    },
  };
}
