import { ExperimentState } from '@ballast/contracts';
import { parseVariants, planDeployment } from './deploy-plan';
import { usageMessage } from '../../test/usage-message';

describe('parseVariants', () => {
  it('reads NAME=VERSION:WEIGHT pairs', () => {
    expect(parseVariants('control=1:0.5, treatment=2:0.5')).toEqual([
      { name: 'control', version: '1', weight: 0.5 },
      { name: 'treatment', version: '2', weight: 0.5 },
    ]);
  });

  it.each([
    ['control=1,treatment=2:0.5', "'control=1' is not NAME=VERSION:WEIGHT"],
    ['control:1:0.5,treatment=2:0.5', "'control:1:0.5' is not NAME=VERSION:WEIGHT"],
    ['control=1:0.5,', "'' is not NAME=VERSION:WEIGHT"],
    ['control=1:half,treatment=2:0.5', "--variants weight of 'control' must be a number"],
    ['control=1:1.5,treatment=2:0.5', "--variants weight of 'control' must be between 0 and 1"],
    ['control=1:1', 'at least two variants'],
    ['a=1:0.5,a=2:0.5', "variant 'a' is given twice"],
  ])('refuses %s', (text, message) => {
    expect(usageMessage(() => parseVariants(text))).toContain(message);
  });
});

describe('planDeployment', () => {
  it('builds a replace', () => {
    const plan = planDeployment('bc', { version: '2' });
    expect(plan.needs).toBeUndefined();
    expect(plan.build()).toEqual({
      model: 'bc',
      strategy: { case: 'replace', value: { version: '2' } },
    });
  });

  it('leaves the stable version of a canary to the current deployment unless given', () => {
    const plan = planDeployment('bc', { canary: '2', weight: '0.1' });
    expect(plan.needs).toBe('stable');
    expect(plan.build('1').strategy).toEqual({
      case: 'canary',
      value: { stableVersion: '1', canaryVersion: '2', canaryWeight: 0.1, salt: '' },
    });
    expect(planDeployment('bc', { canary: '2', weight: '0.1', stable: '0' }).needs).toBeUndefined();
  });

  it('leaves the primary of a shadow to the current deployment unless given', () => {
    const plan = planDeployment('bc', { shadow: '2', fraction: '0.2', primary: '1' });
    expect(plan.needs).toBeUndefined();
    expect(plan.build().strategy).toEqual({
      case: 'shadow',
      value: { primaryVersion: '1', shadowVersion: '2', mirrorFraction: 0.2 },
    });
  });

  it('builds a running experiment, control variant "control" or else the first', () => {
    const flags = {
      experiment: 'e1',
      variants: 'treatment=2:0.5,control=1:0.5',
      'unit-field': 'user_id',
    };
    const value = (f: typeof flags & { 'control-variant'?: string }) => {
      const strategy = planDeployment('bc', f).build().strategy;
      return strategy?.case === 'experiment' ? strategy.value : undefined;
    };
    expect(value(flags)).toMatchObject({
      experimentId: 'e1',
      controlVariant: 'control',
      unitField: 'user_id',
      salt: '',
      state: ExperimentState.RUNNING,
    });
    expect(value({ ...flags, variants: 'a=1:0.5,b=2:0.5' })?.controlVariant).toBe('a');
    expect(value({ ...flags, 'control-variant': 'treatment' })?.controlVariant).toBe('treatment');
  });

  it.each([
    [{}, 'say what to deploy: --version, --canary, --shadow or --experiment'],
    [{ version: '1', canary: '2' }, 'options --version and --canary cannot be used together'],
    [{ canary: '2' }, 'option --weight is required'],
    [{ canary: '2', weight: 'x' }, "--weight must be a number, got 'x'"],
    [{ canary: '2', weight: '-0.1' }, '--weight must be between 0 and 1, got -0.1'],
    [{ version: '2', weight: '0.1' }, 'option --weight does not apply to --version'],
    [{ shadow: '2', fraction: '0.1', stable: '1' }, 'option --stable does not apply to --shadow'],
    [{ shadow: '2', fraction: '2' }, '--fraction must be between 0 and 1, got 2'],
    [{ experiment: 'e', variants: 'a=1:0.5,b=2:0.5' }, 'option --unit-field is required'],
    [
      { experiment: 'e', variants: 'a=1:0.5,b=2:0.5', 'unit-field': 'u', 'control-variant': 'c' },
      "--control-variant 'c' is not one of the variants (a, b)",
    ],
  ])('refuses %j', (flags, message) => {
    expect(usageMessage(() => planDeployment('bc', flags))).toBe(message);
  });
});
