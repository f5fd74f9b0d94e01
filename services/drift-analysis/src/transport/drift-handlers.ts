/**
 * DriftService over gRPC: thin adapters from DriftReports to the messages of
 * proto/ballast/drift/v1. NaN values (insufficient data) become absent fields.
 */
import type { DriftService, MethodResultSchema } from '@ballast/contracts';
import type { UnaryImplementation } from '@ballast/grpc';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { timestampDate, timestampFromDate, type Timestamp } from '@bufbuild/protobuf/wkt';
import type { DriftReports, StoredResult } from '../reports/drift-reports';

type Handlers = UnaryImplementation<(typeof DriftService)['method']>;

const DAY_MS = 86_400_000;

function resultMessage(r: StoredResult): MessageInitShape<typeof MethodResultSchema> {
  return {
    feature: r.feature,
    method: r.method,
    value: Number.isFinite(r.value) ? r.value : undefined,
    threshold: r.threshold,
    status: r.status,
    sampleSize: BigInt(r.sampleSize),
  };
}

export function driftHandlers({
  reports,
  now = () => new Date(),
}: {
  reports: DriftReports;
  now?: () => Date;
}): Handlers {
  return {
    listMonitors: async () => ({
      monitors: reports.list().map((m) => {
        const last = m.lastWindowStart();
        const window = m.monitor.reference?.window;
        return {
          name: m.monitor.name,
          model: m.monitor.model,
          referenceVersion: m.monitor.referenceVersion ?? '',
          features: m.references.map((r) => r.name),
          windowSeconds: m.monitor.windowSeconds,
          status: m.status(),
          lastWindowStart: last ? timestampFromDate(last) : undefined,
          referenceWindow: window
            ? { fromTime: timestampFromDate(window.from), toTime: timestampFromDate(window.to) }
            : undefined,
          trafficVersion: m.monitor.trafficVersion ?? '',
        };
      }),
    }),
    getDriftReport: async (request) => {
      const at = (t: Timestamp | undefined, fallback: Date) => (t ? timestampDate(t) : fallback);
      const to = at(request.toTime, now());
      const from = at(request.fromTime, new Date(to.getTime() - DAY_MS));
      const report = await reports.report({
        model: request.model,
        from,
        to,
        features: request.features,
      });
      return {
        model: report.model,
        windows: report.windows.map((w) => ({
          monitor: w.monitor,
          windowStart: timestampFromDate(w.windowStart),
          windowEnd: timestampFromDate(w.windowEnd),
          drift: w.drift.map(resultMessage),
          quality: w.quality.map(resultMessage),
        })),
        timeline: report.timeline.map((t) => ({
          monitor: t.monitor,
          windowStart: timestampFromDate(t.windowStart),
          status: t.status,
          driftedFeatures: t.driftedFeatures,
        })),
        histograms: report.histograms.map((h) => ({
          feature: h.feature,
          edges: [...h.edges],
          labels: [...h.labels],
          reference: [...h.reference],
          current: [...h.current],
          windowStart: timestampFromDate(h.windowStart),
        })),
      };
    },
  };
}
