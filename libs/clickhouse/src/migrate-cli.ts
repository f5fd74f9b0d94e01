/**
 * Applies the schema migrations: `node libs/clickhouse/dist/migrate-cli.js`.
 * Services run the same migrations at start; this is for the local stack and for
 * operators who want the schema before any service runs.
 */
import { loadConfig, str, url } from '@ballast/config';
import { createClickHouse, ensureDatabase } from './client';
import { migrate } from './migrations';

async function main(): Promise<void> {
  const config = loadConfig({
    CLICKHOUSE_URL: url({ devDefault: 'http://127.0.0.1:18123' }),
    CLICKHOUSE_DATABASE: str({ default: 'ballast' }),
    CLICKHOUSE_USER: str({ default: 'default' }),
    CLICKHOUSE_PASSWORD: str({ default: '' }),
  });
  const options = {
    url: config.CLICKHOUSE_URL,
    database: config.CLICKHOUSE_DATABASE,
    username: config.CLICKHOUSE_USER,
    password: config.CLICKHOUSE_PASSWORD,
  };
  await ensureDatabase(options);
  const client = createClickHouse(options);
  try {
    const { applied } = await migrate(client);
    process.stdout.write(
      `clickhouse ${options.database}: ${applied.length === 0 ? 'schema up to date' : `applied migrations ${applied.join(', ')}`}\n`,
    );
  } finally {
    await client.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `migration failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  if (error instanceof Error && error.cause)
    process.stderr.write(`caused by: ${String(error.cause)}\n`);
  process.exitCode = 1;
});
