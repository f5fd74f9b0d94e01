import { DeploymentSchema, ExperimentState, type Deployment } from '@ballast/contracts';
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { DeploymentTable } from './deployment-table';
import { InvalidDeploymentError } from './errors';

type Strategy = MessageInitShape<typeof DeploymentSchema>['strategy'];
const replace = (version: string): Strategy => ({ case: 'replace', value: { version } });
const deployment = (model: string, generation: bigint, strategy: Strategy): Deployment =>
  create(DeploymentSchema, { model, generation, strategy });

describe('DeploymentTable', () => {
  it('keeps each model newest generation, whatever order the deployments arrive in', () => {
    const table = new DeploymentTable();
    expect(table.apply(deployment('iris', 2n, replace('2')))).toBe('applied');
    expect(table.apply(deployment('iris', 1n, replace('1')))).toBe('superseded');
    expect(table.apply(deployment('iris', 2n, replace('9')))).toBe('superseded');
    expect(table.apply(deployment('wine', 1n, replace('1')))).toBe('applied');
    expect(table.get('iris')?.strategy).toEqual(
      expect.objectContaining({ value: expect.objectContaining({ version: '2' }) }),
    );
    expect(table.apply(deployment('iris', 3n, replace('3')))).toBe('applied');
    expect(
      table
        .all()
        .map((d) => `${d.model}@${d.generation}`)
        .sort(),
    ).toEqual(['iris@3', 'wine@1']);
  });

  it.each<[string, Strategy, string]>([
    ['no strategy', { case: undefined }, 'strategy'],
    ['an empty version', replace(''), 'replace.version'],
    [
      'a canary weight above 1',
      { case: 'canary', value: { stableVersion: '1', canaryVersion: '2', canaryWeight: 1.5 } },
      'canary.canary_weight',
    ],
    [
      'an experiment without unit field',
      {
        case: 'experiment',
        value: {
          experimentId: 'e',
          variants: [{ name: 'a', version: '1', weight: 1 }],
          state: ExperimentState.RUNNING,
        },
      },
      'experiment.unit_field',
    ],
  ])('rejects %s, naming the field, and keeps what it had', (_, strategy, field) => {
    const table = new DeploymentTable();
    table.apply(deployment('iris', 1n, replace('1')));
    let error: unknown;
    try {
      table.apply(deployment('iris', 5n, strategy));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidDeploymentError);
    expect((error as InvalidDeploymentError).field).toBe(field);
    expect(table.get('iris')?.generation).toBe(1n);
  });
});
