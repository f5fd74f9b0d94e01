import { createClient, type ClickHouseClient, type ClickHouseSettings } from '@clickhouse/client';
import { ident } from './sql';

export interface ClickHouseOptions {
  /** HTTP(S) endpoint, e.g. http://127.0.0.1:18123 */
  url: string;
  username?: string;
  password?: string;
  database: string;
  /** Upper bound on sockets this process opens to ClickHouse. */
  maxOpenConnections?: number;
  requestTimeoutMs?: number;
}

/**
 * The process's ClickHouse client. Create one at start-up, share it, and `close()`
 * it on shutdown: it pools HTTP connections.
 *
 * On 18.16, pass `format: 'JSONEachRow'` to every insert (the client's default,
 * JSONCompactEachRow, does not exist there) and expect 64-bit integers (`count()`)
 * back as strings.
 */
export function createClickHouse(options: ClickHouseOptions): ClickHouseClient {
  return createClient({
    url: options.url,
    username: options.username ?? 'default',
    password: options.password ?? '',
    database: options.database,
    max_open_connections: options.maxOpenConnections ?? 10,
    request_timeout: options.requestTimeoutMs ?? 30_000,
    // Response compression sends the enable_http_compression setting, which a
    // read-only user (the analyst) may not send; plain HTTP keeps one client
    // configuration valid for every user.
    compression: { request: false, response: false },
    json: { parse: JSON.parse, stringify: stringifyRow },
  });
}

/**
 * JSON for inserts, with NaN and ±Infinity (missing and overflowing feature values)
 * written as the strings "nan", "inf" and "-inf", which ClickHouse reads into Float64
 * columns. Plain JSON.stringify writes null, which 18.16 reads as NaN but current
 * releases read as 0 (input_format_null_as_default): a missing value would become a
 * real-looking zero.
 */
export function stringifyRow(value: unknown): string {
  const plain = JSON.stringify(value);
  // A replacer makes JSON.stringify several times slower; only rows that produced a
  // null (from a non-finite number, or a real null) pay for it.
  if (!plain.includes('null')) return plain;
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'number' && !Number.isFinite(v)
      ? Number.isNaN(v)
        ? 'nan'
        : v > 0
          ? 'inf'
          : '-inf'
      : v,
  );
}

/** Creates the database when missing (through the `default` database, which always exists). */
export async function ensureDatabase(options: ClickHouseOptions): Promise<void> {
  const bootstrap = createClickHouse({ ...options, database: 'default', maxOpenConnections: 1 });
  try {
    await bootstrap.command({
      query: `CREATE DATABASE IF NOT EXISTS ${ident(options.database).text}`,
    });
  } finally {
    await bootstrap.close();
  }
}

/**
 * Settings for inserts into prediction_events (the feature logger's, and the
 * migrations' backfills). Its materialized view writes one part per (model,
 * experiment) partition of experiment_first_exposures that an insert touches, and
 * releases after 18.16 refuse an insert block spanning more partitions than
 * max_partitions_per_insert_block (100 by default): a batch of more experiments than
 * that would fail at every retry and hold its partition. Where the server has the
 * setting, these lift the limit; 18.16 has neither the limit nor the setting, and
 * refuses a setting it does not know, so there they are empty.
 */
export async function insertSettings(client: ClickHouseClient): Promise<ClickHouseSettings> {
  const result = await client.query({
    query: `SELECT count() AS n FROM system.settings WHERE name = 'max_partitions_per_insert_block'`,
    format: 'JSONEachRow',
  });
  const [row] = await result.json<{ n: string | number }>();
  return Number(row?.n) > 0 ? { max_partitions_per_insert_block: '0' } : {};
}
