/**
 * The router's use case: one ModelInfer call resolved against its model's active
 * deployment, forwarded to a replica with the version set, answered with the routing
 * decision in response parameters, then recorded (and maybe mirrored) off the
 * caller's path.
 */
import {
  InferParameterSchema,
  type InferParameter,
  type ModelInferRequest,
  type ModelInferResponse,
} from '@ballast/contracts';
import { create } from '@bufbuild/protobuf';
import { randomUUID } from 'node:crypto';
import type { DeploymentTable } from './deployment-table';
import { ModelNotDeployedError } from './errors';
import type { ReplicaPool } from './replica-pool';
import { resolveRoute, type Route } from './route';
import type { ShadowMirror } from './shadow-mirror';

/** One answered request, as the prediction events need it. */
export interface Served {
  readonly request: ModelInferRequest;
  readonly response: ModelInferResponse;
  readonly route: Route;
  readonly role: 'primary' | 'shadow';
  readonly requestId: string;
  readonly latencyMs: number;
  readonly eventTime: Date;
}

/** Where answered requests go (prediction events); never throws, never blocks. */
export interface PredictionSink {
  record(served: Served): void;
}

export interface RouterObserver {
  /** A request finished: `route` unless it failed before routing, `error` unless it succeeded. */
  served(route: Route | undefined, error: unknown, seconds: number): void;
}

export interface InferenceRouterOptions {
  table: Pick<DeploymentTable, 'get'>;
  pool: Pick<ReplicaPool, 'call'>;
  mirror: Pick<ShadowMirror, 'mirror'>;
  sink: PredictionSink;
  /** Deadline of a mirrored request, which has no caller waiting. */
  shadowTimeoutMs: number;
  observer?: RouterObserver;
  random?: () => number;
  newId?: () => string;
}

/** Response parameter names; documented in the README. */
export const RESPONSE_PARAMETERS = {
  modelVersion: 'model_version',
  variant: 'variant',
  deployment: 'deployment',
  requestId: 'request_id',
  experimentId: 'experiment_id',
} as const;

const stringParameter = (value: string): InferParameter =>
  create(InferParameterSchema, { parameterChoice: { case: 'stringParam', value } });

export class InferenceRouter {
  constructor(private readonly options: InferenceRouterOptions) {}

  async infer(request: ModelInferRequest, deadline?: Date): Promise<ModelInferResponse> {
    const started = performance.now();
    let route: Route | undefined;
    try {
      const deployment = this.options.table.get(request.modelName);
      if (!deployment) throw new ModelNotDeployedError(request.modelName);
      route = resolveRoute(deployment, request.parameters, { random: this.options.random });
      const requestId = request.id || (this.options.newId ?? randomUUID)();
      const forwarded: ModelInferRequest = {
        ...request,
        modelVersion: route.version,
        id: requestId,
      };
      if (route.shadowVersion !== undefined) this.mirror(forwarded, route, route.shadowVersion);
      const { table } = this.options;
      let generation = deployment.generation;
      const response = await this.options.pool.call((replica, remaining) => {
        // A retry after NOT_FOUND may find a newer deployment (a rollback that unloaded
        // the version this request was routed to): route it again by the new one.
        const latest = table.get(request.modelName);
        if (latest && latest.generation !== generation) {
          generation = latest.generation;
          route = resolveRoute(latest, request.parameters, { random: () => 1 });
          forwarded.modelVersion = route.version;
        }
        return replica.modelInfer(forwarded, { deadline: remaining });
      }, deadline);
      const latencyMs = performance.now() - started;
      decorate(response, route, requestId);
      // After the reply is on its way: building an event decodes the tensors.
      const served: Served = {
        request: forwarded,
        response,
        route,
        role: 'primary',
        requestId,
        latencyMs,
        eventTime: new Date(),
      };
      setImmediate(() => this.options.sink.record(served));
      this.options.observer?.served(route, undefined, latencyMs / 1000);
      return response;
    } catch (error) {
      this.options.observer?.served(route, error, (performance.now() - started) / 1000);
      throw error;
    }
  }

  /** Sends a copy to the shadow version, off the caller's path; logs its answer only. */
  private mirror(forwarded: ModelInferRequest, primary: Route, version: string): void {
    this.options.mirror.mirror(async () => {
      const started = performance.now();
      const request: ModelInferRequest = { ...forwarded, modelVersion: version };
      const response = await this.options.pool.call(
        (replica, deadline) => replica.modelInfer(request, { deadline }),
        new Date(Date.now() + this.options.shadowTimeoutMs),
      );
      this.options.sink.record({
        request,
        response,
        route: { ...primary, version, shadowVersion: undefined },
        role: 'shadow',
        requestId: forwarded.id,
        latencyMs: performance.now() - started,
        eventTime: new Date(),
      });
    });
  }
}

function decorate(response: ModelInferResponse, route: Route, requestId: string): void {
  const p = RESPONSE_PARAMETERS;
  response.id = requestId;
  response.parameters[p.modelVersion] = stringParameter(response.modelVersion || route.version);
  response.parameters[p.variant] = stringParameter(route.variant);
  response.parameters[p.deployment] = stringParameter(route.deployment);
  response.parameters[p.requestId] = stringParameter(requestId);
  if (route.experimentId !== '')
    response.parameters[p.experimentId] = stringParameter(route.experimentId);
}
