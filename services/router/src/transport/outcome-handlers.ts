import type { OutcomeService } from '@ballast/contracts';
import type { UnaryImplementation } from '@ballast/grpc';
import type { Logger } from '@ballast/telemetry';
import { outcomeEvents, type EventPublisher } from '../events';

/**
 * The OutcomeService: checks a call's outcomes (all or nothing: a bad one is an
 * InvalidRequestError, INVALID_ARGUMENT, and nothing is published), publishes one
 * OutcomeEvent per outcome without waiting for Kafka, and returns their event ids.
 */
export function outcomeHandlers({
  publisher,
  logger,
}: {
  publisher: Pick<EventPublisher, 'publishOutcome'>;
  logger: Logger;
}): UnaryImplementation<(typeof OutcomeService)['method']> {
  return {
    recordOutcomes: async (request) => {
      const events = outcomeEvents(request.outcomes);
      for (const event of events) publisher.publishOutcome(event);
      logger.debug('outcomes recorded', { outcomes: events.length });
      return { eventIds: events.map((event) => event.eventId) };
    },
  };
}
