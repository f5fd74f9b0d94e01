import { DeploymentSchema, ExperimentState, type Deployment } from '@ballast/contracts';
import { FileSystemArtifactStore } from '@ballast/model-store';
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ControlPlane } from './control-plane';
import {
  GenerationConflictError,
  InvalidArgumentError,
  NotApplicableError,
  NotRegisteredError,
  VersionConflictError,
} from './errors';
import { StateFile } from './state-file';

const DEMO = path.resolve(__dirname, '../../../../infra/demo-models/breast-cancer');
const who = { actor: 'alice', reason: 'test' };
const opener = async () => ({
  inputNames: ['input'],
  outputNames: ['label', 'probabilities'],
  release: async () => undefined,
});

type Strategy = MessageInitShape<typeof DeploymentSchema>['strategy'];
const deployment = (strategy: Strategy, model = 'breast-cancer'): Deployment =>
  create(DeploymentSchema, { model, strategy });
const replace = (version: string): Strategy => ({ case: 'replace', value: { version } });
const canary = (stableVersion: string, canaryVersion: string): Strategy => ({
  case: 'canary',
  value: { stableVersion, canaryVersion, canaryWeight: 0.2 },
});
const experiment: Strategy = {
  case: 'experiment',
  value: {
    experimentId: 'exp-1',
    unitField: 'user_id',
    variants: [
      { name: 'a', version: '1', weight: 0.5 },
      { name: 'b', version: '2', weight: 0.5 },
    ],
  },
};
const versionOf = (d: Deployment) =>
  d.strategy.case === 'replace' ? d.strategy.value.version : `(${String(d.strategy.case)})`;

describe('ControlPlane', () => {
  let dir: string;
  let stateFile: StateFile;
  let control: ControlPlane;

  async function open(): Promise<ControlPlane> {
    return new ControlPlane({
      state: await stateFile.load(),
      save: (state) => stateFile.save(state),
      store: new FileSystemArtifactStore({ root: path.join(dir, 'models') }),
      openModel: opener,
    });
  }

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'control-plane-'));
    await cp(DEMO, path.join(dir, 'source'), { recursive: true });
    stateFile = new StateFile(path.join(dir, 'state'));
    control = await open();
  });

  const register = (version: string, plane = control) =>
    plane.register({ model: '', version: '', sourcePath: path.join(dir, 'source', version) }, who);

  describe('with versions 1 and 2 registered', () => {
    beforeEach(async () => {
      await register('1');
      await register('2');
    });

    it('stores the version in the artifact store and records who registered it', async () => {
      const store = new FileSystemArtifactStore({ root: path.join(dir, 'models') });
      expect(await store.listVersions('breast-cancer')).toEqual(['1', '2']);
      expect(control.describe('breast-cancer').versions[0]).toMatchObject({
        version: '1',
        registeredBy: 'alice',
        hasProfile: true,
      });
      expect(control.history('', 0).map((e) => `${e.action} ${e.version}`)).toEqual([
        'register 2',
        'register 1',
      ]);
    });

    it('answers an identical registration again without a change, refuses other content', async () => {
      const again = await register('1');
      expect(again.changed).toBe(false);
      expect(control.history('', 0)).toHaveLength(2);
      const manifest = path.join(dir, 'source', '2', 'manifest.json');
      const json = JSON.parse(await readFile(manifest, 'utf8')) as Record<string, unknown>;
      await writeFile(manifest, JSON.stringify({ ...json, version: '1' }));
      await expect(register('2')).rejects.toThrow(VersionConflictError);
      expect(control.history('', 0)).toHaveLength(2);
    });

    it('numbers generations from 1 and applies a change only at the expected generation', async () => {
      const first = await control.deploy(deployment(replace('1')), 0n, who);
      expect(first.generation).toBe(1n);
      await expect(control.deploy(deployment(replace('2')), 0n, who)).rejects.toThrow(
        new GenerationConflictError('breast-cancer', 1n, 0n),
      );
      await expect(control.deploy(deployment(replace('2')), 0n, who)).rejects.toThrow(
        'model "breast-cancer" is at generation 1, expected 0',
      );
      expect((await control.deploy(deployment(replace('2')), 1n, who)).generation).toBe(2n);
      expect((await control.deploy(deployment(replace('1')), undefined, who)).generation).toBe(3n);
    });

    it('lets exactly one of concurrent changes at the same generation win', async () => {
      await control.deploy(deployment(replace('1')), undefined, who);
      const results = await Promise.allSettled(
        ['1', '2', '1', '2'].map((v) =>
          control.deploy(deployment(canary(v === '1' ? '2' : '1', v)), 1n, who),
        ),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(control.describe('breast-cancer').deployment?.generation).toBe(2n);
    });

    it('changes nothing for a refused deployment', async () => {
      await control.deploy(deployment(replace('1')), undefined, who);
      const before = control.history('', 0);
      await expect(control.deploy(deployment(replace('9')), undefined, who)).rejects.toThrow(
        NotRegisteredError,
      );
      await expect(control.deploy(deployment(canary('1', '1')), undefined, who)).rejects.toThrow(
        InvalidArgumentError,
      );
      expect(control.history('', 0)).toEqual(before);
      expect(control.describe('breast-cancer').deployment?.generation).toBe(1n);
      expect(control.pendingEvents()).toHaveLength(3);
    });

    it('promotes a canary to its canary version as a replace deployment', async () => {
      await control.deploy(deployment(canary('1', '2')), undefined, who);
      const promoted = await control.promote(
        'breast-cancer',
        { version: '', variant: '' },
        1n,
        who,
      );
      expect(promoted).toMatchObject({
        generation: 2n,
        strategy: { case: 'replace', value: { version: '2' } },
      });
      await expect(
        control.promote('breast-cancer', { version: '', variant: '' }, undefined, who),
      ).rejects.toThrow(NotApplicableError);
      await expect(
        control.promote('breast-cancer', { version: '7', variant: '' }, undefined, who),
      ).rejects.toThrow('version: model "breast-cancer" has no registered version "7"');
    });

    it('promotes an experiment variant by name, and refuses an unknown one', async () => {
      await control.deploy(deployment(experiment), undefined, who);
      await expect(
        control.promote('breast-cancer', { version: '', variant: 'c' }, undefined, who),
      ).rejects.toThrow('variant: "c" is not a variant ("a", "b")');
      const promoted = await control.promote(
        'breast-cancer',
        { version: '', variant: 'b' },
        undefined,
        who,
      );
      expect(versionOf(promoted)).toBe('2');
    });

    it('pauses, resumes and stops an experiment, each a new generation; a stopped one stays stopped', async () => {
      await control.deploy(deployment(experiment), undefined, who);
      const state = (d: Deployment) =>
        d.strategy.case === 'experiment' ? d.strategy.value.state : undefined;
      const paused = await control.setExperimentState(
        'breast-cancer',
        ExperimentState.PAUSED,
        1n,
        who,
      );
      expect([paused.changed, paused.value.generation, state(paused.value)]).toEqual([
        true,
        2n,
        ExperimentState.PAUSED,
      ]);
      const again = await control.setExperimentState(
        'breast-cancer',
        ExperimentState.PAUSED,
        undefined,
        who,
      );
      expect([again.changed, again.value.generation]).toEqual([false, 2n]);
      await control.setExperimentState('breast-cancer', ExperimentState.RUNNING, undefined, who);
      await control.setExperimentState('breast-cancer', ExperimentState.STOPPED, undefined, who);
      await expect(
        control.setExperimentState('breast-cancer', ExperimentState.RUNNING, undefined, who),
      ).rejects.toThrow('experiment "exp-1" is stopped');
      expect(control.history('breast-cancer', 3).map((e) => e.action)).toEqual([
        'stop',
        'resume',
        'pause',
      ]);
    });

    it('refuses experiment states on other deployments', async () => {
      await control.deploy(deployment(replace('1')), undefined, who);
      await expect(
        control.setExperimentState('breast-cancer', ExperimentState.PAUSED, undefined, who),
      ).rejects.toThrow('generation 1 is a replace deployment, not an experiment');
    });

    it('rolls back through the past deployments, each as a new generation', async () => {
      await expect(control.rollback('breast-cancer', undefined, who)).rejects.toThrow(
        'model "breast-cancer": has no deployment to roll back',
      );
      await control.deploy(deployment(replace('1')), undefined, who);
      await expect(control.rollback('breast-cancer', undefined, who)).rejects.toThrow(
        'generation 1 is its first deployment; there is none before it to roll back to',
      );
      await control.deploy(deployment(canary('1', '2')), undefined, who);
      await control.promote('breast-cancer', { version: '', variant: '' }, undefined, who);
      const back = await control.rollback('breast-cancer', 3n, who);
      expect([back.generation, back.strategy.case]).toEqual([4n, 'canary']);
      const further = await control.rollback('breast-cancer', 4n, who);
      expect([further.generation, versionOf(further)]).toEqual([5n, '1']);
      await expect(control.rollback('breast-cancer', undefined, who)).rejects.toThrow(
        NotApplicableError,
      );
    });

    it('keeps everything across a restart, the outbox included', async () => {
      await control.deploy(deployment(canary('1', '2')), undefined, who);
      await control.promote('breast-cancer', { version: '', variant: '' }, undefined, who);
      await control.acknowledge(
        control
          .pendingEvents()
          .slice(0, 2)
          .map((e) => e.eventId),
      );
      const reopened = await open();
      expect(reopened.describe('breast-cancer')).toEqual(control.describe('breast-cancer'));
      expect(reopened.history('', 0)).toEqual(control.history('', 0));
      expect(reopened.pendingEvents()).toEqual(control.pendingEvents());
      expect(reopened.pendingEvents().map((e) => e.change.case)).toEqual([
        'deploymentChanged',
        'deploymentChanged',
      ]);
      expect(versionOf(await reopened.rollback('breast-cancer', 2n, who))).toBe('(canary)');
    });

    it('changes nothing when the state cannot be written', async () => {
      const failing = new ControlPlane({
        state: await stateFile.load(),
        save: () => Promise.reject(new Error('disk full')),
        store: new FileSystemArtifactStore({ root: path.join(dir, 'models') }),
        openModel: opener,
      });
      await expect(failing.deploy(deployment(replace('1')), undefined, who)).rejects.toThrow(
        'disk full',
      );
      expect(failing.describe('breast-cancer').deployment).toBeUndefined();
      expect(failing.history('', 0)).toHaveLength(2);
    });
  });

  it('filters and limits the history, newest first', async () => {
    await register('1');
    await register('2');
    await control.deploy(deployment(replace('1')), undefined, who);
    expect(control.history('breast-cancer', 2).map((e) => e.action)).toEqual([
      'deploy',
      'register',
    ]);
    expect(control.history('wine', 0)).toEqual([]);
  });
});
