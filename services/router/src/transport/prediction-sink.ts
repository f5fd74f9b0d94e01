/**
 * Turns routed requests into PredictionEvents on the events publisher (which spools
 * to disk when Kafka is away): answered ones with their outputs, failed ones with the
 * status code name their caller got. Runs after the reply; a missing manifest or a
 * failing build costs the event (a failed request's event only its features), never
 * the request.
 */
import { Role } from '@ballast/contracts';
import type { Logger } from '@ballast/telemetry';
import { status } from '@grpc/grpc-js';
import type { ManifestCache } from '../domain/manifest-cache';
import type { Failed, PredictionSink, Served } from '../domain/inference-router';
import type { Route } from '../domain/route';
import {
  buildFailedPredictionEvents,
  buildPredictionEvent,
  type EventPublisher,
  type PredictionRoute,
} from '../events';
import { toGrpcStatus } from './status';

export interface PublishingSinkOptions {
  publisher: Pick<EventPublisher, 'publishPrediction'>;
  manifests: Pick<ManifestCache, 'get'>;
  logger: Logger;
  /** A routed request that produced no event (the reason is logged). */
  onUnrecorded?: () => void;
}

/**
 * The name of the status code the caller gets for `error` (transport/status.ts; what
 * it does not map, libs/grpc answers INTERNAL), e.g. `UNAVAILABLE`.
 */
export function errorCodeOf(error: unknown): string {
  const code = toGrpcStatus(error)?.code ?? status.INTERNAL;
  return status[code] ?? status[status.UNKNOWN];
}

function predictionRoute(route: Route, role: 'primary' | 'shadow'): PredictionRoute {
  return {
    model: route.model,
    version: route.version,
    deployment: route.deployment,
    variant: route.variant,
    experimentId: route.experimentId,
    unitId: route.unitId,
    role: role === 'shadow' ? Role.SHADOW : Role.PRIMARY,
  };
}

export class PublishingSink implements PredictionSink {
  constructor(private readonly options: PublishingSinkOptions) {}

  record(served: Served): void {
    const { route } = served;
    this.options.manifests
      .get(route.model, route.version)
      .then(
        (manifest) => {
          const events = buildPredictionEvent({
            request: served.request,
            response: served.response,
            manifest,
            route: predictionRoute(route, served.role),
            requestId: served.requestId,
            latencyMs: served.latencyMs,
            eventTime: served.eventTime,
          });
          for (const event of events) this.options.publisher.publishPrediction(event);
        },
        (error: unknown) => {
          this.options.onUnrecorded?.();
          this.options.logger.warn('prediction not recorded: no manifest for the version', {
            model: route.model,
            version: route.version,
            error: error as Error,
          });
        },
      )
      .catch((error: unknown) => this.unrecorded(route, error));
  }

  recordFailure(failed: Failed): void {
    const { route } = failed;
    this.options.manifests
      .get(route.model, route.version)
      // Without the manifest the failure still counts, without features.
      .catch(() => undefined)
      .then((manifest) => {
        const events = buildFailedPredictionEvents({
          request: failed.request,
          manifest,
          route: predictionRoute(route, 'primary'),
          requestId: failed.requestId,
          latencyMs: failed.latencyMs,
          eventTime: failed.eventTime,
          errorCode: errorCodeOf(failed.error),
        });
        for (const event of events) this.options.publisher.publishPrediction(event);
      })
      .catch((error: unknown) => this.unrecorded(route, error));
  }

  private unrecorded(route: Route, error: unknown): void {
    this.options.onUnrecorded?.();
    this.options.logger.error('prediction not recorded', {
      model: route.model,
      version: route.version,
      error: error as Error,
    });
  }
}
