/**
 * @ballast/clickhouse: one ClickHouse client per process, schema migrations, and SQL
 * building that escapes values and whitelists identifiers. Every query Ballast sends
 * runs on ClickHouse 18.16 and on current releases.
 *
 * @example
 * import { createClickHouse, ensureDatabase, migrate, sql, ident } from '@ballast/clickhouse';
 * const options = { url: config.CLICKHOUSE_URL, database: 'ballast' };
 * await ensureDatabase(options);
 * const clickhouse = createClickHouse(options);
 * await migrate(clickhouse);
 * const q = sql`SELECT count() AS n FROM ${ident('prediction_events')} WHERE model = ${model}`;
 * const rows = await (await clickhouse.query({ query: q.text, format: 'JSONEachRow' })).json();
 */
export type { BenchDatabaseOptions } from './bench-database';
export { withBenchDatabase } from './bench-database';
export type { ClickHouseOptions } from './client';
export { createClickHouse, ensureDatabase, insertSettings, stringifyRow } from './client';
export type { Migration } from './migrations';
export { MIGRATIONS_DIR, MigrationError, loadMigrations, migrate } from './migrations';
export type { SqlValue } from './sql';
export { Sql, UnsafeSqlError, ident, inList, join, literal, sql } from './sql';
export type { EventTime, OutcomeEventRow, PredictionEventRow, TableName } from './tables';
export { TABLES, eventTime } from './tables';
