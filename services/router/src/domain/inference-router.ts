/**
 * The router's use case: one ModelInfer call resolved against its model's active
 * deployment, forwarded to a replica with the version set, answered with the routing
 * decision in response parameters, then recorded (and maybe mirrored) off the
 * caller's path. A request that was routed but failed is recorded too (for error
 * rates), also off the caller's path and without changing its error.
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

/** One routed primary request that failed, as its prediction event needs it. */
export interface Failed {
  readonly request: ModelInferRequest;
  /** The route it was last sent by. */
  readonly route: Route;
  readonly requestId: string;
  /** Until the failure. */
  readonly latencyMs: number;
  readonly eventTime: Date;
  /** The error the caller gets; the sink maps it to its status code. */
  readonly error: unknown;
}

/** Where routed requests go (prediction events); never throws, never blocks. */
export interface PredictionSink {
  record(served: Served): void;
  recordFailure(failed: Failed): void;
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
    // Set once routed: a failure from then on is recorded.
    let forwarded: ModelInferRequest | undefined;
    try {
      const deployment = this.options.table.get(request.modelName);
      if (!deployment) throw new ModelNotDeployedError(request.modelName);
      route = resolveRoute(deployment, request.parameters, { random: this.options.random });
      const requestId = request.id || (this.options.newId ?? randomUUID)();
      const routed: ModelInferRequest = { ...request, modelVersion: route.version, id: requestId };
      forwarded = routed;
      if (route.shadowVersion !== undefined) this.mirror(routed, route, route.shadowVersion);
      const { table } = this.options;
      let generation = deployment.generation;
      const response = await this.options.pool.call((replica, remaining) => {
        // A retry after NOT_FOUND may find a newer deployment (a rollback that unloaded
        // the version this request was routed to): route it again by the new one.
        const latest = table.get(request.modelName);
        if (latest && latest.generation !== generation) {
          generation = latest.generation;
          route = resolveRoute(latest, request.parameters, { random: () => 1 });
          routed.modelVersion = route.version;
        }
        return replica.modelInfer(routed, { deadline: remaining });
      }, deadline);
      const latencyMs = performance.now() - started;
      decorate(response, route, requestId);
      // After the reply is on its way: building an event decodes the tensors.
      const served: Served = {
        request: routed,
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
      const latencyMs = performance.now() - started;
      if (route && forwarded) {
        const failed: Failed = {
          request: forwarded,
          route,
          requestId: forwarded.id,
          latencyMs,
          eventTime: new Date(),
          error,
        };
        setImmediate(() => this.options.sink.recordFailure(failed));
      }
      this.options.observer?.served(route, error, latencyMs / 1000);
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
