import { ListModelsResponseSchema } from '@ballast/contracts';
import { parseCommandArgs } from '../args';
import type { Command } from '../command';
import { withControl } from '../control/client';
import { CONTROL_OPTIONS, CONTROL_USAGE } from '../control/options';
import { writeResult } from '../format/output';
import { formatTable } from '../format/table';

export const modelsList: Command = {
  path: ['models', 'list'],
  summary: 'registered models, their versions and deployment generation',
  usage: `usage: ballast models list
${CONTROL_USAGE}`,
  async run(args, io) {
    const { values } = parseCommandArgs(args, { options: CONTROL_OPTIONS });
    return withControl({ control: values.control, io }, async ({ client }) => {
      const response = await client.listModels({});
      writeResult(io, {
        json: values.json,
        schema: ListModelsResponseSchema,
        message: response,
        text: () =>
          response.models.length === 0
            ? 'no models registered\n'
            : formatTable(response.models, [
                { header: 'MODEL', value: (m) => m.name },
                { header: 'VERSIONS', value: (m) => m.versions.join(', ') },
                {
                  header: 'GENERATION',
                  value: (m) => (m.deploymentGeneration === 0n ? '-' : m.deploymentGeneration),
                  align: 'right',
                },
              ]),
      });
      return 0;
    });
  },
};
