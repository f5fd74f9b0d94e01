/**
 * Benchmark: a full analysis (every aggregate query and the statistics) of one
 * experiment over 10M prediction and 2M outcome events, seeded in ClickHouse with
 * INSERT ... SELECT FROM numbers(N) into a private database, dropped afterwards.
 *
 *   npx nx run experiment-analytics:build && \
 *   node services/experiment-analytics/dist/bench.js   # CLICKHOUSE_URL, BENCH_PREDICTIONS, BENCH_OUTCOMES, BENCH_UNITS
 *
 * BENCH_DATABASE=name keeps the seeded data in that database for the next run with
 * the same sizes, which then skips seeding (withBenchDatabase, libs/clickhouse).
 *
 * Prints the seeding time, the exposures table's rows per unit (the seed leaves about
 * 4.6), three analyses (the first reads cold data) with the ClickHouse server's CPU
 * time for each; then merges the experiment's exposures as the analysis scheduler does
 * after a look (compactExposures: one row per unit), three analyses again, and each
 * of the analysis's two queries alone (they run in parallel in an analysis).
 */
import { ident, sql, TABLES, withBenchDatabase } from '@ballast/clickhouse';
import type { ClickHouseClient } from '@clickhouse/client';
import { analyzeExperiment } from './analysis/analyze-experiment';
import { parseExperimentDefinition } from './domain/experiment-definition';
import { compactExposures, loadExperimentData } from './queries/experiment-data';
import { servingStatsSql } from './queries/guardrails';
import { experimentSumsSql } from './queries/metric-stats';

const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);

/**
 * CPU time the ClickHouse server has spent on queries since it started (user +
 * system, from system.events): a report's cost in CPU, which other load on the
 * machine disturbs less than its wall time.
 */
async function serverCpuMs(clickhouse: ClickHouseClient): Promise<number> {
  const result = await clickhouse.query({
    query: `SELECT sum(value) AS us FROM system.events
      WHERE event IN ('UserTimeMicroseconds', 'SystemTimeMicroseconds')`,
    format: 'JSONEachRow',
  });
  return Number((await result.json<{ us: string }>())[0]?.us ?? 0) / 1000;
}

async function main(): Promise<void> {
  const predictions = env('BENCH_PREDICTIONS', 10_000_000);
  const outcomes = env('BENCH_OUTCOMES', 2_000_000);
  const units = env('BENCH_UNITS', 1_000_000);
  const seeding = performance.now();
  const start = new Date(Date.UTC(2024, 0, 1));
  const def = parseExperimentDefinition({
    id: 'bench',
    model: 'bench-model',
    variants: [
      { name: 'v1', weight: 0.5 },
      { name: 'v2', weight: 0.5 },
    ],
    controlVariant: 'v1',
    start: start.toISOString(),
    end: new Date(start.getTime() + 14 * 86_400_000).toISOString(),
    attributionWindowHours: 24,
    metrics: [
      { name: 'conversion', kind: 'binary', outcome: 'converted' },
      { name: 'revenue', kind: 'continuous', outcome: 'revenue' },
      {
        name: 'revenue_per_order',
        kind: 'ratio',
        numerator: 'revenue',
        denominator: 'converted',
      },
    ],
    guardrails: { latencyP95MaxIncrease: 0.2 },
  });
  const t0 = Math.floor(start.getTime() / 1000);
  // Units hash into variants by parity; requests spread over 13 days; outcomes follow
  // a request of the same unit by up to 12 hours.
  const database = {
    url: process.env.CLICKHOUSE_URL ?? 'http://127.0.0.1:18123',
    ...(process.env.BENCH_DATABASE ? { keep: process.env.BENCH_DATABASE } : {}),
    prefix: 'ballast_bench_ea',
    seed: {
      key: `experiment ${predictions} predictions, ${outcomes} outcomes, ${units} units`,
      run: async (clickhouse: ClickHouseClient) => {
        await clickhouse.command({
          query: sql`INSERT INTO ${ident(TABLES.predictionEvents)}
          (event_id, event_time, event_time_ms, model, model_version, deployment, variant, experiment_id,
           unit_id, request_id, role, output_names, output_values, latency_ms)
          SELECT toString(number), toDateTime(${t0} + intDiv(number * 1123, 1000) % (13 * 86400), 'UTC'),
            number % 1000, ${def.model}, '1', 'bench-model@1', if(number % ${units} % 2 = 0, 'v1', 'v2'), ${def.id},
            toString(number % ${units}), toString(number), 'primary', ['probabilities'], [[0.3, 0.7]],
            2 + (number % 97) / 10
          FROM numbers(${predictions})`.text,
        });
        await clickhouse.command({
          query: sql`INSERT INTO ${ident(TABLES.outcomeEvents)}
          (event_id, event_time, event_time_ms, model, model_version, deployment, request_id, unit_id, metric, value)
          SELECT concat('o', toString(number)),
            toDateTime(${t0} + intDiv(number * 1123, 1000) % (13 * 86400) + number % 43200, 'UTC'),
            0, ${def.model}, '', '', '', toString(number % ${units}),
            if(number % 2 = 0, 'converted', 'revenue'), if(number % 2 = 0, 1, number % 50)
          FROM numbers(${outcomes})`.text,
        });
      },
    },
  };
  await withBenchDatabase(database, async (clickhouse, reused) => {
    console.log(
      `${reused ? 'reused' : 'seeded'} ${predictions} predictions, ${outcomes} outcomes, ${units} units in ${((performance.now() - seeding) / 1000).toFixed(1)} s`,
    );
    // The exposures table's rows per unit set the cost of its GROUP BY: one once its
    // parts have merged; more while overlapping parts wait for a merge.
    const rowsPerUnit = async (): Promise<string> => {
      const result = await clickhouse.query({
        query: `SELECT count() AS n FROM ${ident(TABLES.experimentFirstExposures).text}`,
        format: 'JSONEachRow',
      });
      const rows = Number((await result.json<{ n: string }>())[0]?.n ?? 0);
      return `${TABLES.experimentFirstExposures}: ${rows} rows, ${(rows / units).toFixed(2)} per unit`;
    };
    const reports = async (): Promise<void> => {
      for (let run = 1; run <= 3; run += 1) {
        const cpuBefore = await serverCpuMs(clickhouse);
        const began = performance.now();
        const data = await loadExperimentData(clickhouse, def);
        const queried = performance.now();
        const report = analyzeExperiment({ definition: def, data, now: new Date() });
        const done = performance.now();
        const cpu = (await serverCpuMs(clickhouse)) - cpuBefore;
        console.log(
          `run ${run}: report in ${((done - began) / 1000).toFixed(2)} s (queries ${((queried - began) / 1000).toFixed(2)} s, statistics ${(done - queried).toFixed(1)} ms; ClickHouse CPU ${(cpu / 1000).toFixed(2)} s); units ${[...data.units.values()].join('/')}, decision ${report.decision.recommendation}`,
        );
      }
    };
    console.log(await rowsPerUnit());
    await reports();
    // What the analysis scheduler does after each look.
    const merging = performance.now();
    const merged = await compactExposures(clickhouse, def);
    const seconds = ((performance.now() - merging) / 1000).toFixed(2);
    console.log(
      merged
        ? `exposures merged by the scheduler's compaction in ${seconds} s; ${await rowsPerUnit()}`
        : `exposures not merged: the rows beyond the largest part are under a quarter of it`,
    );
    await reports();
    for (const [what, query] of [
      ['units and metrics query', experimentSumsSql(def)],
      ['serving guardrails query', servingStatsSql(def)],
    ] as const) {
      const began = performance.now();
      await (await clickhouse.query({ query: query.text, format: 'JSONEachRow' })).json();
      console.log(`${what} alone: ${((performance.now() - began) / 1000).toFixed(2)} s`);
    }
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
