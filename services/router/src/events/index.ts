/**
 * The router's events: PredictionEvents built from served requests, OutcomeEvents
 * from reported outcomes, and the publisher that gets them to Kafka without making
 * a caller wait, spooling to disk while Kafka is away. Design: README.md here.
 *
 * @example
 * const publisher = new EventPublisher({ kafka, spoolDir, maxSpoolBytes, logger, registry });
 * await publisher.start();
 * for (const event of buildPredictionEvent({ request, response, manifest, route, requestId, latencyMs, eventTime: new Date() }))
 *   publisher.publishPrediction(event);
 * await publisher.stop();
 */
export type { DropReason } from './event-metrics';
export type { EventPublisherOptions } from './event-publisher';
export { EventPublisher } from './event-publisher';
export { MAX_OUTCOMES_PER_CALL, outcomeEvents } from './outcome-events';
export type {
  FailedPredictionInput,
  PredictionEventInput,
  PredictionRoute,
} from './prediction-event';
export { buildFailedPredictionEvents, buildPredictionEvent } from './prediction-event';
