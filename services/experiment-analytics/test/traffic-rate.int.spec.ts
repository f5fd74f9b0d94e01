/**
 * The traffic-rate query against the real ClickHouse, in a private database: known
 * events in and out of the window, and the distinct units and requests it counts.
 */
import { createClickHouse, ensureDatabase, ident, migrate } from '@ballast/clickhouse';
import { stackFromEnv } from '@ballast/testing';
import type { ClickHouseClient } from '@clickhouse/client';
import { randomUUID } from 'node:crypto';
import { parseExperimentDefinition } from '../src/domain/experiment-definition';
import { loadTrafficCounts } from '../src/queries/traffic-rate';
import { TrafficRates } from '../src/reports/traffic-rates';
import { insertEvents, prediction } from './synthetic';

const stack = stackFromEnv();
const database = `ballast_tr_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const now = Date.now();
let clickhouse: ClickHouseClient;
let traffic: TrafficRates;

// Only model and id are read from it: the model's events, some in an experiment.
const def = parseExperimentDefinition({
  id: 'exp-traffic',
  model: `traffic-${randomUUID().slice(0, 8)}`,
  variants: [
    { name: 'v1', weight: 0.5 },
    { name: 'v2', weight: 0.5 },
  ],
  controlVariant: 'v1',
  start: new Date(now - 10 * DAY).toISOString(),
  end: new Date(now).toISOString(),
  metrics: [{ name: 'conversion', kind: 'binary', outcome: 'converted' }],
});

beforeAll(async () => {
  const options = { url: stack.CLICKHOUSE_URL, database };
  await ensureDatabase(options);
  clickhouse = createClickHouse(options);
  await migrate(clickhouse);
  traffic = new TrafficRates({
    count: (window) => loadTrafficCounts(clickhouse, window),
    now: () => new Date(now),
  });
  const at = (unit: string, ms: number, role: 'primary' | 'shadow' = 'primary') =>
    prediction(def, { unit, variant: 'v1', ms, role });
  const repeated = at('u2', now - 5 * HOUR);
  const predictions = [
    // u1 comes back: three requests, one unit.
    at('u1', now - 6 * DAY),
    at('u1', now - 3 * DAY),
    at('u1', now - HOUR),
    repeated,
    at('u3', now - 2 * DAY),
    { ...at('u4', now - DAY), experiment_id: '', variant: '' },
    at('u5', now - 30 * 60_000),
    // Requests without a unit: requests, not units.
    at('', now - 2 * HOUR),
    at('', now - 3 * HOUR),
    // Shadow traffic, another model, the future: none of it counts.
    at('shadow-only', now - HOUR, 'shadow'),
    { ...at('other-model', now - HOUR), model: 'another-model' },
    at('later', now + HOUR),
    // Eight days ago: only in a 10-day window.
    at('old', now - 8 * DAY),
  ];
  await insertEvents(clickhouse, { predictions, outcomes: [] });
  // Delivered twice (at least once), in another part: the same event, counted once.
  await insertEvents(clickhouse, { predictions: [repeated], outcomes: [] });
});

afterAll(async () => {
  await clickhouse?.command({ query: `DROP DATABASE IF EXISTS ${ident(database).text}` });
  await clickhouse?.close();
});

describe('traffic rate in SQL', () => {
  it('counts distinct units and distinct events of the primary traffic in the window', async () => {
    const rate = await traffic.rate({ model: def.model, lookbackDays: 0 });
    expect(rate).toMatchObject({ lookbackDays: 7, units: 5, requests: 9 });
    expect(rate.unitsPerDay).toBeCloseTo(5 / 7, 12);
    expect(rate.requestsPerDay).toBeCloseTo(9 / 7, 12);
    expect(rate.to.getTime()).toBe(Math.floor(now / 1000) * 1000);
    expect(rate.to.getTime() - rate.from.getTime()).toBe(7 * DAY);
  });

  it('takes in older events with a longer lookback', async () => {
    const rate = await traffic.rate({ model: def.model, lookbackDays: 10 });
    expect(rate).toMatchObject({ units: 6, requests: 10, unitsPerDay: 0.6, requestsPerDay: 1 });
  });

  it('gives zeros for a model without traffic', async () => {
    const rate = await traffic.rate({ model: 'no-such-model', lookbackDays: 7 });
    expect(rate).toMatchObject({ units: 0, requests: 0, unitsPerDay: 0, requestsPerDay: 0 });
  });
});
