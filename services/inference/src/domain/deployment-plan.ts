/**
 * What a deployment asks of one inference replica: the versions it must hold (every
 * version the routers may send a request to) and the one that answers requests
 * naming no version. Pure, so the control follower only turns plans into loads and
 * unloads, and the rules are tested without Kafka or models.
 */
import { ExperimentState, type Deployment } from '@ballast/contracts';

export interface DeploymentPlan {
  readonly model: string;
  readonly generation: bigint;
  /** Answers requests that name no version; always among `resident`. */
  readonly current: string;
  /** Every version the replica must hold, without repeats. */
  readonly resident: readonly string[];
}

/** A deployment a replica cannot act on; `field` is its path in the Deployment message. */
export class InvalidDeploymentError extends Error {
  override readonly name = 'InvalidDeploymentError';
  constructor(
    readonly model: string,
    readonly field: string,
    readonly reason: string,
  ) {
    super(`deployment of model "${model}": ${field} ${reason}`);
  }
}

/** The versions `deployment` needs resident and the one made current. */
export function planFor(deployment: Deployment): DeploymentPlan {
  const { model, generation, strategy } = deployment;
  if (model === '') throw new InvalidDeploymentError(model, 'model', 'is empty');
  const version = (value: string, field: string) => {
    if (value === '') throw new InvalidDeploymentError(model, field, 'is empty');
    return value;
  };
  const plan = (current: string, others: string[]): DeploymentPlan => ({
    model,
    generation,
    current,
    resident: [...new Set([current, ...others])],
  });
  switch (strategy.case) {
    case 'replace':
      return plan(version(strategy.value.version, 'replace.version'), []);
    case 'canary':
      return plan(version(strategy.value.stableVersion, 'canary.stable_version'), [
        version(strategy.value.canaryVersion, 'canary.canary_version'),
      ]);
    case 'shadow':
      return plan(version(strategy.value.primaryVersion, 'shadow.primary_version'), [
        version(strategy.value.shadowVersion, 'shadow.shadow_version'),
      ]);
    case 'experiment': {
      const { variants, controlVariant, state } = strategy.value;
      const versions = variants.map((v, i) =>
        version(v.version, `experiment.variants[${i}].version`),
      );
      const control = Math.max(
        0,
        variants.findIndex((v) => v.name === controlVariant),
      );
      const current = versions[control];
      if (current === undefined)
        throw new InvalidDeploymentError(model, 'experiment.variants', 'is empty');
      // A stopped experiment sends everyone to control: the other arms can go.
      return plan(current, state === ExperimentState.STOPPED ? [] : versions);
    }
    case undefined:
      throw new InvalidDeploymentError(
        model,
        'strategy',
        'is not set (one of replace, canary, shadow, experiment)',
      );
  }
}

/**
 * Splits plans (in topic order) into the ones to apply, at most one per model: the
 * newest, when newer than the generation `applied` for that model; and the
 * superseded rest. A replayed or reordered deployment thus never undoes a later one,
 * and a burst of changes to one model costs one reconcile.
 */
export function newestPlans(
  plans: readonly DeploymentPlan[],
  applied: ReadonlyMap<string, bigint>,
): { apply: DeploymentPlan[]; superseded: DeploymentPlan[] } {
  const newest = new Map<string, DeploymentPlan>();
  const superseded: DeploymentPlan[] = [];
  for (const plan of plans) {
    const best = newest.get(plan.model);
    const floor = best?.generation ?? applied.get(plan.model);
    if (floor !== undefined && plan.generation <= floor) {
      superseded.push(plan);
      continue;
    }
    if (best) superseded.push(best);
    newest.set(plan.model, plan);
  }
  return { apply: [...newest.values()], superseded };
}
