/**
 * A benchmark's private database, migrated and seeded. With `keep` (the benchmarks'
 * BENCH_DATABASE=name) it survives the run, and the next run with the same seed
 * reuses its rows instead of seeding again; without, it is a database of the
 * process's own, dropped at the end. A kept database records what it was seeded with
 * (`seed.key`, e.g. the sizes), so a run never measures rows another benchmark or
 * another size left there: a different key drops and seeds it again.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { createClickHouse, ensureDatabase } from './client';
import { migrate } from './migrations';
import { ident, sql } from './sql';

const SEED_TABLE = 'bench_seed';

export interface BenchDatabaseOptions {
  readonly url: string;
  /** Kept (and reused) under this name; a fresh `<prefix>_<pid>` dropped at the end when absent. */
  readonly keep?: string;
  readonly prefix: string;
  readonly seed: {
    /** What the rows are: same key, same rows. */
    readonly key: string;
    readonly run: (clickhouse: ClickHouseClient) => Promise<void>;
  };
}

async function seededKey(clickhouse: ClickHouseClient): Promise<string | undefined> {
  const exists = await clickhouse.query({
    query: sql`SELECT count() AS n FROM system.tables
      WHERE database = currentDatabase() AND name = ${SEED_TABLE}`.text,
    format: 'JSONEachRow',
  });
  if (Number((await exists.json<{ n: string }>())[0]?.n) === 0) return undefined;
  const rows = await clickhouse.query({
    query: `SELECT key FROM ${ident(SEED_TABLE).text}`,
    format: 'JSONEachRow',
  });
  return (await rows.json<{ key: string }>())[0]?.key;
}

/**
 * Runs `body` on the benchmark's database, seeded by `seed.run` unless a kept one
 * already holds that seed; `reused` tells which.
 */
export async function withBenchDatabase<T>(
  options: BenchDatabaseOptions,
  body: (clickhouse: ClickHouseClient, reused: boolean) => Promise<T>,
): Promise<T> {
  const database = options.keep ?? `${options.prefix}_${process.pid}`;
  const connection = { url: options.url, database, requestTimeoutMs: 600_000 };
  const drop = `DROP DATABASE IF EXISTS ${ident(database).text}`;
  await ensureDatabase(connection);
  const clickhouse = createClickHouse(connection);
  try {
    const reused = (await seededKey(clickhouse)) === options.seed.key;
    if (!reused) {
      // Whatever else is there (another seed, a half-seeded run) goes.
      await clickhouse.command({ query: drop });
      await ensureDatabase(connection);
    }
    // A kept database also gets the migrations added since it was seeded.
    await migrate(clickhouse);
    if (!reused) {
      await options.seed.run(clickhouse);
      await clickhouse.command({
        query: `CREATE TABLE ${ident(SEED_TABLE).text} (key String) ENGINE = TinyLog`,
      });
      await clickhouse.insert({
        table: SEED_TABLE,
        values: [{ key: options.seed.key }],
        format: 'JSONEachRow',
      });
    }
    return await body(clickhouse, reused);
  } finally {
    if (options.keep === undefined) await clickhouse.command({ query: drop });
    await clickhouse.close();
  }
}
