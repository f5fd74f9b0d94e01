import type { ControlService, ModelVersionInfoSchema } from '@ballast/contracts';
import type { UnaryImplementation } from '@ballast/grpc';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { Changed, ControlPlane } from '../domain/control-plane';
import type { ChangeContext, VersionRecord } from '../domain/state';
import type { ChangeOutcome, ControlPlaneMetrics } from '../metrics';

type Handlers = UnaryImplementation<(typeof ControlService)['method']>;

function context(given: { actor: string; reason: string } | undefined): ChangeContext {
  return { actor: given?.actor ?? '', reason: given?.reason ?? '' };
}

function versionInfo(
  model: string,
  v: VersionRecord,
): MessageInitShape<typeof ModelVersionInfoSchema> {
  return {
    model,
    version: v.version,
    sha256: v.sha256,
    registeredTime: timestampFromDate(v.registeredTime),
    registeredBy: v.registeredBy,
    features: v.features.map((f) => ({ ...f })),
    hasProfile: v.hasProfile,
  };
}

/**
 * The control API over gRPC: thin adapters from its messages to the ControlPlane's
 * use cases, counting every change request by action and outcome.
 */
export function controlHandlers({
  control,
  metrics,
}: {
  control: ControlPlane;
  metrics: ControlPlaneMetrics;
}): Handlers {
  async function counted<T>(
    action: string,
    change: Promise<T>,
    outcome: (value: T) => ChangeOutcome = () => 'applied',
  ): Promise<T> {
    try {
      const value = await change;
      metrics.changes.inc({ action, outcome: outcome(value) });
      return value;
    } catch (error) {
      metrics.changes.inc({ action, outcome: 'rejected' });
      throw error;
    }
  }
  const changed = <T>({ changed: c }: Changed<T>): ChangeOutcome => (c ? 'applied' : 'unchanged');

  return {
    registerModelVersion: async (request) => {
      const { value } = await counted(
        'register',
        control.register(
          { model: request.model, version: request.version, sourcePath: request.sourcePath },
          context(request.context),
        ),
        changed,
      );
      return { version: versionInfo(value.model, value.version) };
    },
    listModels: async () => ({
      models: control.listModels().map(({ name, versions, generation }) => ({
        name,
        versions,
        deploymentGeneration: generation,
      })),
    }),
    describeModel: async (request) => {
      const { name, versions, deployment } = control.describe(request.model);
      return { name, versions: versions.map((v) => versionInfo(name, v)), deployment };
    },
    deploy: async (request) => ({
      deployment: await counted(
        'deploy',
        control.deploy(request.deployment, request.expectedGeneration, context(request.context)),
      ),
    }),
    promote: async (request) => ({
      deployment: await counted(
        'promote',
        control.promote(
          request.model,
          { version: request.version, variant: request.variant },
          request.expectedGeneration,
          context(request.context),
        ),
      ),
    }),
    setExperimentState: async (request) => {
      const { value } = await counted(
        'set_experiment_state',
        control.setExperimentState(
          request.model,
          request.state,
          request.expectedGeneration,
          context(request.context),
        ),
        changed,
      );
      return { deployment: value };
    },
    rollback: async (request) => ({
      deployment: await counted(
        'rollback',
        control.rollback(request.model, request.expectedGeneration, context(request.context)),
      ),
    }),
    listDeployments: async () => ({ deployments: control.listDeployments() }),
    getDeployment: async (request) => ({ deployment: control.describe(request.model).deployment }),
    history: async (request) => ({
      entries: control.history(request.model, request.limit).map((e) => ({
        time: timestampFromDate(e.time),
        actor: e.actor,
        reason: e.reason,
        action: e.action,
        model: e.model,
        version: e.version ?? '',
        deployment: e.deployment,
      })),
    }),
  };
}
