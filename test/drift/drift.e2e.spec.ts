// Drift end to end on the real stack, every service a built process: control plane
// (registers breast-cancer v1 under this run's own model name and deploys it) →
// inference replica → router (publishes a prediction event per request) → Kafka →
// feature logger → ClickHouse → drift-analysis (10-second windows against the
// version's profile.json) → DriftAlerts on ballast.alerts.v1.
// The traffic is the demo traffic: rows drawn (seeded) from the model's training rows,
// which profile.json summarises; 20 windows as drawn, then 2 windows with mean_radius
// moved by one reference sd. The unshifted windows must raise no alert at all, the
// shifted ones an alert naming mean_radius within two windows.
import { TABLES, ident, sql } from '@ballast/clickhouse';
import {
  ControlService,
  DriftAlertSchema,
  GRPCInferenceService,
  Severity,
  type DriftAlert,
} from '@ballast/contracts';
import { createClient } from '@ballast/grpc';
import { TOPICS } from '@ballast/kafka';
import {
  collectMessages,
  copyDemoModel,
  grpcAddress,
  seededRandom,
  waitFor,
  type CollectedMessages,
  type ServiceProcess,
} from '@ballast/testing';
import { fromBinary } from '@bufbuild/protobuf';
import { timestampMs } from '@bufbuild/protobuf/wkt';
import { status } from '@grpc/grpc-js';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  count,
  startPlatform,
  startTracked,
  stopPlatform,
  type Platform,
} from '../support/platform';

const RUN = randomUUID().slice(0, 8);
const MODEL = `e2e-drift-${RUN}`;
const MONITOR = `e2e-drift-${RUN}`;
const SHIFTED = 'mean_radius';
const WINDOW_MS = 10_000;
const CLEAN_WINDOWS = 20;
const SHIFTED_WINDOWS = 2;
/**
 * Requests per second: 1,500 per window, above the monitor's smallWindowMaxCount
 * (1,000), so each window is judged by distances, as a model with real traffic is.
 */
const RATE = 150;
const DEMO = path.resolve(__dirname, '../../infra/demo-models/breast-cancer/1');
const traffic = JSON.parse(readFileSync(path.join(DEMO, 'demo-traffic.json'), 'utf8')) as {
  features: string[];
  rows: number[][];
};
const profile = JSON.parse(readFileSync(path.join(DEMO, 'profile.json'), 'utf8')) as {
  features: Record<string, { std: number }>;
};

let platform: Platform;
let collected: CollectedMessages<DriftAlert> | undefined;
let alerts: DriftAlert[] = [];
/** The first shifted window's start; the clean windows are the CLEAN_WINDOWS before it. */
let shiftAt: number;
let sent = 0;
/** Requests the inference service refused with RESOURCE_EXHAUSTED (stored as failed). */
let shed = 0;

async function deploy(control: ServiceProcess, scratch: string): Promise<void> {
  const client = createClient(ControlService, grpcAddress(control));
  const context = { actor: 'drift-e2e', reason: 'end-to-end drift test' };
  try {
    const [sourcePath] = copyDemoModel({
      as: MODEL,
      into: path.join(scratch, 'sources'),
      versions: ['1'],
    });
    await client.registerModelVersion({ model: MODEL, version: '1', sourcePath, context });
    await client.deploy({
      context,
      deployment: { model: MODEL, strategy: { case: 'replace', value: { version: '1' } } },
    });
  } finally {
    client.close();
  }
}

/**
 * RATE requests per second through the router until `until`, each a training row
 * drawn at random, its SHIFTED feature moved by `shift(now)`.
 */
async function sendTraffic(
  router: ServiceProcess,
  until: number,
  shift: (now: number) => number,
): Promise<void> {
  const client = createClient(GRPCInferenceService, grpcAddress(router));
  const draw = seededRandom(20_261_129);
  const column = traffic.features.indexOf(SHIFTED);
  const pending = new Set<Promise<unknown>>();
  const began = Date.now();
  try {
    while (Date.now() < until) {
      const due = Math.floor(((Date.now() - began) * RATE) / 1000);
      for (; sent < due; sent += 1) {
        const row = [...(traffic.rows[Math.floor(draw() * traffic.rows.length)] as number[])];
        row[column] = (row[column] as number) + shift(Date.now());
        const call = client
          .modelInfer(
            {
              modelName: MODEL,
              inputs: [
                {
                  name: 'input',
                  datatype: 'FP32',
                  shape: [1n, BigInt(row.length)],
                  contents: { fp32Contents: row },
                },
              ],
            },
            { deadline: 10_000 },
          )
          .catch((error: unknown) => {
            // Load shed by the inference service (its queue full, as when the machine is
            // busy) is an answer too: the router records the failed request like any other.
            if ((error as { code?: number }).code !== status.RESOURCE_EXHAUSTED) throw error;
            shed += 1;
          })
          .finally(() => pending.delete(call));
        pending.add(call);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await Promise.all(pending);
  } finally {
    client.close();
  }
}

/** Until every window up to the last shifted one has its results in drift_results. */
async function analysed(): Promise<void> {
  const last = (shiftAt + (SHIFTED_WINDOWS - 1) * WINDOW_MS) / 1000;
  await waitFor(
    'drift results of the last shifted window',
    async () =>
      (await count(
        platform.clickhouse,
        sql`SELECT count() AS n FROM ${ident(TABLES.driftResults)}
        WHERE monitor = ${MONITOR} AND window_start = toDateTime(${last})`,
      )) > 0,
    { timeoutMs: 60_000, intervalMs: 500 },
  );
}

const windowStart = (a: DriftAlert) => (a.windowStart ? timestampMs(a.windowStart) : NaN);

beforeAll(async () => {
  platform = await startPlatform({
    name: 'drift-e2e',
    run: RUN,
    deploy: async (control, scratch) => {
      await deploy(control, scratch);
      return [{ model: MODEL, version: '1' }];
    },
  });
  await startTracked('drift-analysis', {
    env: {
      ...platform.env,
      DRIFT_MONITORS: JSON.stringify([
        {
          name: MONITOR,
          model: MODEL,
          referenceVersion: '1',
          trafficVersion: '1',
          windowSeconds: WINDOW_MS / 1000,
          delaySeconds: 3,
        },
      ]),
      DRIFT_TICK_MS: '500',
    },
  });
  collected = await collectMessages(platform.kafka, {
    groupId: `drift-e2e-alerts-${RUN}`,
    topic: TOPICS.alerts.name,
    decode: (value) => fromBinary(DriftAlertSchema, value),
    keep: (alert) => alert.monitor === MONITOR,
  });
  alerts = collected.messages;

  // Traffic from the next window boundary on, so that every window is whole.
  const first = Math.ceil(Date.now() / WINDOW_MS) * WINDOW_MS;
  await new Promise((resolve) => setTimeout(resolve, first - Date.now()));
  shiftAt = first + CLEAN_WINDOWS * WINDOW_MS;
  const sd = profile.features[SHIFTED]?.std as number;
  await sendTraffic(platform.router, shiftAt + SHIFTED_WINDOWS * WINDOW_MS, (now) =>
    now >= shiftAt ? sd : 0,
  );
  await analysed();
}, 420_000);

afterAll(async () => {
  await collected?.stop();
  await stopPlatform();
});

describe('drift through the whole platform', () => {
  it('stored every request the router answered, each once', async () => {
    const stored = sql`SELECT count() AS n FROM ${ident(TABLES.predictions)} WHERE model = ${MODEL}`;
    await waitFor(`${sent} predictions of ${MODEL} in ClickHouse`, async () => {
      return (await count(platform.clickhouse, stored)) >= sent;
    });
    expect(await count(platform.clickhouse, stored)).toBe(sent);
    const failed = sql`SELECT count() AS n FROM ${ident(TABLES.predictions)}
      WHERE model = ${MODEL} AND error_code != ''`;
    expect(await count(platform.clickhouse, failed)).toBe(shed);
  });

  it('analysed every window, each with enough traffic to be judged by distances', async () => {
    const rows = await (
      await platform.clickhouse.query({
        query: sql`SELECT toUInt32(window_start) * 1000 AS start, sample_size AS n
          FROM ${ident(TABLES.driftResults)} FINAL
          WHERE monitor = ${MONITOR} AND feature = ${SHIFTED} AND method = 'psi'
            AND window_start >= toDateTime(${(shiftAt - CLEAN_WINDOWS * WINDOW_MS) / 1000})
            AND window_start < toDateTime(${(shiftAt + SHIFTED_WINDOWS * WINDOW_MS) / 1000})
          ORDER BY start`.text,
        format: 'JSONEachRow',
      })
    ).json<{ start: number | string; n: number | string }>();
    expect(rows.map((r) => Number(r.start))).toEqual(
      Array.from(
        { length: CLEAN_WINDOWS + SHIFTED_WINDOWS },
        (_, w) => shiftAt + (w - CLEAN_WINDOWS) * WINDOW_MS,
      ),
    );
    expect(rows.filter((r) => Number(r.n) <= 1_000)).toEqual([]);
  });

  it('20 windows of unshifted traffic raise no alert', () => {
    const early = alerts.filter((a) => windowStart(a) < shiftAt && a.severity === Severity.ALERT);
    expect(early.map((a) => `${a.feature}/${a.method}`)).toEqual([]);
  });

  it('one feature shifted raises an alert naming it within two windows', async () => {
    await waitFor('an ALERT on the shifted feature', () =>
      alerts.some((a) => a.feature === SHIFTED && a.severity === Severity.ALERT),
    );
    const raised = alerts.filter((a) => a.severity === Severity.ALERT);
    const onShifted = raised.find((a) => a.feature === SHIFTED) as DriftAlert;
    expect(windowStart(onShifted)).toBeLessThan(shiftAt + SHIFTED_WINDOWS * WINDOW_MS);
    expect(onShifted.method).toBe('wasserstein_normed');
    expect(onShifted.model?.name).toBe(MODEL);
    // Only the shifted feature, and the score it moves, drift.
    const drifted = new Set(
      raised.filter((a) => a.feature !== '' && windowStart(a) >= shiftAt).map((a) => a.feature),
    );
    expect([...drifted].filter((f) => f !== SHIFTED && f !== 'output:probabilities')).toEqual([]);
  });
});
