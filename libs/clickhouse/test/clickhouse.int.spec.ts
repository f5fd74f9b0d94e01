// The clickhouse lib against the real local ClickHouse (18.16 here, started by
// `npm test`): migrations are idempotent, escaped values and checked identifiers
// cannot change a query, the analyst views count each event once, and the analyst
// user reads but cannot write.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import { stackFromEnv } from '@ballast/testing';
import {
  MigrationError,
  UnsafeSqlError,
  TABLES,
  createClickHouse,
  ensureDatabase,
  eventTime,
  ident,
  insertSettings,
  loadMigrations,
  migrate,
  sql,
  withBenchDatabase,
  type PredictionEventRow,
} from '../src';

const stack = stackFromEnv();
const database = `ballast_it_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
const options = { url: stack.CLICKHOUSE_URL, database };
let client: ClickHouseClient;

async function rows<T>(query: string): Promise<T[]> {
  return (await client.query({ query, format: 'JSONEachRow' })).json<T>();
}

beforeAll(async () => {
  await ensureDatabase(options);
  client = createClickHouse(options);
});

afterAll(async () => {
  await client.command({ query: `DROP DATABASE IF EXISTS ${ident(database).text}` });
  await client.close();
});

describe('migrations', () => {
  it('apply once, then again without error or change', async () => {
    const all = loadMigrations();
    expect(await migrate(client)).toEqual({ applied: all.map((m) => m.version) });
    expect(await migrate(client)).toEqual({ applied: [] });
    const tables = (await rows<{ name: string }>('SHOW TABLES')).map((r) => r.name);
    expect(tables).toEqual(
      expect.arrayContaining([
        'prediction_events',
        'outcome_events',
        'predictions',
        'outcomes',
        'schema_migrations',
      ]),
    );
  });

  it('run again without error: ADD COLUMN IF NOT EXISTS and the recreated view (0004)', async () => {
    // As after a crash between a migration's statements and its ledger row.
    const all = loadMigrations();
    const errorCode = all.find((m) => m.name === 'prediction_error_code');
    expect(errorCode).toBeDefined();
    const again = { ...errorCode!, version: all.length + 1, name: 'again' };
    expect(await migrate(client, [...all, again])).toEqual({ applied: [again.version] });
    const viewColumns = (await rows<{ name: string }>(`DESCRIBE TABLE ${TABLES.predictions}`)).map(
      (r) => r.name,
    );
    expect(viewColumns).toContain('error_code');
  });

  it('move the exposures to a table partitioned by experiment (0006), losing none, and run it again', async () => {
    const own = { url: stack.CLICKHOUSE_URL, database: `${database}_0006` };
    await ensureDatabase(own);
    const db = createClickHouse(own);
    const T = Date.UTC(2026, 10, 1);
    const predict = (unit: string, variant: string, ms: number) => ({
      event_id: randomUUID(),
      ...eventTime(T + ms),
      model: 'm',
      experiment_id: 'e',
      variant,
      unit_id: unit,
      role: 'primary',
    });
    const insert = (values: object[]) =>
      db.insert({ table: TABLES.predictionEvents, values, format: 'JSONEachRow' });
    try {
      const all = loadMigrations();
      const before = all.filter((m) => m.version < 6);
      await migrate(db, before);
      // Folded into the old table (0005) before the move; u1 again later, u2 in two variants.
      await insert([predict('u1', 'v1', 2_000), predict('u2', 'v1', 3_000)]);
      await insert([predict('u1', 'v1', 1_000), predict('u2', 'v2', 4_000)]);
      expect(await migrate(db, all)).toEqual({ applied: [6] });
      const tables = (
        await (
          await db.query({ query: 'SHOW TABLES', format: 'JSONEachRow' })
        ).json<{ name: string }>()
      ).map((r) => r.name);
      expect(tables).not.toContain('experiment_exposures');
      expect(tables).not.toContain('experiment_exposures_mv');
      // After the move, the new view folds new predictions.
      await insert([predict('u3', 'v2', 5_000)]);
      const read = async () =>
        (
          await db.query({
            query: `SELECT
                multiIf(unit = cityHash64('u1'), 'u1', unit = cityHash64('u2'), 'u2', 'u3') AS id,
                toUInt32(min(first_ms) - ${T}) AS first,
                toUInt8(uniqExact(variant_key)) AS variants
              FROM ${TABLES.experimentFirstExposures}
              WHERE model = 'm' AND experiment_id = 'e' GROUP BY id ORDER BY id`,
            format: 'JSONEachRow',
          })
        ).json();
      const expected = [
        { id: 'u1', first: 1_000, variants: 1 },
        { id: 'u2', first: 3_000, variants: 2 },
        { id: 'u3', first: 5_000, variants: 1 },
      ];
      expect(await read()).toEqual(expected);
      // As after a crash between 0006's statements and its ledger row: the old table is gone.
      const move = all.find((m) => m.version === 6)!;
      expect(await migrate(db, [...all, { ...move, version: 7, name: 'again' }])).toEqual({
        applied: [7],
      });
      expect(await read()).toEqual(expected);
    } finally {
      await db.command({ query: `DROP DATABASE IF EXISTS ${ident(own.database).text}` });
      await db.close();
    }
  });

  it('send 18.16 no insert setting it does not know', async () => {
    // 18.16 has no max_partitions_per_insert_block, and refuses unknown settings.
    expect(await insertSettings(client)).toEqual({});
  });

  it('refuse a migration edited after it was applied', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'migrations-'));
    const [first] = loadMigrations();
    writeFileSync(
      path.join(dir, `0001_${first?.name}.sql`),
      'CREATE TABLE IF NOT EXISTS edited (x UInt8) ENGINE = Memory;\n',
    );
    await expect(migrate(client, loadMigrations(dir))).rejects.toThrow(MigrationError);
  });
});

describe('SQL building against the server', () => {
  const evil = [
    "x' OR 1=1 --",
    "'); DROP TABLE injection_probe; --",
    'back\\slash\\',
    "quote\\' mixed \\\\' end",
    'line\nbreak\ttab',
    'unicode ✓ ünïcødé',
  ];

  beforeAll(async () => {
    await client.command({ query: 'CREATE TABLE injection_probe (s String) ENGINE = Memory' });
    await client.insert({
      table: 'injection_probe',
      values: [{ s: 'safe' }],
      format: 'JSONEachRow',
    });
  });

  it.each(evil)('stores and finds %p exactly, through an escaped literal', async (value) => {
    await client.command({
      query: sql`INSERT INTO ${ident('injection_probe')} (s) VALUES (${value})`.text,
    });
    const found = await rows<{ s: string }>(
      sql`SELECT s FROM injection_probe WHERE s = ${value}`.text,
    );
    expect(found).toEqual([{ s: value }]);
  });

  it('cannot widen a WHERE clause or run a second statement', async () => {
    const found = await rows<{ n: string }>(
      sql`SELECT count() AS n FROM injection_probe WHERE s = ${"nothing' OR '1'='1"}`.text,
    );
    expect(found).toEqual([{ n: '0' }]);
    const all = await rows<{ n: string }>('SELECT count() AS n FROM injection_probe');
    expect(Number(all[0]?.n)).toBe(1 + evil.length);
  });

  it('rejects an identifier that would change the query before it reaches the server', () => {
    expect(
      () => sql`SELECT * FROM ${ident('injection_probe; DROP TABLE injection_probe')}`,
    ).toThrow(UnsafeSqlError);
    expect(() => sql`SELECT ${ident('s` FROM system.users --')} FROM injection_probe`).toThrow(
      UnsafeSqlError,
    );
  });
});

describe('event tables', () => {
  it('count an event delivered twice once in the analyst views', async () => {
    const event = {
      event_id: randomUUID(),
      event_time: '2026-11-28 12:00:00',
      event_time_ms: 123,
      model: 'breast-cancer',
      model_version: '1',
      role: 'primary',
      numeric_names: ['mean_radius'],
      numeric_values: [14.2],
      output_names: ['probabilities'],
      output_values: [[0.2, 0.8]],
      latency_ms: 1.5,
    };
    // At-least-once delivery: the same event in two separate inserts.
    await client.insert({ table: 'prediction_events', values: [event], format: 'JSONEachRow' });
    await client.insert({ table: 'prediction_events', values: [event], format: 'JSONEachRow' });
    const raw = await rows<{ n: string }>('SELECT count() AS n FROM prediction_events');
    const viewed = await rows<{ n: string; p: number }>(
      "SELECT count() AS n, any(output_values[indexOf(output_names, 'probabilities')][2]) AS p FROM predictions",
    );
    expect(raw).toEqual([{ n: '2' }]);
    expect(viewed).toEqual([{ n: '1', p: 0.8 }]);
  });

  it('store missing (NaN) and infinite feature values as such, not as zero', async () => {
    const event: PredictionEventRow = {
      ...eventTime(Date.UTC(2026, 10, 28, 13, 0, 0, 7)),
      event_id: randomUUID(),
      model: 'nan-check',
      model_version: '1',
      deployment: '',
      variant: '',
      experiment_id: '',
      unit_id: '',
      request_id: '',
      role: 'primary',
      numeric_names: ['a', 'b', 'c', 'd'],
      numeric_values: [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2.5],
      categorical_names: [],
      categorical_values: [],
      output_names: [],
      output_values: [],
      latency_ms: 0,
      error_code: '',
    };
    await client.insert({ table: TABLES.predictionEvents, values: [event], format: 'JSONEachRow' });
    const [stored] = await rows<{
      nan: number;
      pos: number;
      neg: number;
      value: number;
      t: string;
      ms: number;
    }>(
      `SELECT isNaN(numeric_values[1]) AS nan, isInfinite(numeric_values[2]) AND numeric_values[2] > 0 AS pos,
              isInfinite(numeric_values[3]) AND numeric_values[3] < 0 AS neg, numeric_values[4] AS value,
              toString(event_time) AS t, event_time_ms AS ms
       FROM ${TABLES.predictions} WHERE model = 'nan-check'`,
    );
    expect(stored).toEqual({ nan: 1, pos: 1, neg: 1, value: 2.5, t: '2026-11-28 13:00:00', ms: 7 });
  });

  it('show error_code in the view, empty for rows written without it', async () => {
    const base = { event_time: '2026-11-28 14:00:00', model: 'error-code-check', role: 'primary' };
    await client.insert({
      table: TABLES.predictionEvents,
      values: [
        { ...base, event_id: randomUUID(), request_id: 'answered' },
        { ...base, event_id: randomUUID(), request_id: 'failed', error_code: 'UNAVAILABLE' },
      ],
      format: 'JSONEachRow',
    });
    const stored = await rows<{ request_id: string; error_code: string }>(
      `SELECT request_id, error_code FROM ${TABLES.predictions}
       WHERE model = 'error-code-check' ORDER BY request_id`,
    );
    expect(stored).toEqual([
      { request_id: 'answered', error_code: '' },
      { request_id: 'failed', error_code: 'UNAVAILABLE' },
    ]);
  });
});

describe('analyst user', () => {
  it('reads the analyst views but cannot write', async () => {
    const analyst = createClickHouse({ ...options, username: 'analyst', password: 'analyst' });
    try {
      const found = await (
        await analyst.query({
          query: 'SELECT count() AS n FROM predictions',
          format: 'JSONEachRow',
        })
      ).json();
      expect(found).toHaveLength(1);
      await expect(
        analyst.command({ query: 'CREATE TABLE nope (x UInt8) ENGINE = Memory' }),
      ).rejects.toThrow(/readonly/i);
      await expect(
        analyst.insert({
          table: 'outcome_events',
          values: [{ event_id: 'x' }],
          format: 'JSONEachRow',
        }),
      ).rejects.toThrow(/readonly/i);
    } finally {
      await analyst.close();
    }
  });
});

describe('withBenchDatabase', () => {
  const keep = `ballast_it_bench_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const seeds: string[] = [];
  const seed = (key: string) => ({
    key,
    run: async (c: ClickHouseClient) => {
      seeds.push(key);
      await c.insert({
        table: TABLES.outcomeEvents,
        values: [{ event_id: key, ...eventTime(Date.UTC(2024, 0, 1)), metric: 'm', value: 1 }],
        format: 'JSONEachRow',
      });
    },
  });
  const ids = (c: ClickHouseClient) =>
    c
      .query({ query: `SELECT event_id FROM ${TABLES.outcomeEvents}`, format: 'JSONEachRow' })
      .then((r) => r.json<{ event_id: string }>())
      .then((rows) => rows.map((r) => r.event_id));

  afterAll(async () => {
    await client.command({ query: `DROP DATABASE IF EXISTS ${ident(keep).text}` });
  });

  it('seeds a kept database once per seed key, and reseeds it from scratch for another', async () => {
    const run = (key: string) =>
      withBenchDatabase(
        { url: stack.CLICKHOUSE_URL, keep, prefix: 'unused', seed: seed(key) },
        async (c, reused) => ({ reused, ids: await ids(c) }),
      );
    expect(await run('a')).toEqual({ reused: false, ids: ['a'] });
    expect(await run('a')).toEqual({ reused: true, ids: ['a'] });
    expect(await run('b')).toEqual({ reused: false, ids: ['b'] });
    expect(seeds).toEqual(['a', 'b']);
  });

  it('drops a database of its own at the end', async () => {
    const prefix = `ballast_it_bench_own_${randomUUID().replace(/-/g, '').slice(0, 8)}`;
    await withBenchDatabase({ url: stack.CLICKHOUSE_URL, prefix, seed: seed('c') }, async () => {
      expect(
        await rows(`SELECT name FROM system.databases WHERE name = '${prefix}_${process.pid}'`),
      ).toHaveLength(1);
    });
    expect(
      await rows(`SELECT name FROM system.databases WHERE name = '${prefix}_${process.pid}'`),
    ).toEqual([]);
  });
});
