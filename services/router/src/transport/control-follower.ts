/**
 * Keeps the deployment table current. At start it subscribes to ballast.control.v1
 * (a consumer group of its own per process, from the beginning) and only then takes
 * the control plane's snapshot (ListDeployments), so a change made between the two
 * is seen by one or the other; the table keeps each model's newest generation, so
 * what both deliver is applied once. The router is ready once the snapshot is in; an
 * unreachable control plane is retried with backoff (the topic alone converges too).
 */
import { ControlEventSchema, type Deployment } from '@ballast/contracts';
import { ConsumerRunner, PoisonMessageError, TOPICS, type ConsumedMessage } from '@ballast/kafka';
import { metricName, type Logger } from '@ballast/telemetry';
import { fromBinary } from '@bufbuild/protobuf';
import type { Kafka } from 'kafkajs';
import { Counter, type Registry } from 'prom-client';
import { validate, type DeploymentTable } from '../domain/deployment-table';

export interface ControlFollowerOptions {
  /** Undefined: no topic to follow; the snapshot alone fills the table. */
  kafka: Kafka | undefined;
  /** One per process (`<prefix>-<host>-<pid>`): each router reads every event. */
  groupId: string;
  table: DeploymentTable;
  /** The control plane's active deployments (ListDeployments). */
  snapshot: () => Promise<Deployment[]>;
  logger: Logger;
  registry?: Registry;
  retryBackoffMs?: { min: number; max: number };
}

/** The deployment a control event carries; undefined for changes the router has no part in. */
function decodeControlEvent(value: Buffer): Deployment | undefined {
  try {
    const event = fromBinary(ControlEventSchema, value);
    if (event.change.case !== 'deploymentChanged') return undefined;
    validate(event.change.value);
    return event.change.value;
  } catch (error) {
    throw new PoisonMessageError(`not an applicable ControlEvent: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

export class ControlFollower {
  private readonly runner: ConsumerRunner<Deployment | undefined> | undefined;
  private readonly logger: Logger;
  private readonly deployments: Counter<'source' | 'outcome'>;
  private stopped = false;
  private wake: (() => void) | undefined;

  constructor(private readonly options: ControlFollowerOptions) {
    this.logger = options.logger.child({ component: 'control-follower' });
    this.deployments = new Counter({
      name: metricName('router', 'control_deployments_total'),
      help:
        'Deployments read, by source (snapshot, topic) and outcome: applied, superseded ' +
        '(a newer generation was known), invalid',
      labelNames: ['source', 'outcome'],
      registers: options.registry ? [options.registry] : [],
    });
    this.runner =
      options.kafka &&
      new ConsumerRunner<Deployment | undefined>({
        kafka: options.kafka,
        groupId: options.groupId,
        topics: [TOPICS.control.name],
        logger: this.logger,
        registry: options.registry,
        fromBeginning: true,
        // As in the inference replicas: bounds how late a deployment arrives from a
        // broker that does not answer a waiting fetch as soon as data comes.
        consumerConfig: { maxWaitTimeInMs: 100 },
        decode: decodeControlEvent,
        handle: async (messages) => this.handle(messages),
      });
  }

  /** Subscribes, then applies the snapshot (retrying until the control plane answers). */
  async start(): Promise<void> {
    await this.runner?.start();
    const deployments = await this.takeSnapshot();
    for (const deployment of deployments) this.apply(deployment, 'snapshot');
    this.logger.info('deployment snapshot applied', { deployments: deployments.length });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.runner?.stop();
  }

  private handle(messages: ConsumedMessage<Deployment | undefined>[]): void {
    for (const { value } of messages) if (value) this.apply(value, 'topic');
  }

  private apply(deployment: Deployment, source: 'snapshot' | 'topic'): void {
    const { model, generation } = deployment;
    let outcome: string;
    try {
      outcome = this.options.table.apply(deployment);
    } catch (error) {
      // Only snapshot entries get here: the topic's are validated when decoded.
      this.deployments.inc({ source, outcome: 'invalid' });
      this.logger.error('deployment ignored: invalid', {
        model,
        generation,
        error: error as Error,
      });
      return;
    }
    this.deployments.inc({ source, outcome });
    if (outcome === 'applied')
      this.logger.info('deployment applied', { model, generation, source });
  }

  private async takeSnapshot(): Promise<Deployment[]> {
    const { min, max } = this.options.retryBackoffMs ?? { min: 250, max: 5_000 };
    for (let attempt = 1, backoff = min; ; attempt++, backoff = Math.min(max, backoff * 2)) {
      try {
        return await this.options.snapshot();
      } catch (error) {
        if (this.stopped)
          throw new Error('stopped before the deployment snapshot was taken', { cause: error });
        this.logger.warn('control plane unreachable; retrying the deployment snapshot', {
          attempt,
          retryInMs: backoff,
          error: error as Error,
        });
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          setTimeout(resolve, backoff);
        });
      }
    }
  }
}
