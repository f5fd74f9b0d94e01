/**
 * The drift pipeline on the real ClickHouse: synthetic prediction rows built from
 * the breast-cancer demo profile, inserted straight into prediction_events of a
 * private database, analysed window by window by the ClickHouse window source.
 */
import {
  TABLES,
  createClickHouse,
  ensureDatabase,
  eventTime,
  ident,
  migrate,
} from '@ballast/clickhouse';
import { FileSystemArtifactStore, type NumericProfile } from '@ballast/model-store';
import { seededRandom, stackFromEnv } from '@ballast/testing';
import { binCounts, fitBinEdges, wassersteinFromSamples } from '@ballast/stats';
import type { ClickHouseClient } from '@clickhouse/client';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { checkAgainstManifest, parseMonitors } from '../src/domain/monitor';
import { MonitorRunner, type DriftAlertEvent } from '../src/domain/monitor-runner';
import {
  buildOutputReferences,
  buildReferences,
  buildTargetReferences,
  type NumericReference,
} from '../src/domain/reference';
import { REFERENCE_SAMPLE_SIZE, ReferenceWindowError } from '../src/domain/window-reference';
import { ClickHouseResultReader, ClickHouseResultSink } from '../src/queries/drift-results';
import {
  queryNumericStats,
  queryOutputStats,
  queryTargetStats,
} from '../src/queries/numeric-stats';
import { queryWindowReferences } from '../src/queries/reference-window';
import { ClickHouseWindowSource } from '../src/queries/window-collector';

const stack = stackFromEnv();
const H = 3600_000;
const MODEL = 'breast-cancer';
const SHIFTED = 'mean_radius';

describe('drift analysis on ClickHouse', () => {
  const database = `ballast_drift_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
  const model = `${MODEL}-${randomUUID().slice(0, 8)}`;
  const store = new FileSystemArtifactStore({
    root: path.join(__dirname, '..', '..', '..', 'infra', 'demo-models'),
  });
  let clickhouse: ClickHouseClient;
  let profiles: Record<string, NumericProfile>;
  let names: string[];
  const rand = seededRandom(42);
  // Windows 0..19 unshifted, 20..21 with mean_radius moved by one reference sd.
  const base = Math.floor(Date.now() / H) * H - 40 * H;

  /** A classifier's outputs with P(class 1) = p, or none. */
  const outputs = (p: number | undefined) =>
    p === undefined
      ? { output_names: [], output_values: [] }
      : {
          output_names: ['probabilities', 'label'],
          output_values: [[1 - p, p], [p > 0.5 ? 1 : 0]],
        };

  async function insert(
    windowStart: number,
    rows: number,
    row: (i: number) => number[],
    score?: (i: number) => number,
  ) {
    const values = Array.from({ length: rows }, (_, i) => ({
      ...outputs(score?.(i)),
      event_id: randomUUID(),
      ...eventTime(windowStart + Math.floor((i * H) / rows)),
      model,
      model_version: '1',
      deployment: `${model}@1`,
      variant: '',
      experiment_id: '',
      unit_id: '',
      request_id: randomUUID(),
      role: 'primary',
      numeric_names: names,
      numeric_values: row(i),
      categorical_names: [],
      categorical_values: [],
      latency_ms: 1,
    }));
    await clickhouse.insert({ table: TABLES.predictionEvents, values, format: 'JSONEachRow' });
  }

  /** A bootstrap row of the reference sample (rows kept together), optionally shifted. */
  function referenceRow(shift: number, next = rand): number[] {
    const k = Math.floor(next() * profiles[names[0]!]!.sample.length);
    return names.map((n) => (profiles[n]!.sample[k] as number) + (n === SHIFTED ? shift : 0));
  }

  /**
   * A runner of the monitor (`name` and reference as given), its reference the
   * version 1 profile unless named, with the `extra` references besides.
   */
  async function runner(
    alerts: DriftAlertEvent[],
    definition: object = {},
    extra: readonly NumericReference[] = [],
  ) {
    const monitor = parseMonitors([
      { name: 'hourly', model, referenceVersion: '1', ...definition },
    ])[0]!;
    const manifest = await store.getManifest(MODEL, '1');
    const features = checkAgainstManifest(monitor, manifest.features);
    const window = monitor.reference?.window;
    const references = [
      ...(window
        ? await queryWindowReferences(clickhouse, { monitor, window, features })
        : buildReferences(await store.getProfile(MODEL, '1'), features)),
      ...extra,
    ];
    return {
      monitor,
      references,
      runner: new MonitorRunner({
        monitor,
        references,
        source: new ClickHouseWindowSource({
          clickhouse,
          monitor,
          references,
          rawMaxRows: 5000,
          volumeHistoryWindows: 24,
          sampleEvents: 1_000_000,
        }),
        results: new ClickHouseResultSink(clickhouse),
        alerts: { publish: async (a) => void alerts.push(a) },
      }),
    };
  }

  beforeAll(async () => {
    const options = { url: stack.CLICKHOUSE_URL, database };
    await ensureDatabase(options);
    clickhouse = createClickHouse(options);
    await migrate(clickhouse);
    const profile = await store.getProfile(MODEL, '1');
    profiles = profile.features as Record<string, NumericProfile>;
    names = Object.keys(profiles);
  });

  afterAll(async () => {
    await clickhouse?.command({ query: `DROP DATABASE IF EXISTS ${ident(database).text}` });
    await clickhouse?.close();
  });

  it('20 unshifted windows raise no alert; a shifted feature alerts within two windows', async () => {
    const sd = profiles[SHIFTED]!.std;
    for (let w = 0; w < 22; w++) {
      await insert(base + w * H, 1500, () => referenceRow(w >= 20 ? sd : 0));
    }
    const alerts: DriftAlertEvent[] = [];
    const { runner: r } = await runner(alerts);
    for (let w = 0; w < 20; w++) await r.runWindow(new Date(base + w * H));
    expect(alerts.filter((a) => a.severity === 'alert')).toEqual([]);
    await r.runWindow(new Date(base + 20 * H));
    await r.runWindow(new Date(base + 21 * H));
    const raised = alerts.filter((a) => a.severity === 'alert');
    expect(raised.map((a) => [a.feature, a.method])).toEqual([[SHIFTED, 'wasserstein_normed']]);
    expect(raised[0]!.windowStart.getTime()).toBe(base + 21 * H);

    const stored = await (
      await clickhouse.query({
        query: `SELECT feature, method, status, value FROM ${TABLES.driftResults} FINAL
                WHERE model = '${model}' AND window_start = toDateTime(${(base + 21 * H) / 1000}) AND status = 'drift'`,
        format: 'JSONEachRow',
      })
    ).json<{ feature: string; method: string }>();
    expect(stored.map((s) => s.feature)).toContain(SHIFTED);
  });

  it('pushed-down aggregates equal libs/stats on the same raw rows; NaN and Inf are data quality', async () => {
    const start = base - 5 * H;
    const raw: number[][] = [];
    await insert(start, 300, (i) => {
      const row = referenceRow(0.5);
      if (i % 10 === 0) row[0] = NaN;
      if (i % 50 === 1) row[0] = Infinity;
      raw.push(row);
      return row;
    });
    const alerts: DriftAlertEvent[] = [];
    const { references, runner: r } = await runner(alerts);
    const ref = references[0] as NumericReference;
    const selector = { model, windowStart: new Date(start), windowEnd: new Date(start + H) };
    const stats = (await queryNumericStats(clickhouse, selector, [ref])).features.get(ref.name)!;
    const column = raw.map((row) => row[0] as number);
    const finite = column.filter(Number.isFinite);
    expect(stats).toMatchObject({
      rows: 300,
      missing: column.filter(Number.isNaN).length,
      infinite: column.filter((v) => v === Infinity).length,
      finite: finite.length,
      min: Math.min(...finite),
      max: Math.max(...finite),
    });
    expect(stats.fineCounts).toEqual(binCounts({ values: finite, edges: ref.fineEdges }).counts);
    expect(stats.mean).toBeCloseTo(finite.reduce((a, b) => a + b, 0) / finite.length, 9);

    // The approximation used on large windows, checked against the exact value here.
    const { wassersteinFromCounts } = await import('@ballast/stats');
    const binned = wassersteinFromCounts({
      edges: ref.fineEdges,
      reference: ref.fineCounts,
      current: stats.fineCounts,
      min: Math.min(ref.min, stats.min),
      max: Math.max(ref.max, stats.max),
      referenceStd: ref.std,
    });
    const exact = wassersteinFromSamples({ reference: ref.sample, current: finite });
    if (binned.status !== 'ok' || exact.status !== 'ok') throw new Error('W1 not computed');
    expect(exact.distance).toBeGreaterThanOrEqual(binned.lowerBound - 1e-9);
    expect(exact.distance).toBeLessThanOrEqual(binned.upperBound + 1e-9);

    const analysis = await r.runWindow(new Date(start));
    const first = analysis.features[0]!.results;
    expect(first.find((x) => x.method === 'missing_rate')).toMatchObject({
      value: 30 / 300,
      status: 'warning',
    });
    expect(first.find((x) => x.method === 'non_finite_rate')).toMatchObject({
      value: 6 / 300,
      status: 'warning',
    });
  });

  it('a window of more than twice DRIFT_SAMPLE_EVENTS is analysed on its 1-in-m event-id sample, its volume counted whole', async () => {
    const start = base - 60 * H;
    // Its own generator: the rows the other tests draw stay the same.
    const own = seededRandom(600);
    await insert(start, 600, () => referenceRow(0, own));
    const { monitor, references } = await runner([]);
    const ref = references[0] as NumericReference;
    // 600 events, at least 100 sampled: 1 in 6.
    const source = new ClickHouseWindowSource({
      clickhouse,
      monitor,
      references,
      rawMaxRows: 0,
      volumeHistoryWindows: 24,
      sampleEvents: 100,
    });
    const { stats } = await source.collect({ start: new Date(start), end: new Date(start + H) });
    expect(stats.rows).toBe(600);
    const sampled = await (
      await clickhouse.query({
        query: `SELECT numeric_values[indexOf(numeric_names, '${ref.name}')] AS v
          FROM ${TABLES.predictionEvents}
          WHERE model = '${model}' AND event_time >= toDateTime(${start / 1000})
            AND event_time < toDateTime(${(start + H) / 1000}) AND cityHash64(event_id) % 6 = 0`,
        format: 'JSONEachRow',
      })
    ).json<{ v: number }>();
    const values = sampled.map((r) => r.v);
    // A hash sample: about a sixth, never all of them.
    expect(values.length).toBeGreaterThan(60);
    expect(values.length).toBeLessThan(150);
    expect(stats.features.get(ref.name)).toMatchObject({
      rows: values.length,
      finite: values.length,
      fineCounts: binCounts({ values, edges: ref.fineEdges }).counts,
    });
    // The same window without sampling reads every event.
    const whole = await new ClickHouseWindowSource({
      clickhouse,
      monitor,
      references,
      rawMaxRows: 0,
      volumeHistoryWindows: 24,
      sampleEvents: 0,
    }).collect({ start: new Date(start), end: new Date(start + H) });
    expect(whole.stats.features.get(ref.name)).toMatchObject({ rows: 600, finite: 600 });
  });

  it('prediction drift: the output score (P(class 1)) counted like a feature, a shifted score drifts', async () => {
    const profile = await store.getProfile(MODEL, '1');
    const [output] = buildOutputReferences(profile);
    if (!output) throw new Error('the demo profile has no predictions block');
    expect(output.name).toBe('output:probabilities');
    const scores = profile.predictions['probabilities']!.sample;
    const [clean, shifted] = [base - 62 * H, base - 63 * H];
    // Its own generator: the rows the other tests draw stay the same.
    const own = seededRandom(400);
    const cleanScores: number[] = [];
    await insert(
      clean,
      400,
      () => referenceRow(0, own),
      (i) => {
        cleanScores[i] = scores[Math.floor(own() * scores.length)] as number;
        return cleanScores[i] as number;
      },
    );
    // Every score pushed towards 0: the model calls more tumours malignant.
    await insert(
      shifted,
      400,
      () => referenceRow(0, own),
      () => (scores[Math.floor(own() * scores.length)] as number) * 0.3,
    );
    const stats = await queryOutputStats(
      clickhouse,
      { model, windowStart: new Date(clean), windowEnd: new Date(clean + H) },
      [output],
    );
    expect(stats.get(output.name)).toMatchObject({
      rows: 400,
      finite: 400,
      fineCounts: binCounts({ values: cleanScores, edges: output.fineEdges }).counts,
    });
    const { runner: r } = await runner([], {}, [output]);
    const verdict = async (start: number) =>
      (await r.runWindow(new Date(start))).features.find((f) => f.feature === output.name)?.verdict;
    expect(await verdict(clean)).toBe('ok');
    expect(await verdict(shifted)).toBe('drift');
  });

  it('target drift: outcomes of the model (recorded with it, or by request id) against the profile and a past window', async () => {
    const profile = await store.getProfile(MODEL, '1');
    const [target] = buildTargetReferences(profile);
    if (!target) throw new Error('the demo profile has no targets block');
    expect(target.name).toBe('target:label');
    const [reference, clean, shifted] = [base - 90 * H, base - 91 * H, base - 92 * H];
    const own = seededRandom(900);
    const ids = async (start: number) =>
      (
        await (
          await clickhouse.query({
            query: `SELECT request_id FROM ${TABLES.predictionEvents}
                    WHERE model = '${model}' AND event_time >= toDateTime(${start / 1000})
                      AND event_time < toDateTime(${(start + H) / 1000}) ORDER BY request_id`,
            format: 'JSONEachRow',
          })
        ).json<{ request_id: string }>()
      ).map((r) => r.request_id);
    /** One `label` outcome per prediction of the window, 1 with probability `rate`. */
    async function outcomes(start: number, rate: number): Promise<number[]> {
      const scores = profile.predictions['probabilities']!.sample;
      await insert(
        start,
        400,
        () => referenceRow(0, own),
        () => scores[Math.floor(own() * scores.length)] as number,
      );
      const labels: number[] = [];
      const rows = (await ids(start)).map((requestId, i) => {
        labels.push(own() < rate ? 1 : 0);
        return {
          event_id: randomUUID(),
          ...eventTime(start + Math.floor((i * H) / 400)),
          // Half recorded with the model, half found by their request id.
          model: i % 2 === 0 ? model : '',
          request_id: requestId,
          unit_id: '',
          metric: 'label',
          value: labels[i],
        };
      });
      const noise = [
        // Another model's outcome, and one of no known request: not this model's.
        { model: 'another-model', request_id: randomUUID(), metric: 'label', value: 1 },
        { model: '', request_id: randomUUID(), metric: 'label', value: 1 },
        // A metric the reference has no profile of.
        { model, request_id: randomUUID(), metric: 'revenue', value: 12.5 },
      ].map((o) => ({ ...o, event_id: randomUUID(), ...eventTime(start + 1000), unit_id: 'u' }));
      await clickhouse.insert({
        table: TABLES.outcomeEvents,
        values: [...rows, ...noise],
        format: 'JSONEachRow',
      });
      return labels;
    }
    const rate = profile.targets['label']!.mean;
    await outcomes(reference, rate);
    const cleanLabels = await outcomes(clean, rate);
    await outcomes(shifted, rate / 2);

    const stats = await queryTargetStats(
      clickhouse,
      { model, windowStart: new Date(clean), windowEnd: new Date(clean + H) },
      [target],
      0,
    );
    expect(stats.get(target.name)).toMatchObject({
      rows: 400,
      finite: 400,
      fineCounts: binCounts({ values: cleanLabels, edges: target.fineEdges }).counts,
    });

    const verdicts = async (r: MonitorRunner, start: number) =>
      (await r.runWindow(new Date(start))).features.find((f) => f.feature === target.name)?.verdict;
    const { runner: fromProfile } = await runner([], {}, [target]);
    expect([await verdicts(fromProfile, clean), await verdicts(fromProfile, shifted)]).toEqual([
      'ok',
      'drift',
    ]);

    // A past window as the reference has its own target profile (and its outputs').
    const window = {
      from: new Date(reference).toISOString(),
      to: new Date(reference + H).toISOString(),
    };
    const windowed = await runner([], {
      name: 'windowed-target',
      referenceVersion: undefined,
      trafficVersion: '1',
      reference: { window },
    });
    expect(windowed.references.map((r) => r.name)).toEqual([
      ...names,
      'output:label',
      'output:probabilities',
      target.name,
    ]);
    expect([
      await verdicts(windowed.runner, clean),
      await verdicts(windowed.runner, shifted),
    ]).toEqual(['ok', 'drift']);
  });

  it('a duplicate pending a merge, or an event with its features in another order, takes the general query with the same counts', async () => {
    const start = base - 8 * H;
    await insert(start, 200, () => referenceRow(0));
    const { references } = await runner([]);
    const refs = references.filter((r): r is NumericReference => r.type === 'numeric');
    const selector = { model, windowStart: new Date(start), windowEnd: new Date(start + H) };
    const fast = await queryNumericStats(clickhouse, selector, refs);
    const window = `model = '${model}' AND event_time >= toDateTime(${start / 1000}) AND event_time < toDateTime(${(start + H) / 1000})`;
    await clickhouse.command({
      query: `INSERT INTO ${TABLES.predictionEvents} SELECT * FROM ${TABLES.predictionEvents} WHERE ${window} LIMIT 1`,
    });
    const deduplicated = await queryNumericStats(clickhouse, selector, refs);
    expect(deduplicated.events).toBe(200);
    for (const ref of refs) {
      // Counts equal; moments up to the order of summation.
      const { mean, variance, ...counts } = deduplicated.features.get(ref.name)!;
      const {
        mean: fastMean,
        variance: fastVariance,
        ...fastCounts
      } = fast.features.get(ref.name)!;
      expect(counts).toEqual(fastCounts);
      expect(Math.abs(mean - fastMean)).toBeLessThan(1e-9 * Math.max(1, Math.abs(mean)));
      expect(Math.abs(variance - fastVariance)).toBeLessThan(1e-9 * Math.max(1, variance));
    }

    await clickhouse.command({
      query: `INSERT INTO ${TABLES.predictionEvents} (event_id, event_time, model, model_version, role, numeric_names, numeric_values)
        SELECT concat(event_id, '-reversed'), event_time, model, model_version, role, arrayReverse(numeric_names), arrayReverse(numeric_values)
        FROM ${TABLES.predictionEvents} WHERE ${window} LIMIT 1`,
    });
    const mixed = await queryNumericStats(clickhouse, selector, refs);
    expect(mixed.events).toBe(201);
    for (const ref of refs) {
      const [before, after] = [fast.features.get(ref.name)!, mixed.features.get(ref.name)!];
      expect(after.rows).toBe(before.rows + 1);
      expect(after.fineCounts.reduce((a, b) => a + b, 0)).toBe(before.finite + 1);
    }
  });

  it('an empty window is insufficient data, not a crash', async () => {
    const { runner: r } = await runner([]);
    const analysis = await r.runWindow(new Date(base - 20 * H));
    expect(analysis.rows).toBe(0);
    expect(new Set(analysis.features.map((f) => f.verdict))).toEqual(
      new Set(['insufficient_data']),
    );
    expect(analysis.dataset[0]).toMatchObject({
      method: 'drifted_share',
      status: 'insufficient_data',
    });
  });

  it('a past window as the reference: profiled in ClickHouse like libs/stats on the same rows, then used like a profile', async () => {
    const from = base - 14 * H;
    const raw: number[] = [];
    for (const start of [from, from + H]) {
      await insert(start, 800, (i) => {
        const row = referenceRow(0);
        if (i % 20 === 0) row[0] = NaN;
        raw.push(row[0] as number);
        return row;
      });
    }
    await insert(base - 11 * H, 1500, () => referenceRow(0));
    await insert(base - 10 * H, 1500, () => referenceRow(profiles[SHIFTED]!.std));
    const window = { from: new Date(from).toISOString(), to: new Date(from + 2 * H).toISOString() };
    const alerts: DriftAlertEvent[] = [];
    const { references, runner: r } = await runner(alerts, {
      name: 'windowed',
      referenceVersion: undefined,
      trafficVersion: '1',
      reference: { window },
    });

    const ref = references[0] as NumericReference;
    const finite = raw.filter(Number.isFinite);
    // 1520 values: the reservoir holds them all, so the deciles are exact (up to the
    // last bit of the interpolation, which ClickHouse and libs/stats round differently).
    const fitted = fitBinEdges({ reference: finite, bins: 10 });
    if (fitted.status !== 'ok') throw new Error(`no edges: ${fitted.status}`);
    expect(ref.coarseEdges).toHaveLength(fitted.edges.length);
    fitted.edges.forEach((edge, i) =>
      expect(ref.coarseEdges[i]).toBeCloseTo(edge, 12 - Math.ceil(Math.log10(Math.abs(edge) + 1))),
    );
    expect(ref.coarseCounts).toEqual(binCounts({ values: finite, edges: ref.coarseEdges }).counts);
    expect(ref).toMatchObject({
      min: Math.min(...finite),
      max: Math.max(...finite),
      missingRate: 80 / 1600,
    });
    expect(ref.sample).toHaveLength(REFERENCE_SAMPLE_SIZE);

    const clean = await r.runWindow(new Date(base - 11 * H));
    const shifted = await r.runWindow(new Date(base - 10 * H));
    const verdict = (a: typeof clean) => a.features.find((f) => f.feature === SHIFTED)?.verdict;
    expect([verdict(clean), verdict(shifted)]).toEqual(['ok', 'drift']);
    expect(clean.features.filter((f) => f.verdict === 'drift')).toEqual([]);

    await expect(
      runner([], {
        name: 'empty-window',
        reference: {
          window: {
            from: new Date(base - 30 * H).toISOString(),
            to: new Date(base - 29 * H).toISOString(),
          },
        },
      }),
    ).rejects.toThrow(ReferenceWindowError);
  });

  it('restarted after two alerting windows, still in alert: no second ALERT, clearing takes clearAfter clean windows', async () => {
    const first = base - 35 * H;
    for (let w = 0; w < 5; w++) {
      await insert(first + w * H, 1500, () => referenceRow(w < 3 ? profiles[SHIFTED]!.std : 0));
    }
    const before: DriftAlertEvent[] = [];
    const { runner: live } = await runner(before, { name: 'restarted' });
    await live.runWindow(new Date(first));
    await live.runWindow(new Date(first + H));
    const severities = (alerts: DriftAlertEvent[]) =>
      alerts
        .filter((a) => a.feature === SHIFTED)
        .map((a) => [a.severity, (a.windowStart.getTime() - first) / H]);
    expect(severities(before)).toEqual([
      ['warning', 0],
      ['alert', 1],
    ]);

    // The restart: a new runner, its status replayed from drift_results as the server does.
    const after: DriftAlertEvent[] = [];
    const { monitor, runner: restarted } = await runner(after, { name: 'restarted' });
    const history = await new ClickHouseResultReader(clickhouse).history(monitor, {
      last: new Date(first + H),
      windows: 48,
    });
    expect(restarted.restore(history)).toBe('alert');
    for (let w = 2; w < 5; w++) await restarted.runWindow(new Date(first + w * H));
    expect(severities(after)).toEqual([['resolved', 4]]);
  });
});
