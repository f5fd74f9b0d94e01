import { DeploymentSchema, ExperimentState } from '@ballast/contracts';
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { validateDeployment } from './deployment-validation';
import { InvalidArgumentError, NotRegisteredError } from './errors';

const registry = {
  isRegistered: (model: string, version?: string) =>
    model === 'iris' && (version === undefined || ['1', '2', '3'].includes(version)),
};

function validate(init: MessageInitShape<typeof DeploymentSchema>) {
  return validateDeployment(create(DeploymentSchema, init), registry);
}

function experiment(value: Record<string, unknown>) {
  return validate({
    model: 'iris',
    strategy: {
      case: 'experiment',
      value: {
        experimentId: 'exp-1',
        unitField: 'user_id',
        variants: [
          { name: 'control', version: '1', weight: 0.5 },
          { name: 'treatment', version: '2', weight: 0.5 },
        ],
        ...value,
      },
    },
  });
}

function rejection(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidArgumentError || error instanceof NotRegisteredError)
      return error.message;
    throw error;
  }
  throw new Error('accepted');
}

describe('validateDeployment', () => {
  it('fills in the canary salt (the model name) and zeroes the generation', () => {
    const d = validate({
      model: 'iris',
      generation: 7n,
      strategy: {
        case: 'canary',
        value: { stableVersion: '1', canaryVersion: '2', canaryWeight: 0.1 },
      },
    });
    expect(d.generation).toBe(0n);
    expect(d.strategy).toMatchObject({ case: 'canary', value: { salt: 'iris' } });
  });

  it('fills in the experiment defaults: control is the first variant, salt the id, RUNNING', () => {
    expect(experiment({}).strategy.value).toMatchObject({
      controlVariant: 'control',
      salt: 'exp-1',
      state: ExperimentState.RUNNING,
    });
    expect(experiment({ controlVariant: 'treatment', salt: 's' }).strategy.value).toMatchObject({
      controlVariant: 'treatment',
      salt: 's',
    });
  });

  it('accepts weights whose sum is 1 up to rounding', () => {
    const variants = [0.1, 0.2, 0.7].map((weight, i) => ({
      name: `v${i}`,
      version: String(i + 1),
      weight,
    }));
    expect(() => experiment({ variants })).not.toThrow();
  });

  it.each([
    [{}, 'deployment.model: must not be empty'],
    [
      { model: 'iris' },
      'deployment.strategy: is not set (one of replace, canary, shadow, experiment)',
    ],
    [
      { model: 'Iris!', strategy: { case: 'replace', value: { version: '1' } } },
      'deployment.model: "Iris!" is not a name',
    ],
    [
      {
        model: 'iris',
        strategy: {
          case: 'canary',
          value: { stableVersion: '1', canaryVersion: '2', canaryWeight: 1.5 },
        },
      },
      'deployment.canary.canary_weight: is 1.5, must be in [0, 1]',
    ],
    [
      {
        model: 'iris',
        strategy: {
          case: 'canary',
          value: { stableVersion: '1', canaryVersion: '1', canaryWeight: 0.5 },
        },
      },
      'deployment.canary.canary_version: is "1", the same as stable_version',
    ],
    [
      {
        model: 'iris',
        strategy: {
          case: 'shadow',
          value: { primaryVersion: '1', shadowVersion: '2', mirrorFraction: Number.NaN },
        },
      },
      'deployment.shadow.mirror_fraction: is NaN, must be in [0, 1]',
    ],
  ] as [MessageInitShape<typeof DeploymentSchema>, string][])('refuses %j', (init, message) => {
    expect(rejection(() => validate(init))).toContain(message);
  });

  it.each([
    [{ experimentId: '' }, 'deployment.experiment.experiment_id: must not be empty'],
    [
      { variants: [{ name: 'a', version: '1', weight: 1 }] },
      'deployment.experiment.variants: has 1, an experiment needs at least 2',
    ],
    [
      {
        variants: [
          { name: 'a', version: '1', weight: 0.5 },
          { name: 'a', version: '2', weight: 0.5 },
        ],
      },
      'deployment.experiment.variants[1].name: "a" is used by another variant',
    ],
    [
      {
        variants: [
          { name: 'a', version: '1', weight: 0.5 },
          { name: '', version: '2', weight: 0.5 },
        ],
      },
      'deployment.experiment.variants[1].name: must not be empty',
    ],
    [
      {
        variants: [
          { name: 'a', version: '1', weight: 1.2 },
          { name: 'b', version: '2', weight: -0.2 },
        ],
      },
      'deployment.experiment.variants[0].weight: is 1.2, must be in [0, 1]',
    ],
    [
      {
        variants: [
          { name: 'a', version: '1', weight: 0.5 },
          { name: 'b', version: '2', weight: 0.4 },
        ],
      },
      'deployment.experiment.variants: weights sum to 0.9, must sum to 1',
    ],
    [
      { controlVariant: 'nope' },
      'deployment.experiment.control_variant: "nope" is not a variant ("control", "treatment")',
    ],
    [
      { unitField: 'user id' },
      'deployment.experiment.unit_field: "user id" is not a parameter name',
    ],
    [{ unitField: '' }, 'deployment.experiment.unit_field: "" is not a parameter name'],
    [{ state: 9 }, 'deployment.experiment.state: 9 is not a state'],
  ])('refuses the experiment %j', (value, message) => {
    expect(rejection(() => experiment(value))).toContain(message);
  });

  it('names an unregistered model or version NOT_FOUND, once the shape is right', () => {
    expect(() =>
      validate({ model: 'wine', strategy: { case: 'replace', value: { version: '1' } } }),
    ).toThrow(new NotRegisteredError('wine', undefined, 'deployment.model'));
    expect(
      rejection(() =>
        experiment({
          variants: [
            { name: 'a', version: '1', weight: 0.5 },
            { name: 'b', version: '9', weight: 0.5 },
          ],
        }),
      ),
    ).toBe('deployment.experiment.variants[1].version: model "iris" has no registered version "9"');
  });
});
