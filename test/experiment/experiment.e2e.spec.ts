// An A/B experiment end to end on the real stack, every service a built process:
// control plane (registry, experiment deployments) → inference replica → router
// (assigns each user_id a variant, publishes predictions; takes outcomes) → Kafka →
// feature logger → ClickHouse → experiment-analytics (its report over gRPC).
// Three experiments run at once, each on a model of this run's own (the control topic
// is shared): a real effect (treatment converts 20% against control's 10%) ships the
// treatment; an A/A finds nothing; a 70/30 deployment declared 50/50 is a sample ratio
// mismatch. Everything lands in a ClickHouse database of this run's own, through a
// consumer group of its own that starts at the topics' ends.
import { TABLES, ident, sql } from '@ballast/clickhouse';
import {
  ControlService,
  ExperimentService,
  ExperimentState,
  GRPCInferenceService,
  OutcomeService,
  type ExperimentReport,
  type ModelInferResponse,
} from '@ballast/contracts';
import { createClient } from '@ballast/grpc';
import {
  copyDemoModel,
  grpcAddress,
  seededRandom,
  waitFor,
  type ServiceProcess,
} from '@ballast/testing';
import { status } from '@grpc/grpc-js';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  count,
  startPlatform,
  startTracked,
  stopPlatform,
  type Platform,
} from '../support/platform';

const RUN = randomUUID().slice(0, 8);
const UNITS = 3_000;
const CONCURRENCY = 16;
const SEED = 20_240_601;
const ROWS = (
  JSON.parse(
    readFileSync(
      path.resolve(__dirname, '../../infra/demo-models/breast-cancer/1/expected.json'),
      'utf8',
    ),
  ) as { inputs: { input: { data: number[][] } } }
).inputs.input.data;

interface Arm {
  name: string;
  version: string;
  /** The split the router is given. */
  deployed: number;
  /** The split EXPERIMENTS_FILE declares (what SRM checks against). */
  declared: number;
  /** True conversion rate of the arm's units. */
  rate: number;
}

interface Scenario {
  key: string;
  model: string;
  experimentId: string;
  arms: [Arm, Arm];
  /**
   * Exactly every (1 / rate)-th unit of each arm converts, instead of a seeded draw.
   * The A/A uses it: unit ids are new each run, so the router's assignment is too, and
   * random conversions would make an A/A significant in 5% of runs.
   */
  exact?: boolean;
}

const arm = (name: string, version: string, deployed: number, declared: number, rate: number) =>
  ({ name, version, deployed, declared, rate }) satisfies Arm;

const scenario = (key: string, arms: [Arm, Arm], exact = false): Scenario => ({
  key,
  model: `e2e-exp-${key}-${RUN}`,
  experimentId: `e2e-${key}-${RUN}`,
  arms,
  exact,
});

const EFFECT = scenario('effect', [
  arm('control', '1', 0.5, 0.5, 0.1),
  arm('treatment', '2', 0.5, 0.5, 0.2),
]);
const AA = scenario(
  'aa',
  [arm('control', '1', 0.5, 0.5, 0.1), arm('treatment', '1', 0.5, 0.5, 0.1)],
  true,
);
const SRM = scenario('srm', [
  arm('control', '1', 0.7, 0.5, 0.1),
  arm('treatment', '2', 0.3, 0.5, 0.1),
]);
const SCENARIOS = [EFFECT, AA, SRM];

/** What the router answered for one unit. */
interface Assignment {
  unit: string;
  variant: string;
  version: string;
  experimentId: string;
}

/** The units that convert, by the arm each was assigned (in unit order). */
function converters(s: Scenario, assignments: Assignment[]): Set<string> {
  const draw = seededRandom(SEED);
  const seen = new Map<string, number>();
  const converted = assignments.filter(({ variant }) => {
    const { rate } = s.arms.find((a) => a.name === variant) as Arm;
    const k = (seen.get(variant) ?? 0) + 1;
    seen.set(variant, k);
    return s.exact ? k % Math.round(1 / rate) === 0 : draw() < rate;
  });
  return new Set(converted.map((a) => a.unit));
}

const stringParameter = (response: ModelInferResponse, name: string): string => {
  const choice = response.parameters[name]?.parameterChoice;
  return choice?.case === 'stringParam' ? choice.value : '';
};

let platform: Platform;

/** Registers versions 1 and 2 of each scenario's model and deploys its experiment. */
async function deployExperiments(control: ServiceProcess, scratch: string): Promise<void> {
  const client = createClient(ControlService, grpcAddress(control));
  const context = { actor: 'experiment-e2e', reason: 'end-to-end experiment test' };
  try {
    for (const s of SCENARIOS) {
      const sources = copyDemoModel({ as: s.model, into: path.join(scratch, 'sources', s.key) });
      for (const [i, sourcePath] of sources.entries())
        await client.registerModelVersion({
          model: s.model,
          version: String(i + 1),
          sourcePath,
          context,
        });
      await client.deploy({
        context,
        deployment: {
          model: s.model,
          strategy: {
            case: 'experiment',
            value: {
              experimentId: s.experimentId,
              variants: s.arms.map((a) => ({
                name: a.name,
                version: a.version,
                weight: a.deployed,
              })),
              unitField: 'user_id',
              controlVariant: 'control',
              state: ExperimentState.RUNNING,
            },
          },
        },
      });
    }
  } finally {
    client.close();
  }
}

/** One request per unit through the router, CONCURRENCY at a time; the router's answers. */
async function sendTraffic(router: ServiceProcess, s: Scenario): Promise<Assignment[]> {
  const client = createClient(GRPCInferenceService, grpcAddress(router));
  const assignments: Assignment[] = new Array(UNITS);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < UNITS; i = next++) {
      // Ids of this run's own: the analysis matches outcomes to units by id alone, and
      // other runs' outcomes on the shared topic reach this run's logger too.
      const unit = `${RUN}-${s.key}-${i}`;
      const row = ROWS[i % ROWS.length] as number[];
      const response = await client.modelInfer(
        {
          modelName: s.model,
          parameters: { user_id: { parameterChoice: { case: 'stringParam', value: unit } } },
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
      );
      assignments[i] = {
        unit,
        variant: stringParameter(response, 'variant'),
        version: stringParameter(response, 'model_version'),
        experimentId: stringParameter(response, 'experiment_id'),
      };
    }
  };
  try {
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  } finally {
    client.close();
  }
  return assignments;
}

/** Reports `converted` = 1 for each converting unit through the router's OutcomeService. */
async function recordConversions(router: ServiceProcess, s: Scenario, units: Set<string>) {
  const client = createClient(OutcomeService, grpcAddress(router));
  const outcomes = [...units].map((unitId) => ({
    unitId,
    model: s.model,
    metric: 'converted',
    value: 1,
  }));
  try {
    // The OutcomeService takes at most 1,000 outcomes per call.
    for (let i = 0; i < outcomes.length; i += 1_000) {
      const { eventIds } = await client.recordOutcomes({ outcomes: outcomes.slice(i, i + 1_000) });
      expect(eventIds).toHaveLength(Math.min(1_000, outcomes.length - i));
    }
  } finally {
    client.close();
  }
}

/** Until every prediction and outcome of the scenario is in the analyst views (counted once). */
async function landed(s: Scenario, conversions: number): Promise<void> {
  const predictions = sql`SELECT count() AS n FROM ${ident(TABLES.predictions)} WHERE model = ${s.model}`;
  const outcomes = sql`SELECT count() AS n FROM ${ident(TABLES.outcomes)}
    WHERE metric = 'converted' AND unit_id LIKE ${`${RUN}-${s.key}-%`}`;
  await waitFor(
    `${UNITS} predictions and ${conversions} outcomes of ${s.model} in ClickHouse`,
    async () =>
      (await count(platform.clickhouse, predictions)) >= UNITS &&
      (await count(platform.clickhouse, outcomes)) >= conversions,
    { timeoutMs: 120_000, intervalMs: 500 },
  );
  // Nothing doubled: the views count a redelivered event once.
  expect(await count(platform.clickhouse, predictions)).toBe(UNITS);
  expect(await count(platform.clickhouse, outcomes)).toBe(conversions);
}

/** The EXPERIMENTS_FILE entry: the declared split, ending now that the traffic is over. */
function definition(s: Scenario, startedAt: Date, end: Date) {
  return {
    id: s.experimentId,
    model: s.model,
    variants: s.arms.map((a) => ({ name: a.name, weight: a.declared, version: a.version })),
    controlVariant: 'control',
    start: startedAt.toISOString(),
    end: end.toISOString(),
    metrics: [{ name: 'conversion', kind: 'binary', outcome: 'converted' }],
    attributionWindowHours: 1,
  };
}

/** The first final report of each experiment (FAILED_PRECONDITION until its first analysis). */
async function finalReports(analytics: ServiceProcess): Promise<Map<string, ExperimentReport>> {
  const client = createClient(ExperimentService, grpcAddress(analytics));
  const reports = new Map<string, ExperimentReport>();
  try {
    await waitFor(
      'a final report of every experiment',
      async () => {
        for (const s of SCENARIOS.filter((x) => !reports.has(x.key))) {
          try {
            const { report } = await client.getExperimentReport({ experimentId: s.experimentId });
            if (report?.final) reports.set(s.key, report);
          } catch (error) {
            if ((error as { code?: number }).code !== status.FAILED_PRECONDITION) throw error;
          }
        }
        return reports.size === SCENARIOS.length;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
  } finally {
    client.close();
  }
  return reports;
}

/** The treatment's comparison with the control on the conversion metric. */
function treatmentConversion(report: ExperimentReport) {
  return report.metrics
    .find((m) => m.metric === 'conversion')
    ?.variants.find((v) => v.variant === 'treatment')?.comparison;
}

/** Units and converters per variant, as the test sent them. */
function tally(assignments: Assignment[], converted: Set<string>) {
  const by = new Map<string, { units: number; converted: number }>();
  for (const { unit, variant } of assignments) {
    const t = by.get(variant) ?? { units: 0, converted: 0 };
    t.units += 1;
    if (converted.has(unit)) t.converted += 1;
    by.set(variant, t);
  }
  return by;
}

const traffic = new Map<string, { assignments: Assignment[]; converted: Set<string> }>();
let reports: Map<string, ExperimentReport>;

beforeAll(async () => {
  const startedAt = new Date(Date.now() - 60_000);
  platform = await startPlatform({
    name: 'experiment-e2e',
    run: RUN,
    deploy: async (control, scratch) => {
      await deployExperiments(control, scratch);
      return SCENARIOS.flatMap((s) =>
        [...new Set(s.arms.map((a) => a.version))].map((version) => ({ model: s.model, version })),
      );
    },
  });
  const { router } = platform;

  await Promise.all(
    SCENARIOS.map(async (s) => {
      const assignments = await sendTraffic(router, s);
      const converted = converters(s, assignments);
      await recordConversions(router, s, converted);
      traffic.set(s.key, { assignments, converted });
      await landed(s, converted.size);
    }),
  );

  // Fixed-horizon results are final once the experiment ended: it ends now. ClickHouse
  // compares whole seconds, so the last prediction is more than a second before the end.
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  const file = path.join(platform.scratch, 'experiments.json');
  const end = new Date();
  writeFileSync(file, JSON.stringify(SCENARIOS.map((s) => definition(s, startedAt, end))));
  const analytics = await startTracked('experiment-analytics', {
    env: {
      CLICKHOUSE_URL: platform.env.CLICKHOUSE_URL,
      CLICKHOUSE_DATABASE: platform.env.CLICKHOUSE_DATABASE,
      EXPERIMENTS_FILE: file,
      ANALYSIS_INTERVAL_MS: '1000',
    },
  });
  reports = await finalReports(analytics);
}, 300_000);

afterAll(stopPlatform);

describe('an experiment through the whole platform', () => {
  it('the router assigned every unit a variant of the experiment, served by its version', () => {
    for (const s of SCENARIOS) {
      const { assignments } = traffic.get(s.key)!;
      expect(assignments).toHaveLength(UNITS);
      const wrong = assignments.filter(
        (a) =>
          a.experimentId !== s.experimentId ||
          a.version !== s.arms.find((x) => x.name === a.variant)?.version,
      );
      expect(wrong).toEqual([]);
    }
  });

  it('the analysis counts exactly the units and conversions the router and callers produced', () => {
    for (const s of SCENARIOS) {
      const { assignments, converted } = traffic.get(s.key)!;
      const report = reports.get(s.key)!;
      const sent = tally(assignments, converted);
      expect(Number(report.unitsInSeveralVariants)).toBe(0);
      expect(report.variants.map((v) => [v.name, Number(v.units)])).toEqual(
        s.arms.map((a) => [a.name, sent.get(a.name)?.units ?? 0]),
      );
      const conversion = report.metrics.find((m) => m.metric === 'conversion');
      for (const v of conversion?.variants ?? []) {
        const t = sent.get(v.variant)!;
        expect(Number(v.n)).toBe(t.units);
        expect(v.mean).toBeCloseTo(t.converted / t.units, 12);
      }
    }
  });

  it('a real effect: SRM ok, conversion significantly better, ship the treatment', () => {
    const report = reports.get(EFFECT.key)!;
    expect(report.srm).toMatchObject({ status: 'ok', mismatch: false });
    const treatment = treatmentConversion(report);
    expect(treatment).toMatchObject({ status: 'ok', significant: true, verdict: 'better' });
    expect(treatment?.adjustedPValue).toBeLessThan(0.05);
    expect(treatment?.absolute?.lower).toBeGreaterThan(0);
    expect(treatment?.relative?.estimate).toBeGreaterThan(0);
    expect(report.decision).toMatchObject({ recommendation: 'ship', variant: 'treatment' });
  });

  it('an A/A with equal conversion rates is not significant and stops with no effect', () => {
    const report = reports.get(AA.key)!;
    expect(report.srm).toMatchObject({ status: 'ok', mismatch: false });
    const treatment = treatmentConversion(report);
    expect(treatment).toMatchObject({ status: 'ok', significant: false, verdict: 'inconclusive' });
    expect(report.decision).toMatchObject({ recommendation: 'stop_no_effect' });
  });

  it('a 70/30 deployment declared 50/50 is flagged as a sample ratio mismatch', () => {
    const report = reports.get(SRM.key)!;
    expect(report.srm).toMatchObject({ status: 'ok', mismatch: true });
    expect(report.srm?.pValue).toBeLessThan(0.001);
    expect(report.srm?.expected).toEqual([UNITS / 2, UNITS / 2]);
    expect(report.decision).toMatchObject({ recommendation: 'fix_assignment' });
  });
});
