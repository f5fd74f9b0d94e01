import { stringifyRow } from './client';
import { eventTime } from './tables';

it('splits an event time into DateTime text (UTC) and milliseconds', () => {
  expect(eventTime(Date.UTC(2026, 0, 2, 3, 4, 5, 678))).toEqual({
    event_time: '2026-01-02 03:04:05',
    event_time_ms: 678,
  });
});

it('writes non-finite numbers as the strings ClickHouse reads into Float64', () => {
  expect(stringifyRow({ v: [Number.NaN, Infinity, -Infinity, 1.5], n: 2 })).toBe(
    '{"v":["nan","inf","-inf",1.5],"n":2}',
  );
  expect(stringifyRow({ v: [1, 2], s: 'null' })).toBe('{"v":[1,2],"s":"null"}');
  expect(stringifyRow({ v: null })).toBe('{"v":null}');
});
