/**
 * Benchmark: a drift report (collect in ClickHouse + analysis) over one window of
 * 10M prediction events × 20 numeric features, and, on a smaller window, the naive
 * way (pull the raw values into Node and compute there with libs/stats) against the
 * pushed-down way. Seeded with INSERT ... SELECT FROM numbers(N) into a private
 * database, dropped afterwards.
 *
 *   npx nx run drift-analysis:build && \
 *   node services/drift-analysis/dist/bench.js   # CLICKHOUSE_URL, BENCH_ROWS, BENCH_SMALL_ROWS, BENCH_SAMPLE_EVENTS
 *
 * BENCH_DATABASE=name keeps the seeded data in that database for the next run with
 * the same sizes, which then skips seeding (withBenchDatabase, libs/clickhouse).
 */
import { ident, sql, TABLES, withBenchDatabase } from '@ballast/clickhouse';
import type { ReferenceProfile } from '@ballast/model-store';
import { binCounts, fitBinEdges } from '@ballast/stats';
import type { ClickHouseClient } from '@clickhouse/client';
import { parseMonitors, type MonitorDefinition } from './domain/monitor';
import { buildReferences, type NumericReference } from './domain/reference';
import { analyseWindow } from './domain/window-analysis';
import type { NumericWindowStats } from './domain/window-stats';
import { histogramQuery, layoutPlan, momentsQuery } from './queries/layout-stats';
import { ClickHouseWindowSource } from './queries/window-collector';
import { windowSource } from './queries/window-filter';

const FEATURES = 20;
/** Features 0 and 1 are shifted by this share of their range in the current windows. */
const SHIFT = 0.2;
const HOUR = 3_600_000;
const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const names = Array.from({ length: FEATURES }, (_, j) => `f${String(j).padStart(2, '0')}`);

/** Feature j is uniform on [j, j + 1 + j / 10): the reference draws it the same way. */
function referenceProfile(rows: number): ReferenceProfile {
  const features: ReferenceProfile['features'] = {};
  names.forEach((name, j) => {
    const values = Array.from({ length: rows }, () => j + Math.random() * (1 + j / 10));
    const sorted = [...values].sort((a, b) => a - b);
    const mean = values.reduce((a, b) => a + b, 0) / rows;
    const fitted = fitBinEdges({ reference: values, bins: 10 });
    if (fitted.status !== 'ok') throw new Error('no edges');
    const probs = [0.25, 0.5, 0.75];
    features[name] = {
      type: 'numeric',
      count: rows,
      missing: 0,
      mean,
      std: Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (rows - 1)),
      min: sorted[0] as number,
      max: sorted[rows - 1] as number,
      quantiles: { probs, values: probs.map((p) => sorted[Math.floor(p * rows)] as number) },
      bins: { edges: fitted.edges, counts: binCounts({ values, edges: fitted.edges }).counts },
      sample: values.slice(0, 5000),
    };
  });
  return { rows, features, predictions: {}, targets: {} };
}

async function seed(
  clickhouse: ClickHouseClient,
  model: string,
  windowStart: number,
  rows: number,
): Promise<void> {
  const t0 = windowStart / 1000;
  // One missing value in a thousand; features 0 and 1 shifted. rand(j) is evaluated per element.
  await clickhouse.command({
    query: sql`INSERT INTO ${ident(TABLES.predictionEvents)}
      (event_id, event_time, event_time_ms, model, model_version, deployment, variant, experiment_id,
       unit_id, request_id, role, numeric_names, numeric_values, latency_ms)
      SELECT concat(toString(${t0}), '-', toString(number)), toDateTime(${t0} + number % 3600, 'UTC'),
        number % 1000, ${model}, '1', ${`${model}@1`}, '', '', toString(number), '', 'primary', ${names},
        arrayMap(j -> if(number % 1000 = j, nan,
          j + (rand(j) / 4294967296.0 + if(j < 2, ${SHIFT}, 0)) * (1 + j / 10)), range(${FEATURES})),
        1
      FROM numbers(${rows})`.text,
  });
}

/** The naive way: every event's values into Node, statistics there. */
async function naiveStats(
  clickhouse: ClickHouseClient,
  model: string,
  window: { start: Date; end: Date },
  refs: readonly NumericReference[],
): Promise<Map<string, NumericWindowStats>> {
  const q = sql`SELECT numeric_names, numeric_values FROM ${windowSource({
    model,
    windowStart: window.start,
    windowEnd: window.end,
  })}`;
  const rows = await (
    await clickhouse.query({ query: q.text, format: 'JSONEachRow' })
  ).json<{ numeric_names: string[]; numeric_values: (number | null)[] }>();
  const columns = new Map<string, (number | null)[]>(refs.map((r) => [r.name, []]));
  for (const { numeric_names: rowNames, numeric_values: values } of rows) {
    rowNames.forEach((n, i) => columns.get(n)?.push(values[i] ?? null));
  }
  const out = new Map<string, NumericWindowStats>();
  for (const ref of refs) {
    const column = columns.get(ref.name) ?? [];
    // JSON carries NaN as null: missing.
    const finite = column.filter((v): v is number => v !== null && Number.isFinite(v));
    const mean = finite.reduce((a, b) => a + b, 0) / finite.length;
    out.set(ref.name, {
      type: 'numeric',
      rows: column.length,
      missing: column.length - finite.length,
      infinite: 0,
      finite: finite.length,
      min: finite.reduce((a, b) => Math.min(a, b), Infinity),
      max: finite.reduce((a, b) => Math.max(a, b), -Infinity),
      mean,
      variance: finite.reduce((a, v) => a + (v - mean) ** 2, 0) / (finite.length - 1),
      belowMin: finite.filter((v) => v < ref.min).length,
      aboveMax: finite.filter((v) => v > ref.max).length,
      fineCounts: binCounts({ values: finite, edges: ref.fineEdges }).counts,
      values: finite,
    });
  }
  return out;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

interface Report {
  ms: number;
  queryMs: number;
  drifted: string[];
  /** Each statistic, by `feature:method`. */
  values: Map<string, number>;
}

async function timeReport(
  source: ClickHouseWindowSource,
  monitor: MonitorDefinition,
  refs: readonly NumericReference[],
  start: number,
): Promise<Report> {
  const began = performance.now();
  const { stats, recentVolumes } = await source.collect({
    start: new Date(start),
    end: new Date(start + HOUR),
  });
  const queried = performance.now();
  const analysis = analyseWindow({ monitor, references: refs, stats, recentVolumes });
  return {
    ms: performance.now() - began,
    queryMs: queried - began,
    drifted: analysis.features.filter((f) => f.verdict === 'drift').map((f) => f.feature),
    values: new Map(
      analysis.features.flatMap((f) =>
        f.results.map((r) => [`${f.feature}:${r.method}`, r.value] as const),
      ),
    ),
  };
}

async function main(): Promise<void> {
  const rows = env('BENCH_ROWS', 10_000_000);
  const smallRows = env('BENCH_SMALL_ROWS', 200_000);
  const model = 'bench-drift';
  const large = Math.floor(Date.UTC(2024, 0, 1) / HOUR) * HOUR;
  const small = large + 2 * HOUR;
  const seeding = performance.now();
  const database = {
    url: process.env.CLICKHOUSE_URL ?? 'http://127.0.0.1:18123',
    ...(process.env.BENCH_DATABASE ? { keep: process.env.BENCH_DATABASE } : {}),
    prefix: 'ballast_bench_drift',
    seed: {
      key: `drift ${rows} + ${smallRows} events x ${FEATURES} features`,
      run: async (clickhouse: ClickHouseClient) => {
        await seed(clickhouse, model, large, rows);
        await seed(clickhouse, model, small, smallRows);
      },
    },
  };
  await withBenchDatabase(database, async (clickhouse, reused) => {
    const monitor = parseMonitors([
      { name: 'bench', model, referenceVersion: '1', windowSeconds: 3600 },
    ])[0] as MonitorDefinition;
    const refs = buildReferences(
      referenceProfile(100_000),
      names.map((name) => ({ name, type: 'numeric' as const })),
    ) as NumericReference[];
    console.log(
      `${reused ? 'reused' : 'seeded'} ${rows} + ${smallRows} events × ${FEATURES} features in ${seconds(performance.now() - seeding)}`,
    );
    const sourceOf = (sampleEvents: number) =>
      new ClickHouseWindowSource({
        clickhouse,
        monitor,
        references: refs,
        rawMaxRows: 5000,
        volumeHistoryWindows: 24,
        sampleEvents,
      });
    // The report as the service runs it (a sample of DRIFT_SAMPLE_EVENTS' default), and exactly.
    const sampleEvents = env('BENCH_SAMPLE_EVENTS', 1_000_000);
    const reports: Record<string, Awaited<ReturnType<typeof timeReport>>> = {};
    for (const [label, sample] of [
      [`sampled (at least ${sampleEvents} events)`, sampleEvents],
      ['exact (every event)', 0],
    ] as const) {
      const source = sourceOf(sample);
      for (let run = 1; run <= 2; run += 1) {
        const r = await timeReport(source, monitor, refs, large);
        reports[label] = r;
        console.log(
          `report over ${rows} events, ${label}, run ${run}: ${seconds(r.ms)} (queries ${seconds(r.queryMs)}); drifted: ${r.drifted.join(', ')}`,
        );
      }
    }
    const [sampled, exact] = Object.values(reports) as [Report, Report];
    // Per method, the largest difference between the sampled and the exact value over the features.
    const gaps = new Map<string, number>();
    for (const [key, value] of exact.values) {
      const method = key.slice(key.indexOf(':') + 1);
      const gap = Math.abs(value - (sampled.values.get(key) ?? NaN));
      if (Number.isFinite(gap)) gaps.set(method, Math.max(gaps.get(method) ?? 0, gap));
    }
    console.log(
      `sampled vs exact, largest difference over the features: ${[...gaps]
        .map(([method, gap]) => `${method} ${gap.toExponential(2)}`)
        .join(', ')}`,
    );
    const plan = layoutPlan(names, refs);
    const selector = { model, windowStart: new Date(large), windowEnd: new Date(large + HOUR) };
    for (const [what, query] of [
      ['moments and checks query', momentsQuery(selector, plan)],
      ['histogram query', histogramQuery(selector, plan)],
    ] as const) {
      const began = performance.now();
      await (await clickhouse.query({ query: query.text, format: 'JSONEachRow' })).json();
      console.log(`${what} alone: ${seconds(performance.now() - began)}`);
    }
    const pushed = await timeReport(sourceOf(0), monitor, refs, small);
    const began = performance.now();
    const stats = await naiveStats(
      clickhouse,
      model,
      { start: new Date(small), end: new Date(small + HOUR) },
      refs,
    );
    const pulled = performance.now();
    const analysis = analyseWindow({
      monitor,
      references: refs,
      stats: {
        windowStart: new Date(small),
        windowEnd: new Date(small + HOUR),
        rows: smallRows,
        features: stats,
      },
      recentVolumes: [],
    });
    const naiveMs = performance.now() - began;
    const naiveDrifted = analysis.features.filter((f) => f.verdict === 'drift');
    console.log(
      `window of ${smallRows} events: pushed down ${seconds(pushed.ms)}; naive ${seconds(naiveMs)} (pull ${seconds(pulled - began)}, Node ${seconds(performance.now() - pulled)}); naive / pushed = ${(naiveMs / pushed.ms).toFixed(1)}×; drifted: ${naiveDrifted.map((f) => f.feature).join(', ')}`,
    );
    console.log(
      `memory: rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB after the naive run`,
    );
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
