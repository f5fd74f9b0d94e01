/**
 * The BUILT service as a real process against the real ClickHouse (private database)
 * and the real broker: a monitor over one-minute windows of seeded breast-cancer
 * traffic, one feature shifted in the last windows. The scheduler analyses them at
 * start; the DriftAlert arrives on ballast.alerts.v1, /metrics shows the gauges, the
 * gRPC report answers, and the built `ballast drift report` prints it (table, JSON,
 * HTML drawn by headless Chromium when the binary is there).
 */
import {
  TABLES,
  createClickHouse,
  ensureDatabase,
  eventTime,
  ident,
  migrate,
} from '@ballast/clickhouse';
import { DriftAlertSchema, DriftService, Severity, type DriftAlert } from '@ballast/contracts';
import { createClient } from '@ballast/grpc';
import { TOPICS, createKafka } from '@ballast/kafka';
import { FileSystemArtifactStore, type NumericProfile } from '@ballast/model-store';
import { createLogger } from '@ballast/telemetry';
import {
  ServiceProcess,
  collectMessages,
  seededRandom,
  stackFromEnv,
  waitFor,
  type CollectedMessages,
} from '@ballast/testing';
import { fromBinary } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { ClickHouseClient } from '@clickhouse/client';
import { status } from '@grpc/grpc-js';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const stack = stackFromEnv();
const id = randomUUID().replace(/-/g, '').slice(0, 10);
const database = `ballast_das_${id}`;
const MONITOR = `bc-${id}`;
const MODEL = 'breast-cancer';
const SHIFTED = 'mean_radius';
const MIN = 60_000;
const CLI = join(__dirname, '../../../cli/bin/ballast.js');
const CHROMIUM = ['chromium', 'chromium-browser'].find(
  (bin) => spawnSync(bin, ['--version'], { stdio: 'ignore' }).status === 0,
);
// Windows 0..19 as the reference, 20..22 with mean_radius moved by one reference sd.
const base = Math.floor(Date.now() / MIN) * MIN - 23 * MIN;

let clickhouse: ClickHouseClient;
let service: ServiceProcess;
let collected: CollectedMessages<DriftAlert> | undefined;
let dir: string;
let address: string;
let alerts: DriftAlert[] = [];

async function seed(): Promise<void> {
  const store = new FileSystemArtifactStore({
    root: join(__dirname, '../../../infra/demo-models'),
  });
  const profiles = (await store.getProfile(MODEL, '1')).features as Record<string, NumericProfile>;
  const names = Object.keys(profiles);
  const size = (profiles[names[0] as string] as NumericProfile).sample.length;
  const rand = seededRandom(7);
  for (let w = 0; w < 23; w += 1) {
    const values = Array.from({ length: 1500 }, (_, i) => {
      const k = Math.floor(rand() * size);
      return {
        event_id: randomUUID(),
        ...eventTime(base + w * MIN + Math.floor((i * MIN) / 1500)),
        model: MODEL,
        model_version: '1',
        deployment: `${MODEL}@1`,
        role: 'primary',
        numeric_names: names,
        numeric_values: names.map((n) => {
          const p = profiles[n] as NumericProfile;
          return (p.sample[k] as number) + (n === SHIFTED && w >= 20 ? p.std : 0);
        }),
      };
    });
    await clickhouse.insert({ table: TABLES.predictionEvents, values, format: 'JSONEachRow' });
  }
  // As if the service had analysed up to the window before `base` and restarted: it
  // catches up from `base` (a fresh monitor would start at the latest window only).
  await clickhouse.insert({
    table: TABLES.driftResults,
    values: [
      {
        window_start: eventTime(base - MIN).event_time,
        window_end: eventTime(base).event_time,
        monitor: MONITOR,
        model: MODEL,
        model_version: '1',
        feature: '',
        method: 'volume_ratio',
        value: 1,
        threshold: 3,
        status: 'ok',
        sample_size: 0,
        computed_at: eventTime(Date.now()).event_time,
      },
    ],
    format: 'JSONEachRow',
  });
}

beforeAll(async () => {
  const options = { url: stack.CLICKHOUSE_URL, database };
  await ensureDatabase(options);
  clickhouse = createClickHouse(options);
  await migrate(clickhouse);
  await seed();
  const kafka = createKafka({
    clientId: 'drift-analysis-int-test',
    brokers: stack.KAFKA_BROKERS,
    logger: createLogger({ service: 'drift-analysis-int-test', level: 'error' }),
  });
  collected = await collectMessages(kafka, {
    groupId: `drift-int-${id}`,
    topic: TOPICS.alerts.name,
    decode: (value) => fromBinary(DriftAlertSchema, value),
    keep: (alert) => alert.monitor === MONITOR,
  });
  alerts = collected.messages;
  dir = mkdtempSync(join(tmpdir(), 'ballast-drift-'));
  await startService();
}, 180_000);

async function startService(): Promise<void> {
  service = await ServiceProcess.start({
    entry: 'services/drift-analysis/dist/main.js',
    readyMessage: 'drift analysis ready',
    env: {
      CLICKHOUSE_URL: stack.CLICKHOUSE_URL,
      CLICKHOUSE_DATABASE: database,
      KAFKA_BROKERS: stack.KAFKA_BROKERS.join(','),
      MODEL_STORE_DIR: join(__dirname, '../../../infra/demo-models'),
      DRIFT_MONITORS: JSON.stringify([
        { name: MONITOR, model: MODEL, referenceVersion: '1', windowSeconds: 60, delaySeconds: 0 },
      ]),
      DRIFT_GRPC_PORT: '0',
      DRIFT_METRICS_PORT: '0',
      DRIFT_TICK_MS: '500',
      LOG_LEVEL: 'info',
    },
  });
  address = `127.0.0.1:${String(service.ready.grpcPort)}`;
}

async function metricsText(): Promise<string> {
  return (await fetch(`http://127.0.0.1:${String(service.ready.metricsPort)}/metrics`)).text();
}

const MODEL_IN_ALERT = new RegExp(
  `^ballast_drift_model_status\\{[^}]*monitor="${MONITOR}"[^}]*\\} 2$`,
  'm',
);

afterAll(async () => {
  await collected?.stop();
  await service?.stop();
  await clickhouse?.command({ query: `DROP DATABASE IF EXISTS ${ident(database).text}` });
  await clickhouse?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('drift-analysis as a process', () => {
  it('alerts on the shifted feature over Kafka and exports the status on /metrics', async () => {
    await waitFor(
      'an ALERT on the shifted feature',
      () => alerts.some((a) => a.feature === SHIFTED && a.severity === Severity.ALERT),
      { timeoutMs: 120_000 },
    );
    // A WARNING first (one drifted window), the ALERT after the second.
    expect(alerts.filter((a) => a.feature === SHIFTED).map((a) => a.severity)).toEqual([
      Severity.WARNING,
      Severity.ALERT,
    ]);
    const alert = alerts.find((a) => a.severity === Severity.ALERT) as DriftAlert;
    expect(alert.model?.name).toBe(MODEL);
    expect(alert.method).toBe('wasserstein_normed');
    expect(alert.value).toBeGreaterThan(alert.threshold);
    const metrics = await metricsText();
    expect(metrics).toMatch(MODEL_IN_ALERT);
    expect(metrics).toMatch(
      new RegExp(
        `^ballast_drift_status\\{[^}]*feature="${SHIFTED}"[^}]*method="wasserstein_normed"[^}]*\\} 2$`,
        'm',
      ),
    );
  });

  it('answers the report over gRPC: windows, timeline, histograms; errors by field', async () => {
    const client = createClient(DriftService, address);
    try {
      const from = timestampFromDate(new Date(base));
      const to = timestampFromDate(new Date(base + 23 * MIN));
      const request = { model: MODEL, fromTime: from, toTime: to };
      await waitFor(
        'the 23 windows analysed',
        async () => (await client.getDriftReport(request)).windows.length === 23,
        { timeoutMs: 120_000, intervalMs: 1000 },
      );
      const report = await client.getDriftReport(request);
      const last = report.windows[22];
      const shifted = last?.drift.find((r) => r.feature === SHIFTED && r.method !== 'psi');
      expect(shifted).toMatchObject({ status: 'drift', method: 'wasserstein_normed' });
      expect(report.timeline.map((t) => t.status).slice(-3)).toEqual(['warning', 'alert', 'alert']);
      expect(report.timeline.slice(0, 20).every((t) => t.status !== 'alert')).toBe(true);
      const histogram = report.histograms.find((h) => h.feature === SHIFTED);
      expect(histogram?.current.reduce((a, b) => a + b, 0)).toBe(1500);
      expect(histogram?.reference.length).toBe(histogram?.current.length);

      const empty = await client.getDriftReport({
        model: MODEL,
        fromTime: timestampFromDate(new Date(base - 60 * MIN)),
        toTime: timestampFromDate(new Date(base - 30 * MIN)),
      });
      expect(empty.windows).toHaveLength(1);
      expect(empty.windows[0]?.drift.every((r) => r.status === 'insufficient_data')).toBe(true);

      await expect(client.getDriftReport({ model: 'nope' })).rejects.toMatchObject({
        code: status.NOT_FOUND,
      });
      await expect(
        client.getDriftReport({ model: MODEL, features: ['no_such_feature'] }),
      ).rejects.toMatchObject({ code: status.INVALID_ARGUMENT });
      const { monitors } = await client.listMonitors({});
      expect(monitors).toEqual([
        expect.objectContaining({ name: MONITOR, model: MODEL, status: 'alert' }),
      ]);
    } finally {
      client.close();
    }
  });

  it('is reported by the built CLI: table, JSON, HTML with drawn charts', () => {
    const run = (...args: string[]) =>
      spawnSync(
        process.execPath,
        [
          CLI,
          'drift',
          'report',
          '--model',
          MODEL,
          '--from',
          new Date(base).toISOString(),
          '--to',
          new Date(base + 23 * MIN).toISOString(),
          ...args,
        ],
        { encoding: 'utf8', cwd: dir, env: { ...process.env, BALLAST_DRIFT: address } },
      );
    const table = run();
    expect(table.stderr).toBe('');
    expect(table.status).toBe(0);
    expect(table.stdout).toMatch(
      new RegExp(`^${SHIFTED} +wasserstein_normed +[0-9.e+-]+ +0\\.1 +drift `, 'm'),
    );
    expect(table.stdout).toMatch(new RegExp(`^${MONITOR} .* alert `, 'm'));

    const html = join(dir, 'drift.html');
    const json = run('--json', '--html', html);
    expect(json.status).toBe(0);
    expect((JSON.parse(json.stdout) as { model: string }).model).toBe(MODEL);
    expect(readFileSync(html, 'utf8')).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);

    if (CHROMIUM === undefined) {
      console.warn('HTML charts not checked: no chromium binary on PATH');
      return;
    }
    const dom = execFileSync(
      CHROMIUM,
      ['--headless', '--disable-gpu', '--no-sandbox', '--dump-dom', pathToFileURL(html).href],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
        timeout: 60_000,
        maxBuffer: 64 * 2 ** 20,
      },
    );
    const section = dom.split(`data-feature="${SHIFTED}"`)[1]?.split('</section>')[0] ?? '';
    expect((section.match(/class="ref-bar"/g) ?? []).length).toBeGreaterThan(10);
    expect((section.match(/class="cur-bar"/g) ?? []).length).toBeGreaterThan(10);
    expect((dom.match(/class="window status-/g) ?? []).length).toBe(23);
    expect(dom).toMatch(/class="window status-alert"/);
  });

  it('restarted, is still in alert (restored from drift_results) and sends no second ALERT', async () => {
    await service.stop();
    await startService();
    expect(await metricsText()).toMatch(MODEL_IN_ALERT);
    const client = createClient(DriftService, address);
    try {
      const { monitors } = await client.listMonitors({});
      expect(monitors).toEqual([expect.objectContaining({ name: MONITOR, status: 'alert' })]);
    } finally {
      client.close();
    }
    // Windows closing meanwhile have no events: insufficient data, no change.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(alerts.filter((a) => a.feature === SHIFTED).map((a) => a.severity)).toEqual([
      Severity.WARNING,
      Severity.ALERT,
    ]);
  });
});
