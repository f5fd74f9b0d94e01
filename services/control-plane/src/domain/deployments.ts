/**
 * How each deployment change turns one model's record into the next: compare-and-swap
 * on the generation, the stack of past deployments Rollback returns to, promotion and
 * experiment states. Pure: the control plane persists and publishes what these return.
 */
import { DeploymentSchema, ExperimentState, type Deployment } from '@ballast/contracts';
import { clone, create } from '@bufbuild/protobuf';
import {
  GenerationConflictError,
  InvalidArgumentError,
  NotApplicableError,
  NotRegisteredError,
} from './errors';
import type { Registry } from './deployment-validation';
import { generationOf, type AuditAction, type ModelRecord } from './state';

export interface Transition {
  readonly action: AuditAction;
  /** The model's next record; its deployment is the one that became active. */
  readonly record: ModelRecord;
}

/** Refuses the change when `expected` is set and is not the model's generation (0: none yet). */
export function checkGeneration(
  model: string,
  record: ModelRecord | undefined,
  expected: bigint | undefined,
): void {
  const current = generationOf(record);
  if (expected !== undefined && expected !== current)
    throw new GenerationConflictError(model, current, expected);
}

/** `deployment` becomes active as the next generation; the active one goes on the stack. */
export function activate(
  record: ModelRecord,
  deployment: Deployment,
  action: AuditAction,
): Transition {
  const next = clone(DeploymentSchema, deployment);
  next.generation = generationOf(record) + 1n;
  return {
    action,
    record: {
      ...record,
      deployment: next,
      past: record.deployment ? [...record.past, record.deployment] : record.past,
    },
  };
}

/**
 * Everything to one version: the one named, or the canary's, the shadow's, or the
 * named experiment variant's.
 */
export function promote(
  model: string,
  record: ModelRecord,
  target: { version: string; variant: string },
  registry: Registry,
): Transition {
  const active = activeDeployment(model, record, 'to promote');
  const version = target.version || promotedVersion(model, active, target.variant);
  if (!registry.isRegistered(model, version))
    throw new NotRegisteredError(model, version, 'version');
  const replace = create(DeploymentSchema, {
    model,
    strategy: { case: 'replace', value: { version } },
  });
  return activate(record, replace, 'promote');
}

function promotedVersion(model: string, active: Deployment, variant: string): string {
  const { strategy } = active;
  switch (strategy.case) {
    case 'canary':
      return strategy.value.canaryVersion;
    case 'shadow':
      return strategy.value.shadowVersion;
    case 'experiment': {
      const names = strategy.value.variants.map((v) => `"${v.name}"`).join(', ');
      if (variant === '')
        throw new InvalidArgumentError(
          'variant',
          `name the experiment variant to promote (${names}) or a version`,
        );
      const chosen = strategy.value.variants.find((v) => v.name === variant);
      if (!chosen)
        throw new InvalidArgumentError('variant', `"${variant}" is not a variant (${names})`);
      return chosen.version;
    }
    default:
      throw new NotApplicableError(
        model,
        `generation ${active.generation} already sends everything to one version; name the version to promote`,
      );
  }
}

const STATE_ACTIONS: Partial<Record<ExperimentState, AuditAction>> = {
  [ExperimentState.RUNNING]: 'resume',
  [ExperimentState.PAUSED]: 'pause',
  [ExperimentState.STOPPED]: 'stop',
};

/**
 * The active experiment in `state`; undefined when it is in that state already (no
 * change, no new generation). A stopped experiment stays stopped: deploy a new one.
 */
export function setExperimentState(
  model: string,
  record: ModelRecord,
  state: ExperimentState,
): Transition | undefined {
  const action = STATE_ACTIONS[state];
  if (!action) throw new InvalidArgumentError('state', 'must be RUNNING, PAUSED or STOPPED');
  const active = activeDeployment(model, record, 'whose experiment state to set');
  if (active.strategy.case !== 'experiment')
    throw new NotApplicableError(
      model,
      `generation ${active.generation} is a ${String(active.strategy.case)} deployment, not an experiment`,
    );
  const current = active.strategy.value.state;
  if (current === state) return undefined;
  if (current === ExperimentState.STOPPED)
    throw new NotApplicableError(
      model,
      `experiment "${active.strategy.value.experimentId}" is stopped; deploy a new experiment instead`,
    );
  const next = clone(DeploymentSchema, active);
  (next.strategy.value as { state: ExperimentState }).state = state;
  return activate(record, next, action);
}

/**
 * The deployment before the active one becomes active again, as a new generation.
 * It leaves the stack, so rolling back again goes one further back.
 */
export function rollback(model: string, record: ModelRecord): Transition {
  const active = activeDeployment(model, record, 'to roll back');
  const previous = record.past.at(-1);
  if (!previous)
    throw new NotApplicableError(
      model,
      `generation ${active.generation} is its first deployment; there is none before it to roll back to`,
    );
  const next = clone(DeploymentSchema, previous);
  next.generation = active.generation + 1n;
  return {
    action: 'rollback',
    record: { ...record, deployment: next, past: record.past.slice(0, -1) },
  };
}

function activeDeployment(model: string, record: ModelRecord, purpose: string): Deployment {
  if (!record.deployment) throw new NotApplicableError(model, `has no deployment ${purpose}`);
  return record.deployment;
}
