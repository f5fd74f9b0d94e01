import {
  GetDeploymentResponseSchema,
  ListDeploymentsResponseSchema,
  type Deployment,
} from '@ballast/contracts';
import { create } from '@bufbuild/protobuf';
import { parseCommandArgs } from '../args';
import type { Command } from '../command';
import { withControl } from '../control/client';
import { currentDeployment } from '../control/current';
import { CONTROL_OPTIONS, CONTROL_USAGE } from '../control/options';
import { detailsOf, strategyName, trafficOf } from '../format/deployment';
import { writeResult } from '../format/output';
import { formatTable } from '../format/table';

/** The active deployments as a table, or a line saying there are none. */
export function deploymentsTable(deployments: readonly Deployment[]): string {
  if (deployments.length === 0) return 'no active deployments\n';
  return formatTable(deployments, [
    { header: 'MODEL', value: (d) => d.model },
    { header: 'GENERATION', value: (d) => d.generation },
    { header: 'STRATEGY', value: strategyName },
    { header: 'TRAFFIC', value: trafficOf },
    { header: 'DETAILS', value: detailsOf },
  ]);
}

export const status: Command = {
  path: ['status'],
  summary: 'active deployments: strategy, versions, weights, generation',
  usage: `usage: ballast status [MODEL]

Every active deployment, or MODEL's.
${CONTROL_USAGE}`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      options: CONTROL_OPTIONS,
      positionals: ['model'],
      required: 0,
    });
    const model = positionals[0];
    return withControl({ control: values.control, io }, async ({ client }) => {
      if (model === undefined) {
        const response = await client.listDeployments({});
        const sorted = [...response.deployments].sort((a, b) => a.model.localeCompare(b.model));
        writeResult(io, {
          json: values.json,
          schema: ListDeploymentsResponseSchema,
          message: response,
          text: () => deploymentsTable(sorted),
        });
        return 0;
      }
      const deployment = await currentDeployment(client, model);
      writeResult(io, {
        json: values.json,
        schema: GetDeploymentResponseSchema,
        message: create(GetDeploymentResponseSchema, { deployment }),
        text: () => (deployment ? deploymentsTable([deployment]) : `${model} has no deployment\n`),
      });
      return 0;
    });
  },
};
