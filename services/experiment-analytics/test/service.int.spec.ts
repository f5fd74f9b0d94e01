/**
 * The BUILT service as a real process against the real ClickHouse: an experiment with
 * a real effect in EXPERIMENTS_FILE, analysed by the scheduler; its gauges on
 * /metrics, its report over gRPC (ExperimentService), and the built `ballast
 * experiment report` against it (terminal, JSON, and the HTML drawn by headless
 * Chromium when the binary is there); the model's traffic rate over gRPC and as the
 * daily units of the built `ballast experiment plan --model`.
 */
import { createClickHouse, ensureDatabase, ident, migrate } from '@ballast/clickhouse';
import { ExperimentService } from '@ballast/contracts';
import { createClient } from '@ballast/grpc';
import { mdeForProportions } from '@ballast/stats';
import { ServiceProcess, stackFromEnv } from '@ballast/testing';
import type { ClickHouseClient } from '@clickhouse/client';
import { status } from '@grpc/grpc-js';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseExperimentDefinition } from '../src/domain/experiment-definition';
import { insertEventsInTwoParts, simulate } from './synthetic';

const stack = stackFromEnv();
const database = `ballast_eas_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
const HOUR = 3_600_000;
const now = Date.now();
const raw = {
  id: `exp-${randomUUID().slice(0, 8)}`,
  model: 'breast-cancer',
  variants: [
    { name: 'v1', weight: 0.5 },
    { name: 'v2', weight: 0.5 },
  ],
  controlVariant: 'v1',
  start: new Date(now - 72 * HOUR).toISOString(),
  end: new Date(now - HOUR).toISOString(),
  metrics: [
    { name: 'conversion', kind: 'binary', outcome: 'converted' },
    { name: 'revenue', kind: 'continuous', outcome: 'revenue' },
  ],
};
const def = parseExperimentDefinition(raw);
const CLI = join(__dirname, '../../../cli/bin/ballast.js');
const CHROMIUM = ['chromium', 'chromium-browser'].find(
  (bin) => spawnSync(bin, ['--version'], { stdio: 'ignore' }).status === 0,
);

let clickhouse: ClickHouseClient;
let service: ServiceProcess;
let dir: string;
let address: string;
let metricsUrl: string;
let predictions: number;

async function until<T>(what: string, probe: () => T | undefined, ms = 120_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

beforeAll(async () => {
  const options = { url: stack.CLICKHOUSE_URL, database };
  await ensureDatabase(options);
  clickhouse = createClickHouse(options);
  await migrate(clickhouse);
  const rows = simulate(
    def,
    [
      { variant: 'v1', units: 3000, conversion: 0.1 },
      { variant: 'v2', units: 3000, conversion: 0.14 },
    ],
    11,
  );
  predictions = rows.predictions.length;
  // Two parts of exposures of similar size, which the scheduler merges after its first look.
  await insertEventsInTwoParts(clickhouse, rows);
  dir = mkdtempSync(join(tmpdir(), 'ballast-ea-'));
  writeFileSync(join(dir, 'experiments.json'), JSON.stringify([raw]));
  service = await ServiceProcess.start({
    entry: 'services/experiment-analytics/dist/main.js',
    readyMessage: 'experiment analytics ready',
    env: {
      CLICKHOUSE_URL: stack.CLICKHOUSE_URL,
      CLICKHOUSE_DATABASE: database,
      EXPERIMENTS_FILE: join(dir, 'experiments.json'),
      EXPERIMENTS_GRPC_PORT: '0',
      METRICS_PORT: '0',
      ANALYSIS_INTERVAL_MS: '1000',
      LOG_LEVEL: 'info',
    },
  });
  address = `127.0.0.1:${String(service.ready.grpcPort)}`;
  metricsUrl = `http://127.0.0.1:${String(service.ready.metricsPort)}/metrics`;
  // Two looks, in different seconds of computed_at: a timeline of two points.
  await until('two analyses', () =>
    service.logs.filter((l) => l.msg === 'experiment analysed').length >= 2 ? true : undefined,
  );
}, 180_000);

afterAll(async () => {
  await service?.stop();
  await clickhouse?.command({ query: `DROP DATABASE IF EXISTS ${ident(database).text}` });
  await clickhouse?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A sample's value, by metric name and some of its labels (the registry adds `service`). */
function gauge(text: string, name: string, labels: string): number | undefined {
  const wanted = labels.split(',');
  const line = text.split('\n').find((l) => {
    const match = /^([^{ ]+)\{(.*)\} /.exec(l);
    return match?.[1] === name && wanted.every((w) => (match[2] ?? '').split(',').includes(w));
  });
  return line === undefined ? undefined : Number(line.split(' ').pop());
}

describe('experiment-analytics as a process', () => {
  it('exports the analysis as gauges and serves it over gRPC', async () => {
    const client = createClient(ExperimentService, address);
    try {
      const { report, timeline } = await client.getExperimentReport({ experimentId: def.id });
      expect(report?.decision).toMatchObject({ recommendation: 'ship', variant: 'v2' });
      expect(report?.srm).toMatchObject({ status: 'ok', mismatch: false });
      const units = report?.variants.map((v) => Number(v.units)) ?? [];
      expect(units[0]).toBeGreaterThan(2900);
      const conversion = report?.metrics.find((m) => m.metric === 'conversion');
      const v2 = conversion?.variants.find((v) => v.variant === 'v2')?.comparison;
      expect(v2).toMatchObject({ status: 'ok', significant: true, verdict: 'better' });
      expect(v2?.absolute?.lower).toBeGreaterThan(0);
      expect(v2?.adjustedPValue).toBeLessThan(0.05);
      const points = timeline.filter((t) => t.metric === 'conversion' && t.variant === 'v2');
      expect(points.length).toBeGreaterThanOrEqual(2);

      const metrics = await (await fetch(metricsUrl)).text();
      const labels = `experiment="${def.id}"`;
      expect(gauge(metrics, 'ballast_experiment_units', `${labels},variant="v1"`)).toBe(units[0]);
      expect(
        gauge(metrics, 'ballast_experiment_recommendation', `${labels},recommendation="ship"`),
      ).toBe(1);
      expect(gauge(metrics, 'ballast_experiment_srm_p_value', labels)).toBeCloseTo(
        report?.srm?.pValue as number,
        9,
      );
      // Merged after the first look, and only then: the second look found one part.
      expect(service.logs.filter((l) => l.msg === 'experiment exposures merged')).toHaveLength(1);
      expect(gauge(metrics, 'ballast_experiment_exposures_merge_seconds_count', labels)).toBe(1);

      await expect(client.getExperimentReport({ experimentId: 'nope' })).rejects.toMatchObject({
        code: status.NOT_FOUND,
      });
      const { experiments } = await client.listExperiments({});
      expect(experiments).toEqual([
        expect.objectContaining({ id: def.id, recommendation: 'ship', sequential: false }),
      ]);
    } finally {
      client.close();
    }
  });

  it('is reported by the built CLI: table, JSON, HTML with drawn charts', () => {
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [CLI, 'experiment', 'report', ...args], {
        encoding: 'utf8',
        cwd: dir,
        env: { ...process.env, BALLAST_EXPERIMENTS: address },
      });
    const table = run(def.id);
    expect(table.stderr).toBe('');
    expect(table.status).toBe(0);
    const lines = table.stdout.split('\n');
    const srm = lines.findIndex((l) => l.startsWith('Sample ratio: p = '));
    const metric = lines.findIndex((l) => l.startsWith('conversion (binary'));
    const decision = lines.findIndex((l) => l.startsWith('Decision: ship v2: '));
    expect(srm).toBeGreaterThanOrEqual(0);
    expect(metric).toBeGreaterThan(srm);
    expect(decision).toBeGreaterThan(metric);
    expect(table.stdout).toMatch(/^v2 .* better$/m);

    const html = join(dir, 'report.html');
    const json = run(def.id, '--json', '--html', html, '--address', address);
    expect(json.status).toBe(0);
    const parsed = JSON.parse(json.stdout) as { report: { decision: { variant: string } } };
    expect(parsed.report.decision.variant).toBe('v2');
    expect(readFileSync(html, 'utf8')).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);

    const missing = run('nope');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/NOT_FOUND: experiment_id: no experiment "nope"/);

    if (CHROMIUM === undefined) {
      console.warn('HTML charts not checked: no chromium binary on PATH');
      return;
    }
    const dom = execFileSync(
      CHROMIUM,
      ['--headless', '--disable-gpu', '--no-sandbox', '--dump-dom', pathToFileURL(html).href],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 60_000 },
    );
    for (const name of ['conversion', 'revenue']) {
      const section = dom.split(`data-metric="${name}"`)[1]?.split('</section>')[0] ?? '';
      // One treatment: one interval and one estimate; its effect line over ≥ 2 looks.
      expect(section.match(/class="ci"/g)).toHaveLength(1);
      expect(section.match(/class="estimate"/g)).toHaveLength(1);
      expect(section.match(/class="effect-line"/g)).toHaveLength(1);
      expect((section.match(/class="look"/g) ?? []).length).toBeGreaterThanOrEqual(2);
    }
  });

  it("serves the model's traffic rate and rejects a bad request naming the field", async () => {
    const client = createClient(ExperimentService, address);
    try {
      // Every simulated unit was exposed 25 to 72 hours ago: all in the default 7 days.
      const rate = await client.getTrafficRate({ model: def.model });
      expect(rate).toMatchObject({
        model: def.model,
        lookbackDays: 7,
        units: 6000n,
        requests: BigInt(predictions),
      });
      expect(rate.unitsPerDay).toBeCloseTo(6000 / 7, 9);
      await expect(client.getTrafficRate({ model: '' })).rejects.toMatchObject({
        code: status.INVALID_ARGUMENT,
        details: 'model: must not be empty',
      });
      await expect(
        client.getTrafficRate({ model: def.model, lookbackDays: 40 }),
      ).rejects.toMatchObject({
        code: status.INVALID_ARGUMENT,
        details: expect.stringMatching(/^lookback_days: must be 1 to 31/),
      });
    } finally {
      client.close();
    }
  });

  it('plans with the rate read by the built CLI: the MDE in D days, the days to an MDE', () => {
    const plan = (...args: string[]) =>
      spawnSync(process.execPath, [CLI, 'experiment', 'plan', '--baseline', '0.1', ...args], {
        encoding: 'utf8',
        cwd: dir,
        env: { ...process.env, BALLAST_EXPERIMENTS: address },
      });
    const inDays = plan('--days', '14', '--model', def.model, '--json');
    expect(inDays.stderr).toBe('');
    expect(inDays.status).toBe(0);
    // 14 days × 6,000 / 7 units a day over two arms: 6,000 per arm.
    const report = JSON.parse(inDays.stdout) as Record<string, unknown>;
    expect(report).toMatchObject({
      solve_for: 'mde',
      per_arm: 6000,
      days: 14,
      traffic: { model: def.model, lookback_days: 7, units: 6000, requests: predictions },
    });
    expect(report['daily_units']).toBeCloseTo(6000 / 7, 9);
    expect(report['absolute_mde']).toBeCloseTo(
      mdeForProportions({ baseline: 0.1, sampleSize: 6000 }).absolute,
      12,
    );

    const text = plan('--mde', '0.02', '--model', def.model, '--address', address);
    expect(text.status).toBe(0);
    // 7,246 units at 857.1 a day: 8.45 → 9 days.
    expect(text.stdout).toMatch(/^duration +9 day\(s\) at 857\.143 units\/day$/m);
    expect(text.stdout).toMatch(
      new RegExp(
        `^traffic +${def.model}: 6,000 distinct units, [\\d,]+ requests in the last 7 day\\(s\\)`,
        'm',
      ),
    );

    const none = plan('--days', '14', '--model', 'no-such-model', '--lookback-days', '3');
    expect(none.status).toBe(1);
    expect(none.stderr).toBe(
      'ballast: no traffic for model no-such-model in the last 3 day(s); give --daily-units N instead\n',
    );
    const bad = plan('--days', '14', '--model', 'Bad Name');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^ballast: INVALID_ARGUMENT: model: "Bad Name" is not a model name/);
  });
});
