import { DeployResponseSchema } from '@ballast/contracts';
import { CliError } from '../command';
import { changeCommand } from '../control/change-command';
import { currentDeployment } from '../control/current';
import { strategyName } from '../format/deployment';
import { planDeployment, servingVersion } from './deploy-plan';

const string = { type: 'string' } as const;

export const deploy = changeCommand({
  path: ['deploy'],
  summary: 'make a deployment active: replace, canary, shadow or experiment',
  usage: `usage:
  ballast deploy MODEL --version V
  ballast deploy MODEL --canary V --weight W [--stable V0] [--salt S]
  ballast deploy MODEL --shadow V --fraction F [--primary V0]
  ballast deploy MODEL --experiment ID --variants NAME=V:W,NAME=V:W --unit-field FIELD
                       [--salt S] [--control-variant NAME]

Replaces MODEL's deployment with a new generation.
  --version V           all traffic to version V
  --canary V            a share --weight W (0..1) of units to V, the rest to --stable
  --shadow V            mirror a share --fraction F (0..1) of requests to V (logged only);
                        answers come from --primary
  --experiment ID       split units between --variants (weights sum to 1) by hashing
                        --salt and the request parameter --unit-field; the control
                        variant is --control-variant (default: 'control', else the first)
Without --stable / --primary, the version serving now is kept: it is read from the
current deployment, and the change then applies only if that one is still current.`,
  options: {
    version: string,
    canary: string,
    weight: string,
    stable: string,
    salt: string,
    shadow: string,
    fraction: string,
    primary: string,
    experiment: string,
    variants: string,
    'unit-field': string,
    'control-variant': string,
  },
  response: DeployResponseSchema,
  done: 'deployed',
  prepare({ values, positionals }, change, io) {
    const model = positionals[0] as string;
    const plan = planDeployment(model, values);
    return async ({ client }) => {
      if (!plan.needs)
        return client.deploy({
          deployment: plan.build(),
          expectedGeneration: change.expectedGeneration,
          context: change.context,
        });
      const current = await currentDeployment(client, model);
      const version = servingVersion(current);
      if (!current || version === undefined)
        throw new CliError(
          current
            ? `${model}'s current deployment is ${strategyName(current)}, with no single serving version: pass --${plan.needs} V`
            : `${model} has no deployment to keep a version from: pass --${plan.needs} V`,
        );
      io.stderr.write(
        `ballast: ${plan.needs} version ${version}, from ${model}'s current deployment (generation ${current.generation})\n`,
      );
      return client.deploy({
        deployment: plan.build(version),
        // The version kept is this generation's: apply only if it is still current.
        expectedGeneration: change.expectedGeneration ?? current.generation,
        context: change.context,
      });
    };
  },
});
