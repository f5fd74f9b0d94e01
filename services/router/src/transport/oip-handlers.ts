import type { GRPCInferenceService } from '@ballast/contracts';
import type { UnaryImplementation } from '@ballast/grpc';
import type { DeploymentTable } from '../domain/deployment-table';
import { ModelNotDeployedError, UnsupportedCallError } from '../domain/errors';
import type { InferenceRouter } from '../domain/inference-router';
import type { ReplicaPool } from '../domain/replica-pool';
import { resolveRoute } from '../domain/route';

export interface RouterServerInfo {
  name: string;
  version: string;
  ready: () => boolean;
}

export interface OipHandlersOptions {
  router: InferenceRouter;
  table: Pick<DeploymentTable, 'get'>;
  pool: Pick<ReplicaPool, 'call' | 'health'>;
  server: RouterServerInfo;
  /** Deadline of a forwarded call whose caller set none. */
  defaultDeadlineMs: number;
}

/**
 * The Open Inference Protocol on the router: ModelInfer is routed; the model calls
 * answer for the model's active deployment; the repository calls belong to the
 * replicas and are not offered here.
 */
export function oipHandlers({
  router,
  table,
  pool,
  server,
  defaultDeadlineMs,
}: OipHandlersOptions): UnaryImplementation<(typeof GRPCInferenceService)['method']> {
  const deadlineOf = (deadline: Date | undefined) =>
    deadline ?? new Date(Date.now() + defaultDeadlineMs);
  const unsupported = (method: string) => async () => {
    throw new UnsupportedCallError(method);
  };
  return {
    serverLive: async () => ({ live: true }),
    serverReady: async () => ({ ready: server.ready() }),
    serverMetadata: async () => ({ name: server.name, version: server.version, extensions: [] }),
    modelReady: async (request) => ({
      ready: table.get(request.name) !== undefined && pool.health().some((r) => r.healthy),
    }),
    // The replicas know the tensors; the version is the one requests naming none get.
    modelMetadata: async (request, call) => {
      const deployment = table.get(request.name);
      if (!deployment) throw new ModelNotDeployedError(request.name);
      const version = request.version || resolveRoute(deployment, {}).version;
      return pool.call(
        (replica, deadline) => replica.modelMetadata({ ...request, version }, { deadline }),
        deadlineOf(call.deadline),
      );
    },
    modelInfer: (request, call) => router.infer(request, deadlineOf(call.deadline)),
    repositoryIndex: unsupported('RepositoryIndex'),
    repositoryModelLoad: unsupported('RepositoryModelLoad'),
    repositoryModelUnload: unsupported('RepositoryModelUnload'),
  };
}
