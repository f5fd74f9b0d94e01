import {
  DeploymentSchema,
  ExperimentState,
  InferParameterSchema,
  type Deployment,
  type InferParameter,
} from '@ballast/contracts';
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { hashV2 } from './assignment';
import { InvalidRequestError } from './errors';
import { resolveRoute, unitIdOf } from './route';

type Strategy = MessageInitShape<typeof DeploymentSchema>['strategy'];
const deployment = (strategy: Strategy): Deployment =>
  create(DeploymentSchema, { model: 'iris', generation: 7n, strategy });
const param = (choice: MessageInitShape<typeof InferParameterSchema>['parameterChoice']) =>
  create(InferParameterSchema, { parameterChoice: choice });
const unit = (value: string, field = 'unit_id'): Record<string, InferParameter> => ({
  [field]: param({ case: 'stringParam', value }),
});

/** Units whose bucket under `salt` is below / at or above `threshold`. */
function unitsAround(salt: string, threshold: number): { below: string; above: string } {
  let below: string | undefined;
  let above: string | undefined;
  for (let i = 0; below === undefined || above === undefined; i++) {
    const u = `u${i}`;
    if (hashV2(salt, u) < threshold) below ??= u;
    else above ??= u;
  }
  return { below, above };
}

describe('unitIdOf', () => {
  it('reads a string_param, or an int64_param as decimal; absent is undefined', () => {
    expect(unitIdOf(unit('alice'), 'unit_id')).toBe('alice');
    expect(unitIdOf({ user: param({ case: 'int64Param', value: -42n }) }, 'user')).toBe('-42');
    expect(unitIdOf({}, 'unit_id')).toBeUndefined();
  });

  it.each<[string, InferParameter, RegExp]>([
    ['another type', param({ case: 'doubleParam', value: 1.5 }), /string_param or int64_param/],
    ['empty', param({ case: 'stringParam', value: '' }), /must not be empty/],
    ['too long', param({ case: 'stringParam', value: 'x'.repeat(257) }), /at most 256/],
  ])('rejects a unit id that is %s, naming the parameter', (_, value, reason) => {
    const call = () => unitIdOf({ user_id: value }, 'user_id');
    expect(call).toThrow(InvalidRequestError);
    expect(call).toThrow(/parameters\["user_id"\]/);
    expect(call).toThrow(reason);
  });
});

describe('resolveRoute', () => {
  it('replace: the version, no variant', () => {
    const route = resolveRoute(deployment({ case: 'replace', value: { version: '3' } }), unit('a'));
    expect(route).toEqual({
      model: 'iris',
      version: '3',
      deployment: 'iris@7',
      variant: '',
      experimentId: '',
      unitId: 'a',
      shadowVersion: undefined,
    });
  });

  it('canary: stable for [0, 1 - w), canary for [1 - w, 1), salt defaulting to the model name', () => {
    const canary = deployment({
      case: 'canary',
      value: { stableVersion: '1', canaryVersion: '2', canaryWeight: 0.25 },
    });
    const { below, above } = unitsAround('iris', 0.75);
    expect(resolveRoute(canary, unit(below))).toMatchObject({ version: '1', variant: 'stable' });
    expect(resolveRoute(canary, unit(above))).toMatchObject({ version: '2', variant: 'canary' });
    // Without a unit id: stable, nothing assigned.
    expect(resolveRoute(canary, {})).toMatchObject({ version: '1', variant: '', unitId: '' });
  });

  it('shadow: the primary answers; the random draw decides the mirror', () => {
    const shadow = deployment({
      case: 'shadow',
      value: { primaryVersion: '1', shadowVersion: '2', mirrorFraction: 0.3 },
    });
    expect(resolveRoute(shadow, {}, { random: () => 0.29 })).toMatchObject({
      version: '1',
      shadowVersion: '2',
    });
    expect(resolveRoute(shadow, {}, { random: () => 0.3 }).shadowVersion).toBeUndefined();
  });

  describe('experiment', () => {
    const experiment = (state: ExperimentState) =>
      deployment({
        case: 'experiment',
        value: {
          experimentId: 'exp-1',
          unitField: 'user_id',
          salt: 's',
          controlVariant: 'control',
          state,
          variants: [
            { name: 'control', version: '1', weight: 0.5 },
            { name: 'treatment', version: '2', weight: 0.5 },
          ],
        },
      });
    const { below, above } = unitsAround('s', 0.5);

    it('running: the variant by hash of the unit field', () => {
      const running = experiment(ExperimentState.RUNNING);
      expect(resolveRoute(running, unit(below, 'user_id'))).toMatchObject({
        version: '1',
        variant: 'control',
        experimentId: 'exp-1',
        unitId: below,
      });
      expect(resolveRoute(running, unit(above, 'user_id'))).toMatchObject({
        version: '2',
        variant: 'treatment',
      });
      // unit_id is not this experiment's unit field.
      expect(resolveRoute(running, unit(above))).toMatchObject({ version: '1', variant: '' });
    });

    it.each([ExperimentState.PAUSED, ExperimentState.STOPPED])(
      'state %s: the control version for everyone, no variant',
      (state) => {
        expect(resolveRoute(experiment(state), unit(above, 'user_id'))).toMatchObject({
          version: '1',
          variant: '',
          experimentId: 'exp-1',
        });
      },
    );

    it('rejects a malformed unit field, naming it', () => {
      expect(() => resolveRoute(experiment(ExperimentState.RUNNING), unit('', 'user_id'))).toThrow(
        'parameters["user_id"]: must not be empty',
      );
    });
  });
});
