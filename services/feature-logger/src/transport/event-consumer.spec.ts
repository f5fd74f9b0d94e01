import { TABLES } from '@ballast/clickhouse';
import { OutcomeEventSchema, PredictionEventSchema, Role } from '@ballast/contracts';
import { PoisonMessageError, TOPICS } from '@ballast/kafka';
import { create, toBinary, type DescMessage, type MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import { eventDecoder } from './event-consumer';

const wire = <D extends DescMessage>(schema: D, init: MessageInitShape<D>) =>
  Buffer.from(toBinary(schema, create(schema, init)));

const prediction = (eventId: string) =>
  wire(PredictionEventSchema, {
    eventId,
    eventTime: timestampFromMs(Date.now()),
    model: { name: 'm', version: '1' },
    role: Role.PRIMARY,
  });
const outcome = (eventId: string) =>
  wire(OutcomeEventSchema, {
    eventId,
    eventTime: timestampFromMs(Date.now()),
    unitId: 'u-1',
    metric: 'converted',
    value: 1,
  });

it('turns each topic’s events into rows of its table, one after the other', () => {
  const decode = eventDecoder();
  const rows = [
    decode(prediction('p-1'), TOPICS.predictions.name),
    decode(outcome('o-1'), TOPICS.outcomes.name),
    decode(prediction('p-2'), TOPICS.predictions.name),
  ];
  expect(rows.map((r) => r.table)).toEqual([
    TABLES.predictionEvents,
    TABLES.outcomeEvents,
    TABLES.predictionEvents,
  ]);
  // Each row starts with its event id (String: its length, then its bytes).
  const ids = rows.map(({ row }) => row.buffer.toString('utf8', row.start + 1, row.start + 4));
  expect(ids).toEqual(['p-1', 'o-1', 'p-2']);
  expect(rows[1]!.row.start).toBe(rows[0]!.row.end);
});

it('refuses what does not decode or validate, and other topics, as poison', () => {
  const decode = eventDecoder();
  expect(() => decode(Buffer.from([0xff, 0xff, 0xff, 0x0f]), TOPICS.predictions.name)).toThrow(
    PoisonMessageError,
  );
  expect(() => decode(prediction(''), TOPICS.predictions.name)).toThrow(
    /^not a valid PredictionEvent: event_id: is empty$/,
  );
  expect(() => decode(outcome(''), TOPICS.outcomes.name)).toThrow(
    /^not a valid OutcomeEvent: event_id: is empty$/,
  );
  expect(() => decode(prediction('p-1'), TOPICS.dlq.name)).toThrow(
    /does not read topic ballast.dlq.v1/,
  );
  // A refused event leaves nothing behind: the next row is whole.
  const { row } = decode(prediction('p-3'), TOPICS.predictions.name);
  expect(row.buffer.toString('utf8', row.start + 1, row.start + 4)).toBe('p-3');
});
