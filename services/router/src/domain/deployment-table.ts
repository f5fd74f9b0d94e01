/**
 * The active deployment of every model, as the router routes by it. Deployments come
 * from two sources, the control plane's snapshot and the control topic, in any order
 * and with repeats; a deployment replaces the known one only when its generation is
 * newer, so the table always ends at each model's newest deployment whichever source
 * delivered it first.
 */
import { ExperimentState, type Deployment } from '@ballast/contracts';
import { InvalidDeploymentError } from './errors';

export type ApplyOutcome = 'applied' | 'superseded';

export class DeploymentTable {
  private readonly deployments = new Map<string, Deployment>();

  /**
   * Makes `deployment` its model's active one if its generation is newer than the
   * known one. Throws InvalidDeploymentError, changing nothing, for a deployment no
   * request could be routed by.
   */
  apply(deployment: Deployment): ApplyOutcome {
    validate(deployment);
    const known = this.deployments.get(deployment.model);
    if (known && deployment.generation <= known.generation) return 'superseded';
    this.deployments.set(deployment.model, deployment);
    return 'applied';
  }

  get(model: string): Deployment | undefined {
    return this.deployments.get(model);
  }

  /** Every model's active deployment. */
  all(): Deployment[] {
    return [...this.deployments.values()];
  }
}

/** Checks what routing relies on; the control plane validates the rest. */
export function validate(deployment: Deployment): void {
  const { model, strategy } = deployment;
  const fail = (field: string, reason: string) => {
    throw new InvalidDeploymentError(model, field, reason);
  };
  const version = (value: string, field: string) => value === '' && fail(field, 'is empty');
  const fraction = (value: number, field: string) =>
    !(value >= 0 && value <= 1) && fail(field, `must be in [0, 1], is ${value}`);
  if (model === '') fail('model', 'is empty');
  switch (strategy.case) {
    case 'replace':
      version(strategy.value.version, 'replace.version');
      return;
    case 'canary':
      version(strategy.value.stableVersion, 'canary.stable_version');
      version(strategy.value.canaryVersion, 'canary.canary_version');
      fraction(strategy.value.canaryWeight, 'canary.canary_weight');
      return;
    case 'shadow':
      version(strategy.value.primaryVersion, 'shadow.primary_version');
      version(strategy.value.shadowVersion, 'shadow.shadow_version');
      fraction(strategy.value.mirrorFraction, 'shadow.mirror_fraction');
      return;
    case 'experiment': {
      const { variants, experimentId, unitField, state } = strategy.value;
      if (experimentId === '') fail('experiment.experiment_id', 'is empty');
      if (unitField === '') fail('experiment.unit_field', 'is empty');
      if (variants.length === 0) fail('experiment.variants', 'is empty');
      variants.forEach((v, i) => {
        version(v.version, `experiment.variants[${i}].version`);
        fraction(v.weight, `experiment.variants[${i}].weight`);
      });
      if (state === ExperimentState.RUNNING && !variants.some((v) => v.weight > 0))
        fail('experiment.variants', 'has no variant with a weight above 0');
      return;
    }
    case undefined:
      fail('strategy', 'is not set (one of replace, canary, shadow, experiment)');
  }
}
