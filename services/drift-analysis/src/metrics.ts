import { metricName } from '@ballast/telemetry';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { RunnerObserver } from './domain/monitor-runner';
import type { Severity } from './domain/hysteresis';
import type { MonitorDefinition } from './domain/monitor';
import type { WindowAnalysis } from './domain/window-analysis';

const STATUS_VALUE: Record<string, number> = {
  ok: 0,
  warning: 1,
  drift: 2,
  insufficient_data: -1,
};
const SEVERITY_VALUE: Record<Severity, number> = { ok: 0, warning: 1, alert: 2 };

/**
 * Drift gauges: the latest value and status of every (model, feature, method), the
 * model's status after hysteresis, and counts of windows and failed deliveries.
 */
export class DriftMetrics implements RunnerObserver {
  private readonly value: Gauge<'monitor' | 'model' | 'feature' | 'method'>;
  private readonly status: Gauge<'monitor' | 'model' | 'feature' | 'method'>;
  private readonly modelStatus: Gauge<'monitor' | 'model'>;
  private readonly windows: Counter<'monitor' | 'model'>;
  private readonly failures: Counter<'monitor' | 'model'>;
  private readonly dropped: Counter<'channel'>;

  constructor(registry: Registry) {
    const registers = [registry];
    const labelNames = ['monitor', 'model', 'feature', 'method'] as const;
    this.value = new Gauge({
      name: metricName('drift', 'value'),
      help: 'Latest value of a drift statistic or data-quality rate (NaN: insufficient data)',
      labelNames,
      registers,
    });
    this.status = new Gauge({
      name: metricName('drift', 'status'),
      help: 'Latest status of a result: 0 ok, 1 warning, 2 drift, -1 insufficient data',
      labelNames,
      registers,
    });
    this.modelStatus = new Gauge({
      name: metricName('drift', 'model_status'),
      help: "The model's status after hysteresis: 0 ok, 1 warning, 2 alert",
      labelNames: ['monitor', 'model'],
      registers,
    });
    this.windows = new Counter({
      name: metricName('drift', 'windows_analysed_total'),
      help: 'Monitor windows analysed',
      labelNames: ['monitor', 'model'],
      registers,
    });
    this.failures = new Counter({
      name: metricName('drift', 'window_failures_total'),
      help: 'Monitor windows whose analysis failed (retried on the next tick)',
      labelNames: ['monitor', 'model'],
      registers,
    });
    this.dropped = new Counter({
      name: metricName('drift', 'alerts_dropped_total'),
      help: 'Alerts not delivered, by channel (kafka buffer full, webhook error)',
      labelNames: ['channel'],
      registers,
    });
  }

  analysed(monitor: MonitorDefinition, analysis: WindowAnalysis, status: Severity): void {
    const base = { monitor: monitor.name, model: monitor.model };
    for (const r of analysis.results) {
      const labels = { ...base, feature: r.feature, method: r.method };
      this.value.set(labels, r.value);
      this.status.set(labels, STATUS_VALUE[r.status] ?? -1);
    }
    this.modelStatus.set(base, SEVERITY_VALUE[status]);
    this.windows.inc(base);
  }

  restored(monitor: MonitorDefinition, status: Severity): void {
    this.modelStatus.set({ monitor: monitor.name, model: monitor.model }, SEVERITY_VALUE[status]);
  }

  failed(monitor: MonitorDefinition): void {
    this.failures.inc({ monitor: monitor.name, model: monitor.model });
  }

  alertDropped(channel: 'kafka' | 'webhook'): void {
    this.dropped.inc({ channel });
  }
}
