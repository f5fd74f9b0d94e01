import {
  DeploymentSchema,
  ExperimentState,
  InferParameterSchema,
  ModelInferRequestSchema,
  ModelInferResponseSchema,
  type ModelInferRequest,
} from '@ballast/contracts';
import { create } from '@bufbuild/protobuf';
import { status } from '@grpc/grpc-js';
import { InvalidRequestError, ModelNotDeployedError, UpstreamError } from './errors';
import {
  InferenceRouter,
  type Failed,
  type InferenceRouterOptions,
  type Served,
} from './inference-router';

const deployment = create(DeploymentSchema, {
  model: 'breast-cancer',
  generation: 3n,
  strategy: {
    case: 'experiment',
    value: {
      experimentId: 'exp-1',
      variants: [
        { name: 'control', version: '1', weight: 0.5 },
        { name: 'treatment', version: '2', weight: 0.5 },
      ],
      unitField: 'user',
      controlVariant: 'control',
      state: ExperimentState.RUNNING,
    },
  },
});

const request = (unit: string, model = 'breast-cancer'): ModelInferRequest =>
  create(ModelInferRequestSchema, {
    modelName: model,
    id: 'req-1',
    parameters: {
      user: create(InferParameterSchema, { parameterChoice: { case: 'stringParam', value: unit } }),
    },
  });

/** A router whose replicas answer with `outcome` (a response, or this error thrown). */
function routerWith(outcome: 'ok' | Error) {
  const served: Served[] = [];
  const failed: Failed[] = [];
  const options: InferenceRouterOptions = {
    table: { get: (model) => (model === deployment.model ? deployment : undefined) },
    pool: {
      call: async () => {
        if (outcome !== 'ok') throw outcome;
        return create(ModelInferResponseSchema, { modelName: 'breast-cancer' }) as never;
      },
    },
    mirror: { mirror: () => true },
    sink: { record: (s) => served.push(s), recordFailure: (f) => failed.push(f) },
    shadowTimeoutMs: 1_000,
  };
  return { router: new InferenceRouter(options), served, failed };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('InferenceRouter records routed requests', () => {
  it('records an answered request once, as served', async () => {
    const { router, served, failed } = routerWith('ok');
    await router.infer(request('alice'));
    await tick();
    expect(served).toHaveLength(1);
    expect(failed).toHaveLength(0);
  });

  it.each([
    ['a replica error', new UpstreamError(status.UNAVAILABLE, 'no replica answered')],
    ['a deadline', new UpstreamError(status.DEADLINE_EXCEEDED, 'deadline exceeded')],
    ['an unexpected error', new Error('boom')],
  ])(
    'records a routed request that failed with %s once, after the caller has it',
    async (_, error) => {
      const { router, served, failed } = routerWith(error);
      await expect(router.infer(request('alice'))).rejects.toBe(error);
      // Off the caller's path: nothing yet when the caller sees the error.
      expect(failed).toHaveLength(0);
      await tick();
      expect(served).toHaveLength(0);
      expect(failed).toHaveLength(1);
      const [f] = failed as [Failed];
      expect(f.error).toBe(error);
      expect(f.requestId).toBe('req-1');
      expect(f.route).toMatchObject({
        model: 'breast-cancer',
        deployment: 'breast-cancer@3',
        experimentId: 'exp-1',
        unitId: 'alice',
      });
      expect(['control', 'treatment']).toContain(f.route.variant);
      expect(f.request.modelVersion).toBe(f.route.version);
      expect(f.latencyMs).toBeGreaterThanOrEqual(0);
    },
  );

  it.each([
    ['the model has no deployment', request('alice', 'unknown'), ModelNotDeployedError],
    ['the unit id is malformed', request(''), InvalidRequestError],
  ])('records nothing when %s (failed before routing)', async (_, req, type) => {
    const { router, served, failed } = routerWith('ok');
    await expect(router.infer(req)).rejects.toBeInstanceOf(type);
    await tick();
    expect(served).toHaveLength(0);
    expect(failed).toHaveLength(0);
  });
});
