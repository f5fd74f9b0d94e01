/**
 * Follows ballast.control.v1 so a live replica serves what the control plane
 * deployed, without a restart. Every replica reads the whole topic in a consumer
 * group of its own, from the beginning: a new replica replays the history and ends in
 * the latest state, and `start` returns only once it has (so the replica reports
 * ready, and the routers send it requests, with the deployments applied). A deployment whose version does not load leaves what serves
 * untouched and is not retried (the next deployment can fix it), so one bad artifact
 * never holds back the topic; an undecodable or invalid event goes to the DLQ.
 */
import { ControlEventSchema, type ControlEvent } from '@ballast/contracts';
import {
  ConsumerRunner,
  PoisonMessageError,
  TOPICS,
  waitUntilCaughtUp,
  type ConsumedMessage,
} from '@ballast/kafka';
import { metricName, type Logger } from '@ballast/telemetry';
import { fromBinary } from '@bufbuild/protobuf';
import type { Kafka } from 'kafkajs';
import { Counter, Gauge, type Registry } from 'prom-client';
import { newestPlans, planFor, type DeploymentPlan } from '../domain/deployment-plan';
import { ModelLoadError } from '../domain/errors';
import type { ModelRepository } from '../domain/model-repository';

export interface ControlFollowerOptions {
  kafka: Kafka;
  repository: Pick<ModelRepository, 'load' | 'unload' | 'versionsOf'>;
  logger: Logger;
  /** One per process (e.g. `inference-<hostname>-<pid>`): each replica reads every event. */
  groupId: string;
  registry?: Registry;
  /**
   * `start` waits at most this long for the topic's history to be applied, then
   * returns with a warning (the rest applies as it is read); default 60 s.
   */
  catchUpTimeoutMs?: number;
}

/** A control event as the follower sees it: a deployment to apply, or a change it has no part in. */
type ControlChange =
  { plan: DeploymentPlan } | { change: ControlEvent['change']['case']; model: string | undefined };

function decodeControlEvent(value: Buffer): ControlChange {
  try {
    const event = fromBinary(ControlEventSchema, value);
    return event.change.case === 'deploymentChanged'
      ? { plan: planFor(event.change.value) }
      : { change: event.change.case, model: event.model?.name };
  } catch (error) {
    throw new PoisonMessageError(`not an applicable ControlEvent: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

export class ControlFollower {
  private readonly runner: ConsumerRunner<ControlChange>;
  private readonly repository: ControlFollowerOptions['repository'];
  private readonly logger: Logger;
  /** Per model, the generation last acted on (applied, or failed and given up). */
  private readonly applied = new Map<string, bigint>();
  private readonly metrics: {
    deployments: Counter<'model' | 'outcome'>;
    generation: Gauge<'model'>;
  };

  constructor(private readonly options: ControlFollowerOptions) {
    this.repository = options.repository;
    this.logger = options.logger.child({ component: 'control-follower' });
    const registers = options.registry ? [options.registry] : [];
    this.metrics = {
      deployments: new Counter({
        name: metricName('inference', 'control_deployments_total'),
        help:
          'Deployments read from the control topic, by model and outcome: applied, failed ' +
          '(a version did not load; what served keeps serving), superseded (a newer generation was known)',
        labelNames: ['model', 'outcome'],
        registers,
      }),
      generation: new Gauge({
        name: metricName('inference', 'deployment_generation'),
        help: 'Generation of the deployment this replica serves, by model',
        labelNames: ['model'],
        registers,
      }),
    };
    this.runner = new ConsumerRunner<ControlChange>({
      kafka: options.kafka,
      groupId: options.groupId,
      topics: [TOPICS.control.name],
      logger: this.logger,
      registry: options.registry,
      fromBeginning: true,
      // Bounds how late a deployment arrives from a broker that does not answer a
      // waiting fetch as soon as data comes (the local mock); the topic is one small
      // partition, so the extra empty fetches cost next to nothing.
      consumerConfig: { maxWaitTimeInMs: 100 },
      decode: decodeControlEvent,
      handle: (messages) => this.handle(messages),
    });
  }

  /** Subscribes, and returns once the topic's history up to now is applied. */
  async start(): Promise<void> {
    await this.runner.start();
    const timeoutMs = this.options.catchUpTimeoutMs ?? 60_000;
    const { kafka, groupId } = this.options;
    const caughtUp = await waitUntilCaughtUp({
      kafka,
      groupId,
      topic: TOPICS.control.name,
      timeoutMs,
    });
    if (!caughtUp)
      this.logger.warn('control topic not replayed in time; deployments apply as they are read', {
        timeoutMs,
      });
  }

  stop(): Promise<void> {
    return this.runner.stop();
  }

  private async handle(messages: ConsumedMessage<ControlChange>[]): Promise<void> {
    const plans: DeploymentPlan[] = [];
    for (const { value } of messages) {
      if ('plan' in value) plans.push(value.plan);
      else this.logger.debug('control event needs no action here', value);
    }
    const { apply, superseded } = newestPlans(plans, this.applied);
    for (const { model, generation } of superseded) {
      this.metrics.deployments.inc({ model, outcome: 'superseded' });
      this.logger.debug('deployment superseded by a newer generation', { model, generation });
    }
    for (const plan of apply) {
      await this.apply(plan);
      this.applied.set(plan.model, plan.generation);
    }
  }

  /**
   * Loads the plan's versions beside what serves, then switches current in one step,
   * then lets the versions the plan drops drain and go. A version that does not load
   * undoes this plan's own loads, so the replica serves exactly what it served before.
   */
  private async apply({ model, generation, current, resident }: DeploymentPlan): Promise<void> {
    const before = new Set(this.repository.versionsOf(model));
    try {
      for (const version of resident)
        await this.repository.load(model, version, { makeCurrent: false });
    } catch (error) {
      // Anything else is unexpected: the runner retries the batch.
      if (!(error instanceof ModelLoadError)) throw error;
      const added = this.repository.versionsOf(model).filter((v) => !before.has(v));
      await Promise.all(added.map((v) => this.repository.unload(model, v)));
      this.metrics.deployments.inc({ model, outcome: 'failed' });
      this.logger.error(
        'deployment not applied: a version did not load; what served keeps serving',
        {
          model,
          generation,
          version: error.version,
          reason: error.message,
        },
      );
      return;
    }
    await this.repository.load(model, current, { makeCurrent: true, keepPrevious: true });
    const dropped = this.repository.versionsOf(model).filter((v) => !resident.includes(v));
    await Promise.all(dropped.map((v) => this.repository.unload(model, v)));
    this.metrics.deployments.inc({ model, outcome: 'applied' });
    this.metrics.generation.set({ model }, Number(generation));
    this.logger.info('deployment applied', { model, generation, current, resident, dropped });
  }
}
