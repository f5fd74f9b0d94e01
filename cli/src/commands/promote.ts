import { PromoteResponseSchema } from '@ballast/contracts';
import { atMostOne } from '../args';
import { changeCommand } from '../control/change-command';

export const promote = changeCommand({
  path: ['promote'],
  summary: "send all traffic to the canary, shadow or an experiment variant's version",
  usage: `usage: ballast promote MODEL [--version V | --variant NAME]

Ends MODEL's canary, shadow or experiment: one version gets all traffic.
  --version V           the version to promote (default: the canary or shadow version)
  --variant NAME        for an experiment, the variant whose version to promote`,
  options: { version: { type: 'string' }, variant: { type: 'string' } } as const,
  response: PromoteResponseSchema,
  done: 'promoted',
  prepare({ values, positionals }, change) {
    atMostOne({ version: values.version, variant: values.variant });
    return ({ client }) =>
      client.promote({
        model: positionals[0],
        version: values.version ?? '',
        variant: values.variant ?? '',
        expectedGeneration: change.expectedGeneration,
        context: change.context,
      });
  },
});
