/**
 * ExperimentService over gRPC: thin adapters from ExperimentReports and TrafficRates
 * to the messages of proto/ballast/experiments/v1. Nulls become absent fields.
 */
import type {
  ExperimentReportSchema,
  ExperimentService,
  IntervalSchema,
  MetricResultSchema,
  TimelinePointSchema,
} from '@ballast/contracts';
import type { UnaryImplementation } from '@ballast/grpc';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { ExperimentReport, Interval, MetricResult } from '../analysis/report';
import type { ExperimentReports, TimelineRow } from '../reports/experiment-reports';
import type { TrafficRates } from '../reports/traffic-rates';

type Handlers = UnaryImplementation<(typeof ExperimentService)['method']>;

const optional = (x: number | null | undefined): number | undefined =>
  x === null || x === undefined || !Number.isFinite(x) ? undefined : x;

function interval(
  i: Interval | null | undefined,
): MessageInitShape<typeof IntervalSchema> | undefined {
  return i ? { estimate: i.estimate, lower: i.lower, upper: i.upper } : undefined;
}

function metricMessage(m: MetricResult): MessageInitShape<typeof MetricResultSchema> {
  return {
    metric: m.metric,
    kind: m.kind,
    goal: m.goal,
    guardrail: m.guardrail,
    variants: m.variants.map((v) => {
      const c = v.comparison;
      return {
        variant: v.variant,
        n: BigInt(v.n),
        mean: optional(v.mean),
        comparison:
          c === null
            ? undefined
            : c.status !== 'ok'
              ? { status: c.status, reason: c.reason }
              : {
                  status: c.status,
                  absolute: interval(c.absolute),
                  relative: interval(c.relative),
                  pValue: optional(c.pValue),
                  adjustedPValue: optional(c.adjustedPValue),
                  significant: c.significant,
                  verdict: c.verdict,
                  sequentialPValue: optional(c.sequential?.pValue),
                  sequentialAbsolute: interval(c.sequential?.absolute),
                  sequentialRelative: interval(c.sequential?.relative),
                  cupedTheta: optional(c.cupedTheta),
                },
      };
    }),
  };
}

export function reportMessage(
  r: ExperimentReport,
): MessageInitShape<typeof ExperimentReportSchema> {
  return {
    experimentId: r.experimentId,
    model: r.model,
    computedTime: timestampFromDate(r.computedAt),
    controlVariant: r.controlVariant,
    variants: r.variants.map((v) => ({ name: v.name, weight: v.weight, units: BigInt(v.units) })),
    unitsInSeveralVariants: BigInt(r.unitsInSeveralVariants),
    srm:
      r.srm.status === 'ok'
        ? {
            status: 'ok',
            pValue: r.srm.pValue,
            mismatch: r.srm.mismatch,
            observed: r.srm.observed.map((n) => BigInt(n)),
            expected: [...r.srm.expected],
          }
        : { status: r.srm.status, reason: r.srm.reason },
    metrics: r.metrics.map(metricMessage),
    guardrails: r.guardrails.map((g) => ({
      variant: g.variant,
      guardrail: g.guardrail,
      control: optional(g.control),
      treatment: optional(g.treatment),
      violated: g.violated,
      reason: g.reason,
    })),
    final: r.final,
    decision: {
      recommendation: r.decision.recommendation,
      variant: r.decision.variant ?? '',
      reason: r.decision.reason,
    },
  };
}

function timelinePoint(t: TimelineRow): MessageInitShape<typeof TimelinePointSchema> {
  return {
    computedTime: timestampFromDate(t.computedAt),
    metric: t.metric,
    variant: t.variant,
    n: BigInt(t.n),
    lift: optional(t.lift),
    liftLower: optional(t.liftLower),
    liftUpper: optional(t.liftUpper),
    relativeLift: optional(t.relativeLift),
    relativeLiftLower: optional(t.relativeLiftLower),
    relativeLiftUpper: optional(t.relativeLiftUpper),
    adjustedPValue: optional(t.adjustedPValue),
  };
}

export function experimentHandlers({
  reports,
  traffic,
}: {
  reports: ExperimentReports;
  traffic: TrafficRates;
}): Handlers {
  return {
    listExperiments: async () => ({
      experiments: reports.list().map(({ definition: d, latest }) => ({
        id: d.id,
        model: d.model,
        controlVariant: d.controlVariant,
        variants: d.variants.map((v) => ({
          name: v.name,
          weight: v.weight,
          units: BigInt(latest?.variants.find((u) => u.name === v.name)?.units ?? 0),
        })),
        startTime: timestampFromDate(d.start),
        endTime: timestampFromDate(d.end),
        sequential: d.sequential.enabled,
        lastAnalysisTime: latest ? timestampFromDate(latest.computedAt) : undefined,
        recommendation: latest?.decision.recommendation ?? '',
      })),
    }),
    getExperimentReport: async (request) => {
      const { report, timeline } = await reports.report(request.experimentId);
      return { report: reportMessage(report), timeline: timeline.map(timelinePoint) };
    },
    getTrafficRate: async (request) => {
      const rate = await traffic.rate({ model: request.model, lookbackDays: request.lookbackDays });
      return {
        model: rate.model,
        lookbackDays: rate.lookbackDays,
        fromTime: timestampFromDate(rate.from),
        toTime: timestampFromDate(rate.to),
        units: BigInt(rate.units),
        requests: BigInt(rate.requests),
        unitsPerDay: rate.unitsPerDay,
        requestsPerDay: rate.requestsPerDay,
      };
    },
  };
}
