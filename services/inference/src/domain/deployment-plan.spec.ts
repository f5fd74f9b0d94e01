import {
  DeploymentSchema,
  ExperimentState,
  type Deployment,
  type ExperimentVariantSchema,
} from '@ballast/contracts';
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { newestPlans, planFor, type DeploymentPlan } from './deployment-plan';

const deployment = (
  strategy: MessageInitShape<typeof DeploymentSchema>['strategy'],
  model = 'iris',
): Deployment => create(DeploymentSchema, { model, generation: 7n, strategy });

const variants = (
  ...pairs: [string, string][]
): MessageInitShape<typeof ExperimentVariantSchema>[] =>
  pairs.map(([name, version]) => ({ name, version, weight: 1 / pairs.length }));

describe('planFor', () => {
  it.each<[string, MessageInitShape<typeof DeploymentSchema>['strategy'], string, string[]]>([
    ['replace', { case: 'replace', value: { version: '3' } }, '3', ['3']],
    [
      'canary: stable answers, both resident',
      { case: 'canary', value: { stableVersion: '1', canaryVersion: '2', canaryWeight: 0.1 } },
      '1',
      ['1', '2'],
    ],
    [
      'shadow: primary answers, shadow resident for mirrored traffic',
      { case: 'shadow', value: { primaryVersion: '4', shadowVersion: '5' } },
      '4',
      ['4', '5'],
    ],
    [
      'experiment: every arm resident, control answers',
      {
        case: 'experiment',
        value: {
          variants: variants(['a', '1'], ['b', '2'], ['c', '3']),
          controlVariant: 'b',
          state: ExperimentState.RUNNING,
        },
      },
      '2',
      ['2', '1', '3'],
    ],
    [
      'experiment without a control variant: the first one answers',
      { case: 'experiment', value: { variants: variants(['a', '1'], ['b', '2']) } },
      '1',
      ['1', '2'],
    ],
    [
      'experiment whose arms share a version: held once',
      {
        case: 'experiment',
        value: { variants: variants(['a', '1'], ['b', '1']), controlVariant: 'a' },
      },
      '1',
      ['1'],
    ],
    [
      'stopped experiment: only control stays',
      {
        case: 'experiment',
        value: {
          variants: variants(['a', '1'], ['b', '2']),
          controlVariant: 'b',
          state: ExperimentState.STOPPED,
        },
      },
      '2',
      ['2'],
    ],
  ])('%s', (_name, strategy, current, resident) => {
    expect(planFor(deployment(strategy))).toEqual({
      model: 'iris',
      generation: 7n,
      current,
      resident,
    });
  });

  it.each<[string, string, MessageInitShape<typeof DeploymentSchema>['strategy']]>([
    ['strategy', 'is not set (one of replace, canary, shadow, experiment)', { case: undefined }],
    ['replace.version', 'is empty', { case: 'replace', value: {} }],
    ['canary.stable_version', 'is empty', { case: 'canary', value: { canaryVersion: '2' } }],
    ['canary.canary_version', 'is empty', { case: 'canary', value: { stableVersion: '1' } }],
    ['shadow.primary_version', 'is empty', { case: 'shadow', value: { shadowVersion: '2' } }],
    ['shadow.shadow_version', 'is empty', { case: 'shadow', value: { primaryVersion: '1' } }],
    ['experiment.variants', 'is empty', { case: 'experiment', value: {} }],
    [
      'experiment.variants[1].version',
      'is empty',
      { case: 'experiment', value: { variants: variants(['a', '1'], ['b', '']) } },
    ],
  ])('refuses a deployment whose %s %s', (field, reason, strategy) => {
    expect(() => planFor(deployment(strategy))).toThrow(
      expect.objectContaining({
        name: 'InvalidDeploymentError',
        model: 'iris',
        field,
        reason,
        message: `deployment of model "iris": ${field} ${reason}`,
      }),
    );
  });

  it('refuses a deployment without a model name', () => {
    expect(() => planFor(deployment({ case: 'replace', value: { version: '1' } }, ''))).toThrow(
      expect.objectContaining({
        name: 'InvalidDeploymentError',
        field: 'model',
        reason: 'is empty',
      }),
    );
  });
});

describe('newestPlans', () => {
  const plan = (model: string, generation: bigint): DeploymentPlan => ({
    model,
    generation,
    current: String(generation),
    resident: [String(generation)],
  });

  it('keeps the newest plan per model and reports the ones it replaces', () => {
    const [a5, b2, a7, a6] = [plan('a', 5n), plan('b', 2n), plan('a', 7n), plan('a', 6n)];
    expect(newestPlans([a5, b2, a7, a6], new Map())).toEqual({
      apply: [a7, b2],
      superseded: [a5, a6],
    });
  });

  it('drops plans no newer than the generation applied, replays included', () => {
    const applied = new Map([['a', 5n]]);
    const [a4, a5, a6, b1] = [plan('a', 4n), plan('a', 5n), plan('a', 6n), plan('b', 1n)];
    expect(newestPlans([a4, a5, b1], applied)).toEqual({ apply: [b1], superseded: [a4, a5] });
    expect(newestPlans([a6, a5], applied)).toEqual({ apply: [a6], superseded: [a5] });
  });
});
