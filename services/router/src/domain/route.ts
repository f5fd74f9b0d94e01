/**
 * Where one request goes: the version that answers, the variant it was assigned and
 * whether it is mirrored to a shadow version. Pure (randomness is injected), so the
 * rules are tested without gRPC.
 */
import { ExperimentState, type Deployment, type InferParameter } from '@ballast/contracts';
import { assign } from './assignment';
import { InvalidRequestError } from './errors';

/** The request parameter carrying the unit id for canaries, replace and shadow deployments. */
export const DEFAULT_UNIT_FIELD = 'unit_id';
export const MAX_UNIT_ID_LENGTH = 256;
/** Variant names of a canary, as reported in the `variant` response parameter and events. */
export const CANARY_VARIANTS = { stable: 'stable', canary: 'canary' } as const;

export interface Route {
  readonly model: string;
  /** The version that answers the caller. */
  readonly version: string;
  /** `<model>@<generation>`. */
  readonly deployment: string;
  /** The assigned variant; empty when nothing was assigned (no unit id, experiment not running). */
  readonly variant: string;
  /** The experiment's id for experiment deployments, else empty. */
  readonly experimentId: string;
  /** Empty when the request carried none. */
  readonly unitId: string;
  /** The version this request is mirrored to, when it is. */
  readonly shadowVersion: string | undefined;
}

/**
 * The unit id in request parameter `field`: a string_param, or an int64_param in
 * decimal. Absent: undefined. Present but unusable (another type, empty, longer than
 * 256 characters): InvalidRequestError naming the parameter.
 */
export function unitIdOf(
  parameters: Readonly<Record<string, InferParameter>>,
  field: string,
): string | undefined {
  const choice = parameters[field]?.parameterChoice;
  if (choice === undefined || choice.case === undefined) return undefined;
  const name = `parameters["${field}"]`;
  let value: string;
  if (choice.case === 'stringParam') value = choice.value;
  else if (choice.case === 'int64Param') value = choice.value.toString();
  else
    throw new InvalidRequestError(name, `must be a string_param or int64_param, is ${choice.case}`);
  if (value === '') throw new InvalidRequestError(name, 'must not be empty');
  if (value.length > MAX_UNIT_ID_LENGTH)
    throw new InvalidRequestError(
      name,
      `must be at most ${MAX_UNIT_ID_LENGTH} characters, has ${value.length}`,
    );
  return value;
}

export interface RouteOptions {
  /** Uniform in [0, 1): decides which requests a shadow deployment mirrors. */
  random?: () => number;
}

/** Resolves a request with `parameters` against its model's active `deployment`. */
export function resolveRoute(
  deployment: Deployment,
  parameters: Readonly<Record<string, InferParameter>>,
  { random = Math.random }: RouteOptions = {},
): Route {
  const { model, generation, strategy } = deployment;
  const base = {
    model,
    deployment: `${model}@${generation}`,
    variant: '',
    experimentId: '',
    shadowVersion: undefined,
  };
  switch (strategy.case) {
    case 'replace':
      return {
        ...base,
        version: strategy.value.version,
        unitId: unitIdOf(parameters, DEFAULT_UNIT_FIELD) ?? '',
      };
    case 'canary': {
      const { stableVersion, canaryVersion, canaryWeight, salt } = strategy.value;
      const unitId = unitIdOf(parameters, DEFAULT_UNIT_FIELD);
      if (unitId === undefined) return { ...base, version: stableVersion, unitId: '' };
      // Stable first: [0, 1 - w) stable, [1 - w, 1) canary. An empty salt means the
      // model name, so two models' canaries do not pick the same units.
      const canary = assign(salt || model, unitId, [1 - canaryWeight, canaryWeight]) === 1;
      return {
        ...base,
        version: canary ? canaryVersion : stableVersion,
        variant: canary ? CANARY_VARIANTS.canary : CANARY_VARIANTS.stable,
        unitId,
      };
    }
    case 'shadow': {
      const { primaryVersion, shadowVersion, mirrorFraction } = strategy.value;
      return {
        ...base,
        version: primaryVersion,
        unitId: unitIdOf(parameters, DEFAULT_UNIT_FIELD) ?? '',
        shadowVersion: random() < mirrorFraction ? shadowVersion : undefined,
      };
    }
    case 'experiment': {
      const { experimentId, variants, unitField, salt, controlVariant, state } = strategy.value;
      const unitId = unitIdOf(parameters, unitField);
      const control = variants.find((v) => v.name === controlVariant) ?? variants[0];
      const common = { ...base, experimentId, unitId: unitId ?? '' };
      if (state !== ExperimentState.RUNNING || unitId === undefined)
        return { ...common, version: control?.version ?? '' };
      // An empty salt means the experiment id (GrowthBook's default seed is the experiment key).
      const index = assign(
        salt || experimentId,
        unitId,
        variants.map((v) => v.weight),
      );
      const variant = variants[index] ?? control;
      return { ...common, version: variant?.version ?? '', variant: variant?.name ?? '' };
    }
    case undefined:
      // The table never holds one (validate), but the type allows it.
      throw new Error(`deployment of "${model}" has no strategy`);
  }
}
