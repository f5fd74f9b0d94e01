import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import type { ClickHouseClient, ClickHouseSettings } from '@clickhouse/client';
import { insertSettings } from './client';
import { ident, sql } from './sql';

/** One schema change: a numbered .sql file of `;`-terminated statements, each idempotent. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly statements: readonly string[];
  readonly checksum: string;
}

/** Thrown when a migration file is malformed or was edited after being applied. */
export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

/** The schema's home: libs/clickhouse/migrations (one level above both src/ and dist/). */
export const MIGRATIONS_DIR = path.join(__dirname, '..', 'migrations');

const FILE_NAME = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/** Parses `NNNN_name.sql` files in version order. */
export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const migrations = readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .sort()
    .map((file) => {
      const match = FILE_NAME.exec(file);
      if (!match)
        throw new MigrationError(`${file}: migration files are named NNNN_snake_name.sql`);
      const text = readFileSync(path.join(dir, file), 'utf8');
      const statements = text
        .split('\n')
        .filter((line) => !line.trimStart().startsWith('--'))
        .join('\n')
        .split(/;\s*$/m)
        .map((s) => s.trim())
        .filter((s) => s !== '');
      if (statements.length === 0) throw new MigrationError(`${file}: no statements`);
      return {
        version: Number(match[1]),
        name: match[2] as string,
        statements,
        checksum: createHash('sha256').update(text).digest('hex'),
      };
    });
  migrations.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new MigrationError(
        `migration versions must run 1, 2, 3...; found ${m.version} at position ${i + 1}`,
      );
  });
  return migrations;
}

const LEDGER = 'schema_migrations';

/** `ALTER TABLE <table> ADD COLUMN IF NOT EXISTS <column> ...`, which 18.16 cannot parse. */
const ADD_COLUMN_IF_NOT_EXISTS =
  /^(ALTER\s+TABLE\s+([A-Za-z_][A-Za-z0-9_]*)\s+ADD\s+COLUMN\s+)IF\s+NOT\s+EXISTS\s+([A-Za-z_][A-Za-z0-9_]*)\b/i;

async function hasColumn(client: ClickHouseClient, table: string, column: string) {
  const rows = await (
    await client.query({
      query: sql`SELECT count() AS n FROM system.columns
                 WHERE database = currentDatabase() AND table = ${table} AND name = ${column}`.text,
      format: 'JSONEachRow',
    })
  ).json<{ n: string | number }>();
  return Number(rows[0]?.n) > 0;
}

/**
 * Runs one statement. ADD COLUMN IF NOT EXISTS is emulated, so that it stays
 * idempotent on 18.16: skipped when the column exists, else sent without the clause;
 * if that fails because a concurrent start added the column meanwhile, it is done.
 */
async function apply(
  client: ClickHouseClient,
  statement: string,
  settings: ClickHouseSettings,
): Promise<void> {
  const match = ADD_COLUMN_IF_NOT_EXISTS.exec(statement);
  if (!match) {
    await client.command({ query: statement, clickhouse_settings: settings });
    return;
  }
  const [clause, head, table, column] = match as unknown as [string, string, string, string];
  if (await hasColumn(client, table, column)) return;
  try {
    await client.command({ query: head + column + statement.slice(clause.length) });
  } catch (error) {
    if (!(await hasColumn(client, table, column))) throw error;
  }
}

/**
 * Applies the migrations not yet recorded in `schema_migrations`, in order. Safe to
 * run at every service start and from several services at once: each statement is
 * idempotent (IF NOT EXISTS), so a race applies it twice harmlessly. A migration
 * whose file changed after it was applied is refused: add a new one instead.
 */
export async function migrate(
  client: ClickHouseClient,
  migrations: readonly Migration[] = loadMigrations(),
): Promise<{ applied: number[] }> {
  await client.command({
    query: `CREATE TABLE IF NOT EXISTS ${LEDGER} (version UInt32, name String, checksum String, applied_at DateTime)
            ENGINE = MergeTree ORDER BY version`,
  });
  const rows = await (
    await client.query({
      query: `SELECT version, any(checksum) AS checksum FROM ${LEDGER} GROUP BY version`,
      format: 'JSONEachRow',
    })
  ).json<{ version: number; checksum: string }>();
  const done = new Map(rows.map((r) => [Number(r.version), r.checksum]));
  const applied: number[] = [];
  // A backfill into a partitioned table is an insert of many partitions at once.
  let settings: ClickHouseSettings | undefined;
  for (const migration of migrations) {
    const recorded = done.get(migration.version);
    if (recorded !== undefined) {
      if (recorded !== migration.checksum) {
        throw new MigrationError(
          `migration ${migration.version} (${migration.name}) changed after it was applied; add a new migration instead`,
        );
      }
      continue;
    }
    for (const statement of migration.statements) {
      try {
        settings ??= await insertSettings(client);
        await apply(client, statement, settings);
      } catch (error) {
        throw new MigrationError(
          `migration ${migration.version} (${migration.name}) failed: ${statement.slice(0, 200)}`,
          {
            cause: error,
          },
        );
      }
    }
    await client.command({
      query: sql`INSERT INTO ${ident(LEDGER)} (version, name, checksum, applied_at)
                 VALUES (${migration.version}, ${migration.name}, ${migration.checksum}, now())`
        .text,
    });
    applied.push(migration.version);
  }
  return { applied };
}
