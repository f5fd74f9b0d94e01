/**
 * Checks a requested deployment field by field and fills in the defaults, before the
 * control plane accepts it. Every problem names its path in the DeployRequest
 * (`deployment.experiment.variants[1].weight`); versions are checked against the
 * registry only once the shape is right, so NOT_FOUND always names a real reference.
 */
import { DeploymentSchema, ExperimentState, type Deployment } from '@ballast/contracts';
import { create } from '@bufbuild/protobuf';
import { NAME_PATTERN } from '@ballast/model-store';
import { InvalidArgumentError, NotRegisteredError } from './errors';

/** Request parameters that carry a unit id, as routers read them. */
export const PARAMETER_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
/** How far the variant weights' sum may be from 1 (rounding of decimal weights). */
export const WEIGHT_SUM_TOLERANCE = 1e-9;

export interface Registry {
  isRegistered(model: string, version?: string): boolean;
}

const FIELD = 'deployment';

/**
 * The deployment to store: `input` with defaults filled in and generation 0 (the
 * control plane assigns it). Throws InvalidArgumentError or NotRegisteredError.
 */
export function validateDeployment(input: Deployment | undefined, registry: Registry): Deployment {
  if (input === undefined) throw new InvalidArgumentError(FIELD, 'is required');
  const model = name(input.model, `${FIELD}.model`);
  const refs: [string, string][] = [];
  const version = (value: string, field: string) => {
    refs.push([name(value, field), field]);
    return value;
  };
  const { strategy } = input;
  const path = `${FIELD}.${strategy.case ?? 'strategy'}`;
  let checked: Deployment['strategy'];
  switch (strategy.case) {
    case 'replace':
      version(strategy.value.version, `${path}.version`);
      checked = strategy;
      break;
    case 'canary': {
      const s = strategy.value;
      version(s.stableVersion, `${path}.stable_version`);
      version(s.canaryVersion, `${path}.canary_version`);
      distinct(s.canaryVersion, s.stableVersion, `${path}.canary_version`, 'stable_version');
      fraction(s.canaryWeight, `${path}.canary_weight`);
      checked = { case: 'canary', value: { ...s, salt: s.salt || model } };
      break;
    }
    case 'shadow': {
      const s = strategy.value;
      version(s.primaryVersion, `${path}.primary_version`);
      version(s.shadowVersion, `${path}.shadow_version`);
      distinct(s.shadowVersion, s.primaryVersion, `${path}.shadow_version`, 'primary_version');
      fraction(s.mirrorFraction, `${path}.mirror_fraction`);
      checked = strategy;
      break;
    }
    case 'experiment': {
      const s = strategy.value;
      if (s.experimentId.trim() === '')
        throw new InvalidArgumentError(`${path}.experiment_id`, 'must not be empty');
      if (s.variants.length < 2)
        throw new InvalidArgumentError(
          `${path}.variants`,
          `has ${s.variants.length}, an experiment needs at least 2`,
        );
      const names = new Set<string>();
      s.variants.forEach((v, i) => {
        const at = `${path}.variants[${i}]`;
        if (v.name.trim() === '') throw new InvalidArgumentError(`${at}.name`, 'must not be empty');
        if (names.has(v.name))
          throw new InvalidArgumentError(`${at}.name`, `"${v.name}" is used by another variant`);
        names.add(v.name);
        version(v.version, `${at}.version`);
        fraction(v.weight, `${at}.weight`);
      });
      const sum = s.variants.reduce((total, v) => total + v.weight, 0);
      if (Math.abs(sum - 1) > WEIGHT_SUM_TOLERANCE)
        throw new InvalidArgumentError(
          `${path}.variants`,
          `weights sum to ${Number(sum.toPrecision(12))}, must sum to 1`,
        );
      const control = s.controlVariant || s.variants[0]!.name;
      if (!names.has(control))
        throw new InvalidArgumentError(
          `${path}.control_variant`,
          `"${control}" is not a variant (${[...names].map((n) => `"${n}"`).join(', ')})`,
        );
      if (!PARAMETER_NAME.test(s.unitField))
        throw new InvalidArgumentError(
          `${path}.unit_field`,
          `${JSON.stringify(s.unitField)} is not a parameter name: use 1 to 64 of A-Z a-z 0-9 _, not starting with a digit`,
        );
      if (!(s.state in ExperimentState))
        throw new InvalidArgumentError(`${path}.state`, `${String(s.state)} is not a state`);
      checked = {
        case: 'experiment',
        value: {
          ...s,
          controlVariant: control,
          salt: s.salt || s.experimentId,
          state: s.state === ExperimentState.UNSPECIFIED ? ExperimentState.RUNNING : s.state,
        },
      };
      break;
    }
    case undefined:
      throw new InvalidArgumentError(
        `${FIELD}.strategy`,
        'is not set (one of replace, canary, shadow, experiment)',
      );
  }
  if (!registry.isRegistered(model))
    throw new NotRegisteredError(model, undefined, `${FIELD}.model`);
  for (const [v, field] of refs)
    if (!registry.isRegistered(model, v)) throw new NotRegisteredError(model, v, field);
  return create(DeploymentSchema, { model, generation: 0n, strategy: checked });
}

function name(value: string, field: string): string {
  if (value === '') throw new InvalidArgumentError(field, 'must not be empty');
  if (!NAME_PATTERN.test(value))
    throw new InvalidArgumentError(
      field,
      `${JSON.stringify(value)} is not a name: use 1 to 64 of a-z 0-9 . _ -, starting with a letter or digit`,
    );
  return value;
}

function fraction(value: number, field: string): void {
  if (!(Number.isFinite(value) && value >= 0 && value <= 1))
    throw new InvalidArgumentError(field, `is ${value}, must be in [0, 1]`);
}

function distinct(value: string, other: string, field: string, otherField: string): void {
  if (value === other)
    throw new InvalidArgumentError(field, `is "${value}", the same as ${otherField}`);
}
