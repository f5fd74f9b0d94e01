/**
 * Sends DriftAlerts: protobuf on ballast.alerts.v1 keyed by model name (one model's
 * alerts stay in order), and, when the monitor names one, a JSON POST to a webhook.
 * The producer never blocks; a full buffer or an unreachable webhook is logged and
 * counted, never fails the analysis (the results are already in drift_results).
 */
import { DriftAlertSchema, Severity as ProtoSeverity } from '@ballast/contracts';
import { TOPICS, type EventProducer } from '@ballast/kafka';
import type { Logger } from '@ballast/telemetry';
import { create, toBinary } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { randomUUID } from 'node:crypto';
import { manifestVersion } from '../domain/monitor';
import type { AlertSink, DriftAlertEvent } from '../domain/monitor-runner';

const SEVERITY = {
  warning: ProtoSeverity.WARNING,
  alert: ProtoSeverity.ALERT,
  resolved: ProtoSeverity.RESOLVED,
} as const;

export function toDriftAlert(alert: DriftAlertEvent, now: Date = new Date()) {
  return create(DriftAlertSchema, {
    eventId: randomUUID(),
    eventTime: timestampFromDate(now),
    model: { name: alert.monitor.model, version: manifestVersion(alert.monitor) },
    monitor: alert.monitor.name,
    feature: alert.feature,
    method: alert.method,
    value: alert.value,
    threshold: alert.threshold,
    severity: SEVERITY[alert.severity],
    windowStart: timestampFromDate(alert.windowStart),
    windowEnd: timestampFromDate(alert.windowEnd),
    message: alert.message,
  });
}

export class AlertPublisher implements AlertSink {
  constructor(
    private readonly options: {
      readonly producer?: EventProducer;
      readonly logger: Logger;
      readonly onDropped?: (channel: 'kafka' | 'webhook') => void;
      readonly webhookTimeoutMs?: number;
    },
  ) {}

  async publish(alert: DriftAlertEvent): Promise<void> {
    const message = toDriftAlert(alert);
    this.options.logger.info('drift alert', {
      monitor: alert.monitor.name,
      severity: alert.severity,
      feature: alert.feature,
      method: alert.method,
      value: alert.value,
    });
    if (alert.monitor.alerts.kafka && this.options.producer) {
      const accepted = this.options.producer.send({
        topic: TOPICS.alerts.name,
        key: alert.monitor.model,
        value: toBinary(DriftAlertSchema, message),
      });
      if (!accepted) this.dropped('kafka', new Error('producer buffer full'));
    }
    const url = alert.monitor.alerts.webhookUrl;
    if (url) await this.postWebhook(url, alert);
  }

  private async postWebhook(url: string, alert: DriftAlertEvent): Promise<void> {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          monitor: alert.monitor.name,
          model: alert.monitor.model,
          modelVersion: manifestVersion(alert.monitor),
          severity: alert.severity,
          feature: alert.feature,
          method: alert.method,
          value: alert.value,
          threshold: alert.threshold,
          windowStart: alert.windowStart.toISOString(),
          windowEnd: alert.windowEnd.toISOString(),
          message: alert.message,
        }),
        signal: AbortSignal.timeout(this.options.webhookTimeoutMs ?? 5000),
      });
      if (!response.ok) throw new Error(`webhook answered ${response.status}`);
    } catch (error) {
      this.dropped('webhook', error as Error);
    }
  }

  private dropped(channel: 'kafka' | 'webhook', error: Error): void {
    this.options.onDropped?.(channel);
    this.options.logger.warn('drift alert not delivered', { channel, error });
  }
}
