import { create } from '@bufbuild/protobuf';
import { timestampDate, timestampFromMs } from '@bufbuild/protobuf/wkt';
import {
  RecordOutcomesRequestSchema,
  type OutcomeEvent,
  type RecordOutcomesRequest,
} from '@ballast/contracts';
import type { CallContext } from '@ballast/grpc';
import { createLogger } from '@ballast/telemetry';
import { Metadata, status } from '@grpc/grpc-js';
import { MAX_OUTCOMES_PER_CALL } from '../events';
import { outcomeHandlers } from './outcome-handlers';
import { toGrpcStatus } from './status';

const call: CallContext = {
  metadata: new Metadata(),
  deadline: undefined,
  signal: new AbortController().signal,
};
const logger = createLogger({ service: 'outcome-test', level: 'error' });

function setUp() {
  const published: OutcomeEvent[] = [];
  const handlers = outcomeHandlers({
    publisher: { publishOutcome: (event) => published.push(event) },
    logger,
  });
  const record = (outcomes: Parameters<typeof create<typeof RecordOutcomesRequestSchema>>[1]) =>
    handlers.recordOutcomes(
      create(RecordOutcomesRequestSchema, outcomes) as RecordOutcomesRequest,
      call,
    );
  return { published, record };
}

const good = { requestId: 'req-1', metric: 'converted', value: 1 };

describe('RecordOutcomes', () => {
  it('publishes one event per outcome and returns their ids in request order', async () => {
    const { published, record } = setUp();
    const before = Date.now();
    const response = await record({
      outcomes: [
        { ...good, model: 'breast-cancer', eventTime: timestampFromMs(Date.UTC(2026, 0, 1)) },
        { unitId: 'user-7', metric: 'revenue', value: 12.5 },
        good,
      ],
    });
    expect(response.eventIds).toEqual(published.map((e) => e.eventId));
    expect(new Set(response.eventIds).size).toBe(3);
    expect(published[0]).toMatchObject({
      requestId: 'req-1',
      metric: 'converted',
      value: 1,
      model: { name: 'breast-cancer', version: '', deployment: '' },
    });
    expect(timestampDate(published[0]!.eventTime!)).toEqual(new Date(Date.UTC(2026, 0, 1)));
    expect(published[1]).toMatchObject({ unitId: 'user-7', requestId: '' });
    expect(published[1]!.model).toBeUndefined();
    const received = timestampDate(published[1]!.eventTime!).getTime();
    expect(received).toBeGreaterThanOrEqual(before);
    expect(received).toBeLessThanOrEqual(Date.now());
  });

  const long = 'x'.repeat(257);
  it.each([
    ['an empty metric', { metric: '' }, 'outcomes[1].metric: is empty'],
    ['a metric that is no name', { metric: 'con verted' }, 'outcomes[1].metric: "con verted"'],
    ['a NaN value', { value: NaN }, 'outcomes[1].value: must be finite, got NaN'],
    ['an infinite value', { value: -Infinity }, 'outcomes[1].value: must be finite'],
    ['no request or unit id', { requestId: '' }, 'outcomes[1].request_id: is empty, and so'],
    ['a long request id', { requestId: long }, 'outcomes[1].request_id: is 257 characters'],
    ['a long unit id', { unitId: long }, 'outcomes[1].unit_id: is 257 characters'],
    ['a bad model name', { model: '../etc' }, 'outcomes[1].model: "../etc" is not a model name'],
    ['a time before 2000', { eventTime: timestampFromMs(0) }, 'outcomes[1].event_time: 1970'],
    [
      'a time two days ahead',
      { eventTime: timestampFromMs(Date.now() + 2 * 86_400_000) },
      'outcomes[1].event_time',
    ],
    [
      'a time past what a date holds',
      { eventTime: { seconds: 10n ** 15n, nanos: 0 } },
      'outcomes[1].event_time: 1000000000000000000 ms is outside',
    ],
  ])(
    'refuses %s with INVALID_ARGUMENT naming the field, publishing nothing',
    async (_, bad, message) => {
      const { published, record } = setUp();
      const error = await record({ outcomes: [good, { ...good, ...bad }, good] }).catch((e) => e);
      expect(toGrpcStatus(error)).toEqual({
        code: status.INVALID_ARGUMENT,
        message: expect.stringContaining(message),
      });
      expect(published).toEqual([]);
    },
  );

  it('refuses more outcomes than one call may carry', async () => {
    const { published, record } = setUp();
    const outcomes = Array.from({ length: MAX_OUTCOMES_PER_CALL + 1 }, () => good);
    await expect(record({ outcomes })).rejects.toThrow(`outcomes: ${outcomes.length} outcomes`);
    expect(published).toEqual([]);
  });

  it('answers an empty call with no ids', async () => {
    const { published, record } = setUp();
    expect((await record({ outcomes: [] })).eventIds).toEqual([]);
    expect(published).toEqual([]);
  });
});
