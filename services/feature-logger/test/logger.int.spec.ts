/**
 * The feature logger on the real stack (mock Kafka cluster, ClickHouse), run as real
 * processes: every event produced is counted exactly once in the analyst views, when
 * the stream is clean, when the logger is killed mid-stream, when ClickHouse stops for
 * 10 s mid-stream, and when a second instance joins and the first leaves; a malformed
 * event goes to the dead-letter topic with its reason while its neighbours are stored.
 */
import { PredictionEventSchema } from '@ballast/contracts';
import { DLQ_HEADERS, TOPICS } from '@ballast/kafka';
import { toBinary } from '@bufbuild/protobuf';
import { waitFor } from '@ballast/testing';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { TestBed, predictionEvent, uniqueModel } from './support';

const EVENTS = 100_000;
const bed = new TestBed();

beforeAll(() => bed.setUp());
afterEach(() => bed.stopLoggers());
afterAll(() => bed.tearDown());

/** Waits until more than `count` events of `model` are stored (a point mid-stream). */
function storedMoreThan(model: string, count: number, timeoutMs = 90_000): Promise<void> {
  return waitFor(
    `more than ${count} events of ${model} stored`,
    async () => (await bed.counted(model)).rows > count,
    { timeoutMs },
  );
}

async function expectExactly(model: string, count: number, timeoutMs = 150_000): Promise<void> {
  let last = { rows: 0, distinct: 0 };
  await waitFor(
    `${count} events of ${model} in ClickHouse`,
    async () => {
      last = await bed.counted(model);
      return last.rows >= count;
    },
    { timeoutMs, intervalMs: 500 },
  );
  // Give a redelivery (if any) time to land, then check nothing was doubled.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  expect(await bed.counted(model)).toEqual({ rows: count, distinct: count });
}

it(`stores ${EVENTS} events, each counted once`, async () => {
  const model = uniqueModel();
  const group = await bed.groupAtEnd();
  await bed.startLogger(group);
  await bed.producePredictions(model, EVENTS);
  await expectExactly(model, EVENTS);
});

it('loses and doubles nothing when the logger is killed mid-stream and restarted', async () => {
  const model = uniqueModel();
  const group = await bed.groupAtEnd();
  const first = await bed.startLogger(group);
  const producing = bed.producePredictions(model, EVENTS, { pauseMs: 50 });
  await storedMoreThan(model, EVENTS / 5);
  first.child.kill('SIGKILL');
  await bed.startLogger(group);
  await producing;
  await expectExactly(model, EVENTS);
});

it('loses and doubles nothing when ClickHouse stops for 10 s mid-stream', async () => {
  const chctl = path.resolve(__dirname, '../../../infra/clickhouse/chctl.sh');
  const model = uniqueModel();
  const group = await bed.groupAtEnd();
  const logger = await bed.startLogger(group);
  const producing = bed.producePredictions(model, EVENTS, { pauseMs: 50 });
  await storedMoreThan(model, EVENTS / 5);
  expect(spawnSync('bash', [chctl, 'stop'], { encoding: 'utf8' }).status).toBe(0);
  await new Promise((resolve) => setTimeout(resolve, 10_000));
  expect(spawnSync('bash', [chctl, 'start'], { encoding: 'utf8' }).status).toBe(0);
  await producing;
  await expectExactly(model, EVENTS);
  // It noticed, retried and carried on.
  expect(logger.logged('insert failed; retrying').length).toBeGreaterThan(0);
});

it('loses and doubles nothing when a second instance joins and the first leaves', async () => {
  const model = uniqueModel();
  const group = await bed.groupAtEnd();
  const first = await bed.startLogger(group);
  const producing = bed.producePredictions(model, EVENTS, { pauseMs: 50 });
  await storedMoreThan(model, EVENTS / 5);
  await bed.startLogger(group);
  await storedMoreThan(model, EVENTS / 2, 240_000);
  await first.stop();
  await producing;
  await expectExactly(model, EVENTS);
  // Two rebalances on a loaded 2-core machine: measured up to several minutes in CI.
}, 420_000);

it('dead-letters a malformed or invalid event with its reason and stores its neighbours', async () => {
  const model = uniqueModel();
  const group = await bed.groupAtEnd();
  const reasons: string[] = [];
  const reader = bed.kafka.consumer({ groupId: `${group}-dlq-reader` });
  await reader.connect();
  await reader.subscribe({ topic: TOPICS.dlq.name, fromBeginning: true });
  await reader.run({
    eachMessage: async ({ message }) => {
      // This test's messages are keyed by its model name; its logger's group says who.
      if (
        message.key?.toString() === model &&
        message.headers?.[DLQ_HEADERS.group]?.toString() === group
      )
        reasons.push(String(message.headers?.[DLQ_HEADERS.reason] ?? ''));
    },
  });
  await bed.startLogger(group);
  const encode = (i: number, eventId?: string) => {
    const event = predictionEvent(model, i, 'u-1');
    if (eventId !== undefined) event.eventId = eventId;
    return Buffer.from(toBinary(PredictionEventSchema, event));
  };
  await bed.send(TOPICS.predictions.name, [
    { key: model, value: encode(1) },
    { key: model, value: Buffer.from([0xff, 0xff, 0xff, 0x0f]) },
    { key: model, value: encode(2, '') },
    { key: model, value: encode(3) },
  ]);
  await expectExactly(model, 2, 60_000);
  await waitFor('two dead letters', () => reasons.length >= 2, { timeoutMs: 30_000 });
  await reader.disconnect();
  expect(reasons.sort()).toEqual(
    [
      expect.stringMatching(/^not a valid PredictionEvent: .*event_id: is empty/),
      expect.stringMatching(/^not a valid PredictionEvent: /),
    ].sort(),
  );
});
