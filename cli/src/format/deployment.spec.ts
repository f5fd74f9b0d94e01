import { DeploymentSchema, ExperimentState } from '@ballast/contracts';
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { describeDeployment, percent, strategyName, trafficOf } from './deployment';

const deployment = (init: MessageInitShape<typeof DeploymentSchema>) =>
  create(DeploymentSchema, init);

describe('deployment text', () => {
  it('shows percentages without float noise', () => {
    expect(percent(0.1)).toBe('10%');
    expect(percent(1 - 0.1)).toBe('90%');
    expect(percent(1 / 3)).toBe('33.33%');
  });

  it('describes each strategy by where its traffic goes', () => {
    expect(
      describeDeployment(
        deployment({
          model: 'bc',
          generation: 4n,
          strategy: {
            case: 'canary',
            value: { stableVersion: '1', canaryVersion: '2', canaryWeight: 0.1, salt: 's' },
          },
        }),
      ),
    ).toBe('bc generation 4: canary — 1 90%, 2 10% (salt s)');
    expect(
      trafficOf(
        deployment({
          model: 'bc',
          strategy: {
            case: 'shadow',
            value: { primaryVersion: '1', shadowVersion: '2', mirrorFraction: 0.2 },
          },
        }),
      ),
    ).toBe('1 100%, 2 mirrors 20%');
    expect(
      describeDeployment(
        deployment({
          model: 'bc',
          generation: 7n,
          strategy: {
            case: 'experiment',
            value: {
              experimentId: 'e1',
              variants: [
                { name: 'control', version: '1', weight: 0.5 },
                { name: 'treatment', version: '2', weight: 0.5 },
              ],
              unitField: 'user_id',
              salt: 'e1',
              controlVariant: 'control',
              state: ExperimentState.PAUSED,
            },
          },
        }),
      ),
    ).toBe(
      'bc generation 7: experiment — control=1 50%, treatment=2 50% ' +
        '(experiment e1 paused, control control, unit user_id, salt e1)',
    );
    expect(strategyName(undefined)).toBe('none');
  });
});
