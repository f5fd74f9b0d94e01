/**
 * Turns answered requests into PredictionEvents on the events publisher (which
 * spools to disk when Kafka is away). Runs after the reply; a missing manifest or a
 * failing build costs the event, never the request.
 */
import { Role } from '@ballast/contracts';
import type { Logger } from '@ballast/telemetry';
import type { ManifestCache } from '../domain/manifest-cache';
import type { PredictionSink, Served } from '../domain/inference-router';
import { buildPredictionEvent, type EventPublisher } from '../events';

export interface PublishingSinkOptions {
  publisher: Pick<EventPublisher, 'publishPrediction'>;
  manifests: Pick<ManifestCache, 'get'>;
  logger: Logger;
  /** A served request that produced no event (the reason is logged). */
  onUnrecorded?: () => void;
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
            route: {
              model: route.model,
              version: route.version,
              deployment: route.deployment,
              variant: route.variant,
              experimentId: route.experimentId,
              unitId: route.unitId,
              role: served.role === 'shadow' ? Role.SHADOW : Role.PRIMARY,
            },
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
      .catch((error: unknown) => {
        this.options.onUnrecorded?.();
        this.options.logger.error('prediction not recorded', {
          model: route.model,
          version: route.version,
          error: error as Error,
        });
      });
  }
}
