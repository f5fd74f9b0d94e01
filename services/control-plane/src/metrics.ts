import { metricName } from '@ballast/telemetry';
import { Counter, Gauge, type Registry } from 'prom-client';

export type ChangeOutcome = 'applied' | 'unchanged' | 'rejected';

/** The control plane's Prometheus metrics, named in one place. */
export class ControlPlaneMetrics {
  readonly changes: Counter<'action' | 'outcome'>;

  constructor(
    registry: Registry,
    sources: { generations: () => { name: string; generation: bigint }[]; outbox: () => number },
  ) {
    const registers = [registry];
    this.changes = new Counter({
      name: metricName('control', 'changes_total'),
      help:
        'Change requests by action (register, deploy, promote, set_experiment_state, rollback) and ' +
        'outcome: applied, unchanged (an identical repeat), rejected (nothing changed)',
      labelNames: ['action', 'outcome'],
      registers,
    });
    new Gauge({
      name: metricName('control', 'deployment_generation'),
      help: 'Generation of the active deployment, by model (0: registered, never deployed)',
      labelNames: ['model'],
      registers,
      collect() {
        this.reset();
        for (const { name, generation } of sources.generations())
          this.set({ model: name }, Number(generation));
      },
    });
    new Gauge({
      name: metricName('control', 'outbox_events'),
      help: 'Changes persisted and not yet acknowledged by Kafka',
      registers,
      collect() {
        this.set(sources.outbox());
      },
    });
  }
}
