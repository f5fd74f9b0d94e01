import { ControlEventSchema, DeploymentSchema, type ControlEvent } from '@ballast/contracts';
import { createLogger } from '@ballast/telemetry';
import { create } from '@bufbuild/protobuf';
import { OutboxPublisher } from './outbox-publisher';

const logger = createLogger({ service: 'test', level: 'error', write: () => undefined });
const event = (id: string) => create(ControlEventSchema, { eventId: id, model: { name: 'iris' } });

/** An outbox in memory and a producer whose broker is down until `up()`. */
function setUp({ deployed = [] as string[] } = {}) {
  let outbox: ControlEvent[] = [event('a')];
  let listener = () => undefined as void;
  let up: () => void = () => undefined;
  const brokerUp = new Promise<void>((resolve) => (up = resolve));
  const sent: string[] = [];
  let connects = 0;
  const control = {
    onChange: (l: () => void) => void (listener = l),
    pendingEvents: () => outbox,
    listDeployments: () =>
      deployed.map((model) =>
        create(DeploymentSchema, {
          model,
          generation: 4n,
          strategy: { case: 'replace', value: { version: '2' } },
        }),
      ),
    acknowledge: async (ids: readonly string[]) => {
      outbox = outbox.filter((e) => !ids.includes(e.eventId));
    },
  };
  const producer = {
    start: async () => {
      if (++connects < 3) throw new Error('broker down');
    },
    send: (m: { key?: unknown }) => (sent.push(String(m.key)), true),
    flush: () => brokerUp,
    close: async () => 0,
  };
  const change = (id: string) => {
    outbox = [...outbox, event(id)];
    listener();
  };
  return { control, producer, sent, up, change, outbox: () => outbox.map((e) => e.eventId) };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

/** Waits until `done` holds (up to 10 s): on a busy machine 20 ms is not always enough. */
async function eventually(done: () => boolean): Promise<void> {
  for (let waited = 0; !done() && waited < 10_000; waited += 20) await settle();
}

describe('OutboxPublisher', () => {
  it('keeps events in the outbox until Kafka acknowledged them, retrying the connection', async () => {
    const t = setUp();
    const publisher = new OutboxPublisher({ ...t, logger, retryMs: 1 });
    publisher.start();
    // 'a' in flight (connected after two failures) before 'b' arrives.
    await eventually(() => t.sent.length > 0);
    t.change('b');
    await settle();
    expect(t.sent).toEqual(['iris']);
    expect(t.outbox()).toEqual(['a', 'b']);
    t.up();
    await eventually(() => t.outbox().length === 0);
    expect(t.outbox()).toEqual([]);
    // Each event was handed to the producer once, though 'b' arrived while 'a' was in flight.
    expect(t.sent).toHaveLength(2);
    await publisher.stop();
  });

  it('announces every active deployment once at start, without touching the outbox', async () => {
    const t = setUp({ deployed: ['wine', 'diabetes'] });
    t.up();
    const publisher = new OutboxPublisher({ ...t, logger, retryMs: 1 });
    publisher.start();
    await eventually(() => t.outbox().length === 0);
    // A broker that lost the topic still gets the state a new replica needs.
    expect(t.sent).toEqual(['wine', 'diabetes', 'iris']);
    expect(t.outbox()).toEqual([]);
    await publisher.stop();
  });
});
