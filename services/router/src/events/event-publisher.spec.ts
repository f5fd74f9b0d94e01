import { create } from '@bufbuild/protobuf';
import { OutcomeEventSchema, PredictionEventSchema } from '@ballast/contracts';
import { createLogger } from '@ballast/telemetry';
import { Registry } from 'prom-client';
import { EventPublisher } from './event-publisher';

// With brokers, the publisher is tested against the real broker: test/events.int.spec.ts.
describe('EventPublisher without Kafka', () => {
  it('warns at start, then counts every event as dropped (no_kafka), never throwing', async () => {
    const lines: string[] = [];
    const registry = new Registry();
    const publisher = new EventPublisher({
      kafka: undefined,
      spoolDir: '/nonexistent/never-created',
      maxSpoolBytes: 1024,
      logger: createLogger({ service: 'test', level: 'warn', write: (l) => lines.push(l) }),
      registry,
    });
    await publisher.start();
    expect(lines.join('\n')).toContain('no Kafka brokers configured');
    for (let i = 0; i < 3; i++)
      publisher.publishPrediction(create(PredictionEventSchema, { requestId: `r-${i}` }));
    publisher.publishOutcome(create(OutcomeEventSchema, { unitId: 'u' }));
    await publisher.stop();
    const dropped = await registry.getSingleMetric('ballast_router_events_dropped_total')!.get();
    expect(dropped.values.map((v) => [v.labels, v.value])).toEqual([
      [{ topic: 'ballast.predictions.v1', reason: 'no_kafka' }, 3],
      [{ topic: 'ballast.outcomes.v1', reason: 'no_kafka' }, 1],
    ]);
    // One warning for the drops, not one per event.
    expect(lines.filter((l) => l.includes('events dropped'))).toHaveLength(1);
  });
});
